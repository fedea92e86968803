"""Leases in ``cloudbed_sync_state``: one holder per property and purpose, the database as the only arbiter.

Two kinds of work must never run twice at once for a property (docs/domain.md, one sync per
property): a sync run (``lease:sync``, held by ``Lease`` for the length of the run) and the
worker that schedules syncs and works off webhook events (``lease:worker``, renewed every few
seconds). Both are rows with an owner and an expiry, taken the same way:

1. one conditional UPDATE takes the row when it is free, expired, or already ours (a renewal);
   two processes racing for it cannot both match, because the UPDATE itself is atomic;
2. otherwise the row is read: missing, it is inserted (the table's unique key lets only one
   insert win); held by a process that died on this very machine (SIGKILL, power loss: its
   process id is gone), it is taken over at once by another conditional UPDATE, instead of
   waiting for the expiry.

Owners read ``host:pid:purpose:random``, so the Monitoring page can say who holds a lease and a
process on the same host can tell a dead holder from a live one.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.config import host_id
from pms.db import schema
from pms.db.engine import reader
from pms.db.types import utcnow
from pms.errors import SyncError, SyncLockedError

__all__ = [
    "SYNC_LEASE",
    "SYNC_LEASE_TTL",
    "WORKER_LEASE",
    "Lease",
    "LeaseInfo",
    "holder",
    "lease_info",
    "new_owner",
    "owner_is_dead",
    "release",
    "take",
]

SYNC_LEASE = "lease:sync"
WORKER_LEASE = "lease:worker"
SYNC_LEASE_TTL = timedelta(minutes=10)
RENEW_EVERY_S = 60.0  # a run renews at most this often (a round trip each); see Lease.renew
_S = schema.cloudbed_sync_state
_LOCK_CONFLICTS = (1205, 1213)  # MySQL/MariaDB lock wait timeout, deadlock: the other side won


def new_owner(purpose: str) -> str:
    """``host:pid:purpose:random``: unique per holder, readable on the Monitoring page.

    ``host`` is ``PMS_HOST_ID`` or the host name (``pms.config.host_id``)."""
    return f"{host_id()}:{os.getpid()}:{purpose}:{uuid.uuid4().hex[:8]}"[:128]


def owner_is_dead(owner: str | None) -> bool:
    """True when ``owner`` ran on this machine and its process is gone (or nobody holds the lease)."""
    if not owner:
        return True
    parts = owner.split(":")
    if len(parts) < 3 or parts[0] != host_id():
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


@dataclass(frozen=True)
class LeaseInfo:
    """Who holds a lease, for messages and the dashboard."""

    owner: str | None
    purpose: str | None
    since: datetime | None
    expires_at: datetime | None

    @property
    def held(self) -> bool:
        return bool(self.owner) and self.expires_at is not None and self.expires_at > utcnow()


def _info(row) -> LeaseInfo:
    return LeaseInfo(row.lease_owner, row.cursor_value, row.cursor_at, row.lease_expires_at)


def lease_info(engine: sa.Engine, property_id: str, name: str = SYNC_LEASE) -> LeaseInfo:
    """The lease row as it stands (``.held`` says whether it is live)."""
    with reader(engine).connect() as conn:
        row = conn.execute(sa.select(_S).where(_S.c.property_id == property_id, _S.c.name == name)).first()
    return LeaseInfo(None, None, None, None) if row is None else _info(row)


def holder(
    engine: sa.Engine, property_id: str, name: str = SYNC_LEASE, now: datetime | None = None
) -> LeaseInfo | None:
    """Who holds a live lease on the property at ``now``, if anyone."""
    info = lease_info(engine, property_id, name)
    now = now or utcnow()
    if info.owner is None or info.expires_at is None or info.expires_at <= now:
        return None
    return info


def _where(property_id: str, name: str):
    return (_S.c.property_id == property_id, _S.c.name == name)


def _take_once(
    engine: sa.Engine,
    property_id: str,
    name: str,
    owner: str,
    ttl: timedelta,
    purpose: str,
    now: datetime,
    then: Callable[[sa.Connection], object] | None = None,
) -> LeaseInfo | None:
    # What the holder does and when it last took or renewed the lease travel with it.
    taken_values = {
        "lease_owner": owner,
        "lease_expires_at": now + ttl,
        "cursor_at": now,
        "cursor_value": purpose,
        "updated_at": now,
    }
    free = sa.or_(
        _S.c.lease_owner.is_(None),
        _S.c.lease_owner == owner,
        _S.c.lease_expires_at.is_(None),
        _S.c.lease_expires_at <= now,
    )
    with engine.begin() as conn:
        # MySQL reports matched rows (SQLAlchemy sets FOUND_ROWS), so a renewal with equal values counts.
        if (
            conn.execute(
                sa.update(_S).where(*_where(property_id, name), free).values(**taken_values)
            ).rowcount
            == 1
        ):
            if then is not None:
                then(conn)
            return None
        row = conn.execute(sa.select(_S).where(*_where(property_id, name))).first()
    if row is None:
        with engine.begin() as conn:
            conn.execute(sa.insert(_S).values(property_id=property_id, name=name, **taken_values))
            if then is not None:
                then(conn)
        return None
    if not owner_is_dead(row.lease_owner):
        return _info(row)
    with engine.begin() as conn:
        taken = conn.execute(
            sa.update(_S)
            .where(*_where(property_id, name), _S.c.lease_owner == row.lease_owner)
            .values(**taken_values)
        ).rowcount
        if taken == 1 and then is not None:
            then(conn)
    return None if taken == 1 else _info(row)


def take(
    engine: sa.Engine,
    property_id: str,
    name: str,
    owner: str,
    ttl: timedelta,
    *,
    purpose: str | None = None,
    now: datetime | None = None,
    then: Callable[[sa.Connection], object] | None = None,
) -> LeaseInfo | None:
    """Take (or renew) the lease for ``owner``; None when it holds it now, else who does.

    Args:
        purpose: what the holder is doing, shown to whoever is refused ("cli full sync").
        then: called with the connection, in the transaction that took the lease (what the
            holder writes first, without a transaction of its own).
    """
    now = now or utcnow()
    purpose = (purpose or owner)[:200]
    for attempt in range(5):
        try:
            return _take_once(engine, property_id, name, owner, ttl, purpose, now, then)
        except sa.exc.IntegrityError:
            continue  # another holder inserted the row first: look again
        except sa.exc.OperationalError as exc:
            if getattr(exc.orig, "args", (None,))[0] in _LOCK_CONFLICTS:
                time.sleep(0.05 * (attempt + 1))
                continue
            raise
    return LeaseInfo("unknown", None, None, None)


def renew(conn: sa.Connection, property_id: str, name: str, owner: str, ttl: timedelta) -> bool:
    """Extend a lease ``owner`` holds, inside the caller's transaction; False when it was lost."""
    now = utcnow()
    return (
        conn.execute(
            sa.update(_S)
            .where(*_where(property_id, name), _S.c.lease_owner == owner)
            .values(lease_expires_at=now + ttl, updated_at=now)
        ).rowcount
        == 1
    )


