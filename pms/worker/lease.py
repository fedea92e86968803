"""Leases and heartbeats in ``cloudbed_sync_state``: the database is the only shared state.

Several workers may run against one MySQL (ARCHITECTURE §1). Each property has one worker lease
row (``lease:worker``); a worker takes it when it is free or expired and renews it well before it
lapses, so exactly one worker schedules syncs and processes webhook events for a property, and a
worker that dies is replaced once its lease expires. The take-over is one conditional UPDATE, so
two workers racing for the same row cannot both win (the first INSERT of the row is guarded by the
table's unique key).

The heartbeat row (property ``*``) lets ``/healthz`` see a worker that runs in another process.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.types import utcnow

__all__ = ["LEASE_NAME", "HEARTBEAT_PROPERTY", "Holder", "new_owner_id", "acquire", "release", "holder",
           "beat", "last_beat"]

S = schema.cloudbed_sync_state
LEASE_NAME = "lease:worker"
HEARTBEAT_PROPERTY = "*"
HEARTBEAT_NAME = "worker:heartbeat"


def new_owner_id(purpose: str = "worker") -> str:
    """host:pid:purpose:random — unique per worker object, readable on the Monitoring page."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{purpose}:{uuid.uuid4().hex[:8]}"[:128]


@dataclass(frozen=True)
class Holder:
    owner: str
    expires_at: datetime


def acquire(engine: sa.Engine, property_id: str, owner: str, ttl: timedelta,
            now: datetime | None = None, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease; True when ``owner`` holds it until ``now + ttl``."""
    now = now or utcnow()
    free = sa.or_(S.c.lease_owner.is_(None), S.c.lease_owner == owner, S.c.lease_expires_at.is_(None),
                  S.c.lease_expires_at < now)
    with engine.begin() as conn:
        # MySQL reports matched rows (SQLAlchemy sets FOUND_ROWS), so a renewal with the same
        # values still counts as 1.
        taken = conn.execute(sa.update(S).where(S.c.property_id == property_id, S.c.name == name, free)
                             .values(lease_owner=owner, lease_expires_at=now + ttl, updated_at=now)).rowcount
        if taken == 1:
            return True
        exists = conn.execute(sa.select(S.c.id).where(S.c.property_id == property_id, S.c.name == name)).first()
    if exists:
        return False
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(S).values(property_id=property_id, name=name, lease_owner=owner,
                                             lease_expires_at=now + ttl, updated_at=now))
        return True
    except sa.exc.IntegrityError:  # another worker created the row first
        return False


def release(engine: sa.Engine, property_id: str, owner: str, name: str = LEASE_NAME) -> bool:
    """Give the lease up (only if ``owner`` holds it), so another worker can take over at once."""
    with engine.begin() as conn:
        return conn.execute(sa.update(S).where(S.c.property_id == property_id, S.c.name == name,
                                               S.c.lease_owner == owner)
                            .values(lease_owner=None, lease_expires_at=None)).rowcount == 1


def holder(engine: sa.Engine, property_id: str, now: datetime | None = None,
           name: str = LEASE_NAME) -> Holder | None:
    """Who holds a live lease on the property, if anyone."""
    now = now or utcnow()
    with reader(engine).connect() as conn:
        row = conn.execute(sa.select(S.c.lease_owner, S.c.lease_expires_at)
                           .where(S.c.property_id == property_id, S.c.name == name)).first()
    if row is None or row.lease_owner is None or row.lease_expires_at is None or row.lease_expires_at <= now:
        return None
    return Holder(row.lease_owner, row.lease_expires_at)


def beat(engine: sa.Engine, owner: str, now: datetime | None = None) -> None:
    """Record that a worker is alive (one shared row: the latest beat wins)."""
    now = now or utcnow()
    with engine.begin() as conn:
        done = conn.execute(sa.update(S).where(S.c.property_id == HEARTBEAT_PROPERTY, S.c.name == HEARTBEAT_NAME)
                            .values(cursor_at=now, lease_owner=owner, updated_at=now)).rowcount
    if done:
        return
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(S).values(property_id=HEARTBEAT_PROPERTY, name=HEARTBEAT_NAME,
                                             cursor_at=now, lease_owner=owner, updated_at=now))
    except sa.exc.IntegrityError:
        pass  # another worker beat first; ours is as good as theirs


def last_beat(engine: sa.Engine) -> tuple[str, datetime] | None:
    with reader(engine).connect() as conn:
        row = conn.execute(sa.select(S.c.lease_owner, S.c.cursor_at)
                           .where(S.c.property_id == HEARTBEAT_PROPERTY, S.c.name == HEARTBEAT_NAME)).first()
    if row is None or row.cursor_at is None:
        return None
    return row.lease_owner, row.cursor_at
