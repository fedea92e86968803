"""A manager's Retry on the outbox: a refused or failed write is tried again by the next sync.

Each kind of record keeps its own queue, so a retry puts the record back on it: an ADF payment
(``cloudbed_payment_link``) or an out-of-order room (``cloudbed_room_block``) as failed, a hotel
booking or guest edit (``reservasi``, ``guest``) as pending, a booking typed at ADF's front desk
(``bookings``: its push queue entry in ``cloudbed_sync_state``) as waiting. The clock of rule 17 starts again;
rule 14 stands (a record from before push was switched on is refused again), and so does every
other rule the guard applies. Nothing is sent from here: the next sync sends it through the guard.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.errors import UserError

__all__ = ["HANDLERS", "Requeue", "retry"]

_LOG = schema.cloudbed_outbound_log
_NOTE = "to be tried again (Retry on the Front desk page)"


@dataclass(frozen=True)
class Requeue:
    """What a handler gets: the record and the moment, to put it back on its own queue."""

    conn: sa.Connection
    property_id: str
    local_id: int
    now: datetime
    push_since: datetime | None


def _payment(r: Requeue) -> int:
    pay = schema.cloudbed_payment_link
    return r.conn.execute(
        sa.update(pay)
        .where(pay.c.property_id == r.property_id, pay.c.adf_payment_id == r.local_id, pay.c.state != "sent")
        .values(state="failed", error=_NOTE, created_at=r.now, updated_at=r.now)
    ).rowcount


def _room(r: Requeue) -> int:
    blocks = schema.cloudbed_room_block
    latest = r.conn.execute(
        sa.select(blocks.c.id, blocks.c.state)
        .where(blocks.c.property_id == r.property_id, blocks.c.adf_room_id == r.local_id)
        .order_by(blocks.c.id.desc())
    ).first()
    if latest is None or latest.state not in ("failed", "skipped", "expired", "sending"):
        return 0
    return r.conn.execute(
        sa.update(blocks)
        .where(blocks.c.id == latest.id)
        .values(state="failed", error=_NOTE, created_at=r.now, updated_at=r.now)
    ).rowcount


def _local(table: sa.Table) -> Callable[[Requeue], int]:
    """Hotel bookings and guest edits of our own tables (``pms.sync.push``): pending again."""

    def requeue(r: Requeue) -> int:
        row = r.conn.execute(
            sa.select(table.c.local_modified_at, table.c.sync_status).where(table.c.id == r.local_id)
        ).first()
        if row is None or row.sync_status not in ("error", "expired", "pending"):
            return 0
        values = {"sync_status": "pending", "sync_error": None, "sync_attempts": 0}
        changed = row.local_modified_at
        if changed is not None and r.push_since is not None and changed >= r.push_since:
            values["local_modified_at"] = r.now  # rule 17's clock starts again; rule 14 still applies
        return r.conn.execute(sa.update(table).where(table.c.id == r.local_id).values(**values)).rowcount

    return requeue


def _desk_booking(r: Requeue) -> int:
    """A front-desk booking whose push Cloudbeds refused, or that expired: waiting again, now."""
    from pms.adf.pushscan import QUEUE_PREFIX  # pms.adf imports pms.sync: loaded on use

    state = schema.cloudbed_sync_state
    where = (state.c.property_id == r.property_id, state.c.name == f"{QUEUE_PREFIX}{r.local_id}")
    row = r.conn.execute(sa.select(state.c.cursor_value).where(*where)).first()
    if row is None:
        return 0
    try:
        entry = json.loads(row.cursor_value or "{}")
    except ValueError:
        entry = {}
    if entry.get("state") not in ("refused", "expired", "waiting"):
        return 0
    entry.update(state="waiting", attempts=0, next_at=None, reason=_NOTE)
    return r.conn.execute(
        sa.update(state)
        .where(*where)
        .values(cursor_at=r.now, cursor_value=json.dumps(entry, default=str), updated_at=r.now)
    ).rowcount


# ``cloudbed_outbound_log.local_table`` → how its records go back on their queue. Another kind of
# write registers its own handler here.
HANDLERS: dict[str, Callable[[Requeue], int]] = {
    "booking_payments": _payment,
    "rooms": _room,
    "reservasi": _local(schema.reservasi),
    "guest": _local(schema.guest),
    "bookings": _desk_booking,
}


def retry(engine: sa.Engine, property_id: str, log_id: int) -> str:
    """Queue the record of outbound-log entry ``log_id`` again; returns the record (``table #id``).

    Raises:
        UserError: no such entry, or a kind of write that cannot be retried from here.
    """
    now = utcnow()
    since = Settings(engine).push_since
    with engine.begin() as conn:
        entry = (
            conn.execute(sa.select(_LOG).where(_LOG.c.id == int(log_id), _LOG.c.property_id == property_id))
            .mappings()
            .first()
        )
        if entry is None:
            raise UserError(f"no outbound entry {log_id}")
        table, local_id = entry["local_table"], entry["local_id"]
        handler = HANDLERS.get(table or "")
        if handler is None or local_id is None:
            raise UserError(f"a {entry['operation']} of {table or 'this record'} cannot be retried from here")
        if not handler(Requeue(conn, property_id, int(local_id), now, since)):
            raise UserError(f"{table} #{local_id} has nothing left to retry (sent since, or gone)")
    return f"{table} #{local_id}"