def release(engine: sa.Engine, property_id: str, name: str, owner: str) -> bool:
    """Give the lease up (only if ``owner`` holds it), so another holder can take it at once."""
    with engine.begin() as conn:
        return (
            conn.execute(
                sa.update(_S)
                .where(*_where(property_id, name), _S.c.lease_owner == owner)
                .values(lease_owner=None, lease_expires_at=None, updated_at=utcnow())
            ).rowcount
            == 1
        )


class Lease:
    """A property's sync lease, held for the duration of one run.

    Args:
        engine: the hotel database.
        property_id: the property to lock.
        purpose: what the holder is doing, shown to whoever is refused ("cli full sync").
        ttl: how long the lease lasts without renewal (the run renews it with every batch).
    """

    def __init__(
        self,
        engine: sa.Engine,
        property_id: str,
        purpose: str,
        *,
        ttl: timedelta = SYNC_LEASE_TTL,
        name: str = SYNC_LEASE,
    ) -> None:
        self.engine = engine
        self.property_id = property_id
        self.purpose = purpose[:200]
        self.ttl = ttl
        self.name = name
        self.owner = new_owner(purpose)
        self.held = False
        self._renewed = 0.0  # time.monotonic() of the last take or renewal

    def acquire(
        self,
        *,
        wait: bool = False,
        timeout: float = 600.0,
        poll: float = 0.5,
        then: Callable[[sa.Connection], object] | None = None,
    ) -> Lease:
        """Take the lease, or raise ``SyncLockedError`` (after waiting up to ``timeout`` if asked).

        ``then``: see ``take``.
        """
        deadline = time.monotonic() + (timeout if wait else 0)
        while True:
            holder = take(
                self.engine,
                self.property_id,
                self.name,
                self.owner,
                self.ttl,
                purpose=self.purpose,
                then=then,
            )
            if holder is None:
                self.held = True
                self._renewed = time.monotonic()
                return self
            if not wait or time.monotonic() >= deadline:
                raise self._refusal(holder, waited=wait)
            time.sleep(min(poll, max(0.01, deadline - time.monotonic())))

    def _refusal(self, holder: LeaseInfo, waited: bool) -> SyncLockedError:
        what = holder.purpose or "another sync"
        since = f" since {holder.since:%Y-%m-%d %H:%M} UTC" if holder.since else ""
        until = f"; its lease runs until {holder.expires_at:%H:%M} UTC" if holder.expires_at else ""
        advice = (
            "It did not finish in time; try again later."
            if waited
            else "Wait for it to finish (it usually takes a minute or two) and try again."
        )
        return SyncLockedError(
            f"Another sync is already running for property {self.property_id} ({what}{since}"
            f"{until}). {advice}",
            owner=holder.owner,
            expires_at=holder.expires_at,
        )

    def renew(self, conn: sa.Connection | None = None, *, force: bool = False) -> None:
        """Extend the lease (in ``conn``'s transaction when given); raise when it was lost.

        A renewal is a round trip, so it is sent at most every ``RENEW_EVERY_S`` (a quarter of the
        TTL when that is shorter) unless ``force``: another holder can take the lease only once it
        has expired, so a lease renewed less than that long ago is still ours. A transaction that
        moves a cursor passes ``force``, so it also notices a lease taken by hand.
        """
        if not self.held:
            raise SyncError("the sync lease is not held")
        every = min(RENEW_EVERY_S, self.ttl.total_seconds() / 4)
        if not force and time.monotonic() - self._renewed < every:
            return
        if conn is not None:
            done = renew(conn, self.property_id, self.name, self.owner, self.ttl)
        else:
            with self.engine.begin() as own:
                done = renew(own, self.property_id, self.name, self.owner, self.ttl)
        if done:
            self._renewed = time.monotonic()
        else:
            self.held = False
            raise SyncLockedError(
                f"The sync of property {self.property_id} lost its lease (it paused longer than "
                f"{int(self.ttl.total_seconds() // 60)} minutes and another sync took over); "
                "it stopped without writing further. Run it again."
            )

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            release(self.engine, self.property_id, self.name, self.owner)
        except sa.exc.SQLAlchemyError:
            pass  # it lapses by itself after the TTL

    def __enter__(self) -> Lease:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Lease(property_id={self.property_id!r}, owner={self.owner!r}, held={self.held})"
