"""``cloudbed_sync_state``: incremental cursors, and the lease that keeps one sync per property.

Cursors (``cursor:reservations``, ``cursor:guests``) are written by the caller inside the
transaction of the last batch they cover, so a process killed half-way leaves the old cursor and
the next run re-reads what it had not finished (DOMAIN rules 20 and the reliability issue).

The lease (``lease:sync``) is a row with an owner and an expiry. Taking it is a conditional update
inside a write transaction, so two processes (or two threads, or two servers on one MariaDB) can
never both hold it (DOMAIN rule 21). The holder renews it with every batch; a holder that died
stops renewing and the lease lapses after ``LEASE_TTL``. A holder that died on this very machine
(SIGKILL, power loss) is recognised at once by its process id, so a rerun need not wait.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.errors import SyncError, SyncLockedError

__all__ = [
    "LEASE_NAME",
    "LEASE_TTL",
    "Lease",
    "LeaseInfo",
    "cursor_name",
    "read_cursor",
    "write_cursor",
    "read_mark",
    "write_mark",
    "read_ids",
    "write_ids",
    "lease_info",
]

LEASE_NAME = "lease:sync"
LEASE_TTL = timedelta(minutes=10)
_STATE = schema.cloudbed_sync_state


def cursor_name(entity: str) -> str:
    return f"cursor:{entity}"


def _row(conn: sa.Connection, property_id: str, name: str, lock: bool = False):
    q = sa.select(_STATE).where(_STATE.c.property_id == property_id, _STATE.c.name == name)
    if lock and conn.dialect.name != "sqlite":  # SQLite's BEGIN IMMEDIATE already serialises writers
        q = q.with_for_update()
    return conn.execute(q).mappings().first()


def _set(conn: sa.Connection, property_id: str, name: str, **values) -> None:
    values.setdefault("updated_at", utcnow())
    done = conn.execute(sa.update(_STATE).where(_STATE.c.property_id == property_id, _STATE.c.name == name)
                        .values(**values)).rowcount
    if not done:
        conn.execute(sa.insert(_STATE).values(property_id=property_id, name=name, **values))


def read_cursor(conn: sa.Connection, property_id: str, entity: str) -> datetime | None:
    """The entity's incremental cursor (UTC), or None before the first completed pull."""
    row = _row(conn, property_id, cursor_name(entity))
    return row["cursor_at"] if row else None


def write_cursor(conn: sa.Connection, property_id: str, entity: str, value: datetime, note: str | None = None) -> None:
    """Move the cursor; call it in the transaction of the last batch it covers."""
    _set(conn, property_id, cursor_name(entity), cursor_at=value, cursor_value=note)


def read_mark(conn: sa.Connection, property_id: str, name: str) -> datetime | None:
    """A bookkeeping time such as ``last_full:reservations``."""
    row = _row(conn, property_id, name)
    return row["cursor_at"] if row else None


def write_mark(conn: sa.Connection, property_id: str, name: str, value: datetime, note: str | None = None) -> None:
    _set(conn, property_id, name, cursor_at=value, cursor_value=note)


def read_ids(conn: sa.Connection, property_id: str, name: str) -> list[str]:
    """A short list of ids kept between runs (``retry:reservations``: bookings to read again)."""
    row = _row(conn, property_id, name)
    if row is None or not row["cursor_value"]:
        return []
    try:
        value = json.loads(row["cursor_value"])
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def write_ids(conn: sa.Connection, property_id: str, name: str, ids: list[str], limit: int = 1000) -> None:
    kept = list(dict.fromkeys(str(i) for i in ids))[:limit]
    _set(conn, property_id, name, cursor_at=utcnow(), cursor_value=json.dumps(kept))


@dataclass(frozen=True)
class LeaseInfo:
    """Who holds a property's sync lease, for messages and the dashboard."""

    owner: str | None
    purpose: str | None
    since: datetime | None
    expires_at: datetime | None

    @property
    def held(self) -> bool:
        return bool(self.owner) and self.expires_at is not None and self.expires_at > utcnow()


def lease_info(engine: sa.Engine, property_id: str) -> LeaseInfo:
    with engine.connect() as conn:
        row = _row(conn, property_id, LEASE_NAME)
    if row is None:
        return LeaseInfo(None, None, None, None)
    return LeaseInfo(row["lease_owner"], row["cursor_value"], row["cursor_at"], row["lease_expires_at"])


