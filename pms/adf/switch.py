"""Writing into the hotel's front desk is the manager's decision: preview, switch on, switch off.

``adf_frontdesk_enabled`` is off by default on a real database (demo mode switches it on for its
own front desk). While it is off, syncs still decide what they would write and show it (the plan,
the Front desk page's preview); nothing reaches ADF. Switching it on writes at once every stay in
scope from the mirror (no Cloudbeds call), holding the property's sync lease so no sync runs
alongside; later syncs then carry the front desk along with the mirror.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from pms.adf.introspect import describe
from pms.adf.projection import Tally, reconcile
from pms.db.engine import reader
from pms.db.settings import Settings
from pms.db.types import utcnow

__all__ = [
    "ENABLED",
    "RECONCILED",
    "FrontDeskStatus",
    "front_desk_status",
    "preview",
    "switch_off",
    "switch_on",
]

ENABLED = "adf_frontdesk_enabled"
RECONCILED = "adf:reconciled"  # cloudbed_sync_state mark: the whole mirror was written since switching on


@dataclass(frozen=True)
class FrontDeskStatus:
    found: bool
    enabled: bool
    tables: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def front_desk_status(engine: sa.Engine) -> FrontDeskStatus:
    """Whether the database has a front desk, whether writing to it is on, and its variant's facts."""
    with reader(engine).connect() as conn:
        desk = describe(conn)
    enabled = bool(Settings(engine).get(ENABLED))
    return FrontDeskStatus(desk.found, enabled and desk.found, tuple(sorted(desk.tables)), desk.notes)


def preview(engine: sa.Engine, property_id: str, today: date) -> Tally | None:
    """What switching on would write now (nothing is written); None without a front desk."""
    return reconcile(engine, property_id, today=today, write=False)


def switch_on(
    engine: sa.Engine, property_id: str, today: date, *, lease_timeout_s: float = 60.0
) -> Tally | None:
    """Switch writing on and write every stay in scope now, under the property's sync lease."""
    from pms.db.leases import Lease
    from pms.sync.state import write_mark

    Settings(engine).set(ENABLED, True)
    lease = Lease(engine, property_id, "front desk: first write after switching on")
    lease.acquire(wait=True, timeout=lease_timeout_s)
    try:
        tally = reconcile(engine, property_id, today=today, write=True)
        with engine.begin() as conn:
            write_mark(conn, property_id, RECONCILED, utcnow(), note="switched on")
        return tally
    finally:
        lease.release()


def switch_off(engine: sa.Engine, property_id: str) -> None:
    """Stop writing to the front desk; what was written stays (the links remember it)."""
    from pms.db import schema

    Settings(engine).set(ENABLED, False)
    state = schema.cloudbed_sync_state
    with engine.begin() as conn:
        conn.execute(sa.delete(state).where(state.c.property_id == property_id, state.c.name == RECONCILED))
