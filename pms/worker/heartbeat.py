"""The worker's heartbeat: one shared row in ``cloudbed_sync_state`` that says a worker is alive.

``/healthz`` reads it to see a worker that runs in another process (``python -m pms worker``).
The per-property worker leases are ``pms.db.leases`` (``WORKER_LEASE``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.types import utcnow

__all__ = ["HEARTBEAT_NAME", "HEARTBEAT_PROPERTY", "beat", "last_beat"]

S = schema.cloudbed_sync_state
HEARTBEAT_PROPERTY = "*"
HEARTBEAT_NAME = "worker:heartbeat"


def beat(engine: sa.Engine, owner: str, now: datetime | None = None) -> None:
    """Record that a worker is alive (one shared row: the latest beat wins)."""
    now = now or utcnow()
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(S)
            .where(S.c.property_id == HEARTBEAT_PROPERTY, S.c.name == HEARTBEAT_NAME)
            .values(cursor_at=now, lease_owner=owner, updated_at=now)
        ).rowcount
    if done:
        return
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(S).values(
                    property_id=HEARTBEAT_PROPERTY,
                    name=HEARTBEAT_NAME,
                    cursor_at=now,
                    lease_owner=owner,
                    updated_at=now,
                )
            )
    except sa.exc.IntegrityError:
        pass  # another worker beat first; ours is as good as theirs


def last_beat(engine: sa.Engine) -> tuple[str, datetime] | None:
    with reader(engine).connect() as conn:
        row = conn.execute(
            sa.select(S.c.lease_owner, S.c.cursor_at).where(
                S.c.property_id == HEARTBEAT_PROPERTY, S.c.name == HEARTBEAT_NAME
            )
        ).first()
    if row is None or row.cursor_at is None:
        return None
    return row.lease_owner, row.cursor_at