def _owner_is_dead(owner: str | None) -> bool:
    """True when the owner ran on this machine and its process is gone."""
    if not owner:
        return True
    parts = owner.split(":")
    if len(parts) < 3 or parts[0] != socket.gethostname()[:40]:
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    if pid == os.getpid():
        return False  # another thread of this process: alive
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Lease:
    """The property's sync lease, held for the duration of one run.

    Args:
        engine: the hotel database.
        property_id: the property to lock.
        purpose: what the holder is doing, shown to whoever is refused ("cli full sync").
        ttl: how long the lease lasts without renewal.
    """

    def __init__(self, engine: sa.Engine, property_id: str, purpose: str, *, ttl: timedelta = LEASE_TTL) -> None:
        self.engine = engine
        self.property_id = property_id
        self.purpose = purpose[:200]
        self.ttl = ttl
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}:{purpose}"[:128]
        self.held = False

    def _ensure_row(self) -> None:
        """Create the free lease row if it is missing, in its own transaction.

        On MySQL/MariaDB, ``SELECT ... FOR UPDATE`` on a row that does not exist yet takes a gap
        lock; two syncs doing that and then inserting deadlock each other (1213). An idempotent
        insert first means the locking read below always finds a row.
        """
        from pms.db.upsert import upsert_rows

        with self.engine.begin() as conn:
            if _row(conn, self.property_id, LEASE_NAME) is None:
                upsert_rows(conn, _STATE, [{"property_id": self.property_id, "name": LEASE_NAME}],
                            key=("property_id", "name"), compare=())

    def _try(self) -> LeaseInfo | None:
        """Take the lease if it is free; otherwise return who holds it."""
        now = utcnow()
        for attempt in range(5):
            try:
                if attempt == 0:
                    self._ensure_row()
                with self.engine.begin() as conn:
                    row = _row(conn, self.property_id, LEASE_NAME, lock=True)
                    if row is None:
                        conn.execute(sa.insert(_STATE).values(
                            property_id=self.property_id, name=LEASE_NAME, lease_owner=self.owner,
                            lease_expires_at=now + self.ttl, cursor_at=now, cursor_value=self.purpose,
                            updated_at=now))
                        return None
                    expired = row["lease_expires_at"] is None or row["lease_expires_at"] <= now
                    if row["lease_owner"] and not expired and not _owner_is_dead(row["lease_owner"]):
                        return LeaseInfo(row["lease_owner"], row["cursor_value"], row["cursor_at"],
                                         row["lease_expires_at"])
                    old = row["lease_owner"]
                    cond = _STATE.c.lease_owner.is_(None) if old is None else _STATE.c.lease_owner == old
                    taken = conn.execute(sa.update(_STATE).where(_STATE.c.id == row["id"], cond).values(
                        lease_owner=self.owner, lease_expires_at=now + self.ttl, cursor_at=now,
                        cursor_value=self.purpose, updated_at=now)).rowcount
                    if taken:
                        return None
            except sa.exc.IntegrityError:
                continue  # another process inserted the row first: look again
            except sa.exc.OperationalError as exc:
                code = getattr(exc.orig, "args", (None,))[0]
                if code in (1205, 1213):  # lock wait timeout / deadlock: the other side won; look again
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
        return LeaseInfo("unknown", None, None, None)

    def acquire(self, *, wait: bool = False, timeout: float = 600.0, poll: float = 0.5) -> Lease:
        """Take the lease, or raise ``SyncLockedError`` (after waiting up to ``timeout`` if asked)."""
        deadline = time.monotonic() + (timeout if wait else 0)
        while True:
            holder = self._try()
            if holder is None:
                self.held = True
                return self
            if not wait or time.monotonic() >= deadline:
                raise self._refusal(holder, waited=wait)
            time.sleep(min(poll, max(0.01, deadline - time.monotonic())))

    def _refusal(self, holder: LeaseInfo, waited: bool) -> SyncLockedError:
        what = holder.purpose or "another sync"
        since = f" since {holder.since:%Y-%m-%d %H:%M} UTC" if holder.since else ""
        until = f"; its lease runs until {holder.expires_at:%H:%M} UTC" if holder.expires_at else ""
        advice = "It did not finish in time; try again later." if waited else \
            "Wait for it to finish (it usually takes a minute or two) and try again."
        return SyncLockedError(f"Another sync is already running for property {self.property_id} ({what}{since}"
                               f"{until}). {advice}", owner=holder.owner, expires_at=holder.expires_at)

    def renew(self, conn: sa.Connection | None = None) -> None:
        """Extend the lease; raise when it was lost (expired and taken by someone else)."""
        if not self.held:
            raise SyncError("the sync lease is not held")

        def _renew(c: sa.Connection) -> int:
            return c.execute(sa.update(_STATE).where(
                _STATE.c.property_id == self.property_id, _STATE.c.name == LEASE_NAME,
                _STATE.c.lease_owner == self.owner).values(lease_expires_at=utcnow() + self.ttl,
                                                           updated_at=utcnow())).rowcount

        done = _renew(conn) if conn is not None else self._own(_renew)
        if not done:
            self.held = False
            raise SyncLockedError(f"The sync of property {self.property_id} lost its lease (it paused longer than "
                                  f"{int(self.ttl.total_seconds() // 60)} minutes and another sync took over); "
                                  "it stopped without writing further. Run it again.")

    def _own(self, fn):
        with self.engine.begin() as conn:
            return fn(conn)

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.update(_STATE).where(
                    _STATE.c.property_id == self.property_id, _STATE.c.name == LEASE_NAME,
                    _STATE.c.lease_owner == self.owner).values(lease_owner=None, lease_expires_at=None,
                                                               updated_at=utcnow()))
        except sa.exc.SQLAlchemyError:
            pass  # it lapses by itself after the TTL

    def __enter__(self) -> Lease:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Lease(property_id={self.property_id!r}, owner={self.owner!r}, held={self.held})"
