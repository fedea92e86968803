"""A manager's Retry on the outbox: a refused or failed write is tried again by the next sync.

Each kind of record keeps its own queue, so a retry puts the record back on it: an ADF payment
(``cloudbed_payment_link``) or an out-of-order room (``cloudbed_room_block``) as failed, a hotel
booking or guest edit (``reservasi``, ``guest``) as pending. The clock of rule 17 starts again;
rule 14 stands (a record from before push was switched on is refused again), and so does every
other rule the guard applies. Nothing is sent from here: the next sync sends it through the guard.
"""

from __future__ import annotations

import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.errors import UserError

__all__ = ["RETRYABLE", "retry"]

_LOG = schema.cloudbed_outbound_log
RETRYABLE = ("booking_payments", "rooms", "reservasi", "guest")
_NOTE = "to be tried again (Retry on the Front desk page)"


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
        if table not in RETRYABLE or local_id is None:
            raise UserError(f"a {entry['operation']} of {table or 'this record'} cannot be retried from here")
        if table == "booking_payments":
            pay = schema.cloudbed_payment_link
            done = conn.execute(
                sa.update(pay)
                .where(
                    pay.c.property_id == property_id, pay.c.adf_payment_id == local_id, pay.c.state != "sent"
                )
                .values(state="failed", error=_NOTE, created_at=now, updated_at=now)
            ).rowcount
        elif table == "rooms":
            blocks = schema.cloudbed_room_block
            latest = conn.execute(
                sa.select(blocks.c.id, blocks.c.state)
                .where(blocks.c.property_id == property_id, blocks.c.adf_room_id == local_id)
                .order_by(blocks.c.id.desc())
            ).first()
            done = 0
            if latest is not None and latest.state in ("failed", "skipped", "expired", "sending"):
                done = conn.execute(
                    sa.update(blocks)
                    .where(blocks.c.id == latest.id)
                    .values(state="failed", error=_NOTE, created_at=now, updated_at=now)
                ).rowcount
        else:
            done = _requeue_local(conn, since, table, local_id, now)
        if not done:
            raise UserError(f"{table} #{local_id} has nothing left to retry (sent since, or gone)")
    return f"{table} #{local_id}"


def _requeue_local(conn: sa.Connection, since, table: str, local_id: int, now) -> int:
    t = schema.reservasi if table == "reservasi" else schema.guest
    row = conn.execute(sa.select(t.c.local_modified_at, t.c.sync_status).where(t.c.id == local_id)).first()
    if row is None or row.sync_status not in ("error", "expired", "pending"):
        return 0
    values = {"sync_status": "pending", "sync_error": None, "sync_attempts": 0}
    changed = row.local_modified_at
    if changed is not None and since is not None and changed >= since:
        values["local_modified_at"] = now  # rule 17's clock starts again; rule 14 still applies
    return conn.execute(sa.update(t).where(t.c.id == local_id).values(**values)).rowcount
