"""Taking a property over from a worker that died: its run, its lease and its claimed events.

A worker on another machine that is SIGKILLed (or loses its power or network) leaves three things
behind in the property's database: its ``lease:worker`` row (which expires by itself), the sync
lease of the run it was in the middle of (``lease:sync``, which would otherwise last its ten
minutes), a ``running`` row in ``cloudbed_sync_log``, and webhook events it had claimed
(``processing`` for five minutes). The worker that takes the property's worker lease after it
expired knows the previous holder (``host:pid``) and is now the only one allowed to work the
property, so it may clear all of that at once and run the interrupted sync again, instead of the
property waiting for the sync lease, the claim deadline and the next scheduled run.

Clearing a live holder's sync lease is safe as well: every batch a run writes renews its lease in
the same transaction, so a run whose lease was taken stops without writing further.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from pms.db import leases, schema
from pms.db.types import utcnow

__all__ = ["process_of", "recover", "release_claims", "running_mode"]

log = logging.getLogger(__name__)

_S = schema.cloudbed_sync_state
_LOG = schema.cloudbed_sync_log
_EVENTS = schema.cloudbed_webhook_events


def process_of(owner: str | None) -> str | None:
    """``host:pid`` of a lease owner (``host:pid:purpose:random``), or None when it has no such shape."""
    parts = (owner or "").split(":")
    return f"{parts[0]}:{parts[1]}" if len(parts) >= 3 else None


def _break_sync_lease(engine: sa.Engine, property_id: str, process: str) -> str | None:
    """Clear the sync lease when a run of ``process`` holds it; the owner cleared, or None."""
    info = leases.lease_info(engine, property_id, leases.SYNC_LEASE)
    if not info.owner or process_of(info.owner) != process:
        return None
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(_S)
            .where(
                _S.c.property_id == property_id,
                _S.c.name == leases.SYNC_LEASE,
                _S.c.lease_owner == info.owner,
            )
            .values(lease_owner=None, lease_expires_at=None, updated_at=utcnow())
        ).rowcount
    return info.owner if done == 1 else None


def running_mode(engine: sa.Engine, property_id: str) -> str | None:
    """The mode (``full`` / ``incremental``) of the newest run still marked running, if any."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(_LOG.c.mode)
            .where(_LOG.c.property_id == property_id, _LOG.c.status == "running")
            .order_by(_LOG.c.id.desc())
            .limit(1)
        ).first()
    return row.mode if row is not None and row.mode in ("full", "incremental") else None


def release_claims(engine: sa.Engine, property_id: str) -> int:
    """Hand the property's claimed (``processing``) webhook events back as pending; how many."""
    with engine.begin() as conn:
        return conn.execute(
            sa.update(_EVENTS)
            .where(_EVENTS.c.property_id == property_id, _EVENTS.c.status == "processing")
            .values(status="pending", next_attempt_at=None)
        ).rowcount


def recover(engine: sa.Engine, property_id: str, previous_owner: str | None) -> str | None:
    """Clear what the previous worker left on the property; the mode of the run to repeat, if any.

    Call it only while holding the property's worker lease, which the previous holder lost.
    """
    process = process_of(previous_owner)
    if process is None:
        return None
    broken = _break_sync_lease(engine, property_id, process)
    released = release_claims(engine, property_id)
    if broken or released:
        log.warning(
            "worker: took property %s over from %s (%s; %d claimed webhook event(s) handed back)",
            property_id,
            process,
            "its sync lease cleared" if broken else "no sync running",
            released,
        )
    holder = leases.holder(engine, property_id, leases.SYNC_LEASE)
    return running_mode(engine, property_id) if holder is None else None
