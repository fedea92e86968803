"""``cloudbed_webhook_events``: received events, stored before they are answered, then worked off.

An event's life: ``pending`` → ``processing`` (claimed by a worker, with a deadline) → ``processed``;
or back to ``pending`` with a later ``next_attempt_at`` after a failure, until ``MAX_ATTEMPTS``
failures make it ``failed`` (shown on the Monitoring page, counted by the alerts, retried from
there on demand). Events the processor has no use for (unknown type, unknown property) are
``ignored``. A claim whose worker died is taken over once its deadline passes, so a restart
resumes where the last worker stopped.

Deduplication is the unique ``dedupe_key``: a retried or replayed delivery inserts nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import is_mysql, reader
from pms.db.types import utcnow
from pms.webhooks.events import ParsedEvent

__all__ = [
    "MAX_ATTEMPTS",
    "Incoming",
    "Recorded",
    "StoredEvent",
    "claim",
    "counts",
    "due",
    "mark_failed",
    "mark_ignored",
    "mark_processed",
    "record",
    "record_many",
    "release",
    "retry_delay",
    "retry_failed",
]

T = schema.cloudbed_webhook_events
MAX_ATTEMPTS = 6
CLAIM_FOR = timedelta(minutes=5)
_MAX_ERROR = 2000


@dataclass(frozen=True)
class StoredEvent:
    id: int
    property_id: str | None
    event: str
    entity_id: str | None
    payload: dict[str, Any]
    attempts: int
    received_at: datetime

    def field(self, name: str) -> Any:
        """A payload value by case-insensitive name (``reservationId`` = ``reservationID``)."""
        low = name.lower()
        for key, value in self.payload.items():
            if isinstance(key, str) and key.lower() in (low, low + "_str"):
                return value
        return None


@dataclass(frozen=True)
class Recorded:
    id: int | None
    duplicate: bool


@dataclass(frozen=True)
class Incoming:
    """One event to store: what it is, its raw body, and the status to store it with."""

    parsed: ParsedEvent
    raw: str
    status: str = "pending"
    error: str | None = None


def _row(item: Incoming, now: datetime) -> dict[str, Any]:
    parsed = item.parsed
    return {
        "property_id": parsed.property_id,
        "event": parsed.event[:64],
        "entity_id": parsed.entity_id,
        "dedupe_key": parsed.dedupe_key,
        "payload": item.raw,
        "event_time": parsed.event_time,
        "received_at": now,
        "status": item.status,
        "attempts": 0,
        "error": item.error[:_MAX_ERROR] if item.error else None,
        "processed_at": now if item.status != "pending" else None,
    }


def _insert_stmt(conn: sa.Connection):
    if is_mysql(conn):
        from sqlalchemy.dialects.mysql import insert

        stmt = insert(T)
        # A no-op update on a duplicate, without IGNORE's habit of turning every other error into
        # a warning.
        return stmt.on_duplicate_key_update(dedupe_key=stmt.inserted.dedupe_key)
    from sqlalchemy.dialects.sqlite import insert

    return insert(T).on_conflict_do_nothing(index_elements=["dedupe_key"])


def _insert(conn: sa.Connection, item: Incoming, now: datetime) -> Recorded:
    parsed = item.parsed
    mysql = is_mysql(conn)
    result = conn.execute(_insert_stmt(conn).values(_row(item, now)))
    # MySQL counts the matched duplicate as a row (FOUND_ROWS), but gives it no insert id.
    inserted = bool(result.lastrowid) if mysql else result.rowcount == 1
    if inserted and result.lastrowid:
        return Recorded(int(result.lastrowid), False)
    found = conn.execute(sa.select(T.c.id).where(T.c.dedupe_key == parsed.dedupe_key)).scalar_one_or_none()
    return Recorded(found, not inserted)


def record_many(engine: sa.Engine, items: Sequence[Incoming], now: datetime | None = None) -> list[Recorded]:
    """Store several events in one transaction (committed on return), in order; duplicates of
    stored events, or of earlier items, come back as duplicates."""
    now = now or utcnow()
    with engine.begin() as conn:
        if len(items) > 1 and getattr(conn.dialect, "insert_returning", False):
            return _insert_batch(conn, items, now)
        return [_insert(conn, item, now) for item in items]


def _insert_batch(conn: sa.Connection, items: Sequence[Incoming], now: datetime) -> list[Recorded]:
    """Several events in three round trips whatever their number (the database may be a web host
    20 ms away, and every request of the batch waits for the commit): the stored dedupe keys, one
    multi-row INSERT ... RETURNING of the new ones, the commit (the caller's)."""
    keys = [item.parsed.dedupe_key for item in items]
    stored = dict(conn.execute(sa.select(T.c.dedupe_key, T.c.id).where(T.c.dedupe_key.in_(set(keys)))).all())
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key not in stored:
            first.setdefault(key, i)
    made: dict[str, int] = {}
    if first:
        rows = [_row(items[i], now) for i in first.values()]
        returned = conn.execute(_insert_stmt(conn).returning(T.c.id, T.c.dedupe_key), rows)
        made = {key: int(id_) for id_, key in returned}
        # Another writer may have stored a key meanwhile: SQLite returns no row for it (read again
        # below); MariaDB returns its row, so it counts as new here (its wake-up is harmless).
        lost = [key for key in first if key not in made]
        if lost:
            stored.update(
                conn.execute(sa.select(T.c.dedupe_key, T.c.id).where(T.c.dedupe_key.in_(lost))).all()
            )
            for key in lost:
                first.pop(key)
    out: list[Recorded] = []
    for i, key in enumerate(keys):
        if first.get(key) == i:
            out.append(Recorded(made[key], False))
        else:  # stored before, or an earlier item of this batch
            out.append(Recorded(stored.get(key, made.get(key)), True))
    return out


def record(
    engine: sa.Engine,
    parsed: ParsedEvent,
    raw: str,
    *,
    status: str = "pending",
    error: str | None = None,
    now: datetime | None = None,
) -> Recorded:
    """Store one received event durably (committed on return); a known dedupe key is a duplicate."""
    return record_many(engine, [Incoming(parsed, raw, status, error)], now)[0]


def _stored(row: sa.Row) -> StoredEvent:
    try:
        payload = json.loads(row.payload)
    except ValueError:
        payload = {}
    return StoredEvent(
        row.id,
        row.property_id,
        row.event,
        row.entity_id,
        payload if isinstance(payload, dict) else {},
        row.attempts,
        row.received_at,
    )


def _claimable(property_id: str, now: datetime):
    ready = sa.or_(T.c.next_attempt_at.is_(None), T.c.next_attempt_at <= now)
    return sa.and_(
        T.c.property_id == property_id,
        sa.or_(
            sa.and_(T.c.status == "pending", ready),
            # a claim whose worker died: its deadline has passed
            sa.and_(T.c.status == "processing", T.c.next_attempt_at <= now),
        ),
    )


def claim(
    engine: sa.Engine,
    property_id: str,
    *,
    limit: int = 2000,
    now: datetime | None = None,
    claim_for: timedelta = CLAIM_FOR,
    only: Sequence[str] | None = None,
) -> list[StoredEvent]:
    """Take up to ``limit`` due events of a property, oldest first, for processing.

    The select and the update run in one write transaction (rows locked on MySQL, the database
    on SQLite), so two workers never claim the same event. ``only`` limits the claim to those
    event names (a disabled connection still hears that it was enabled again).
    """
    now = now or utcnow()
    query = sa.select(T).where(_claimable(property_id, now)).order_by(T.c.id).limit(limit)
    if only is not None:
        query = query.where(T.c.event.in_(list(only)))
    if is_mysql(engine):
        query = query.with_for_update(skip_locked=True)
    with engine.begin() as conn:
        rows = conn.execute(query).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        for chunk in _chunks(ids):
            conn.execute(
                sa.update(T)
                .where(T.c.id.in_(chunk))
                .values(status="processing", attempts=T.c.attempts + 1, next_attempt_at=now + claim_for)
            )
    return [_stored(r) for r in rows]


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _finish_claimed(engine: sa.Engine, ids: Iterable[int], **values) -> int:
    """Set ``values`` on those of ``ids`` still claimed (``processing``), in chunks, in one transaction."""
    ids = list(ids)
    done = 0
    with engine.begin() as conn:
        for chunk in _chunks(ids):
            done += conn.execute(
                sa.update(T).where(T.c.id.in_(chunk), T.c.status == "processing").values(**values)
            ).rowcount
    return done


def mark_processed(engine: sa.Engine, ids: Iterable[int], now: datetime | None = None) -> int:
    return _finish_claimed(
        engine, ids, status="processed", processed_at=now or utcnow(), next_attempt_at=None, error=None
    )


def release(engine: sa.Engine, ids: Iterable[int]) -> int:
    """Give claimed events back untouched (their attempt does not count)."""
    return _finish_claimed(engine, ids, status="pending", attempts=T.c.attempts - 1, next_attempt_at=None)


def mark_ignored(engine: sa.Engine, ids: Iterable[int], reason: str, now: datetime | None = None) -> int:
    return _finish_claimed(
        engine,
        ids,
        status="ignored",
        processed_at=now or utcnow(),
        next_attempt_at=None,
        error=reason[:_MAX_ERROR],
    )


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s, 2 min, 8 min, 32 min, then hourly."""
    return timedelta(seconds=min(30 * 4 ** max(attempts - 1, 0), 3600))


def mark_failed(
    engine: sa.Engine, events: Iterable[StoredEvent], error: str, now: datetime | None = None
) -> dict[str, int]:
    """Record a failed attempt: retried later with backoff, or ``failed`` after MAX_ATTEMPTS."""
    now = now or utcnow()
    counts = {"retry": 0, "failed": 0}
    with engine.begin() as conn:
        for ev in events:
            attempts = ev.attempts + 1  # the claim counted this attempt in the database
            final = attempts >= MAX_ATTEMPTS
            values: dict[str, Any] = {"error": error[:_MAX_ERROR]}
            if final:
                values.update(status="failed", processed_at=now, next_attempt_at=None)
            else:
                values.update(status="pending", next_attempt_at=now + retry_delay(attempts))
            changed = conn.execute(
                sa.update(T).where(T.c.id == ev.id, T.c.status == "processing").values(values)
            ).rowcount
            if changed:
                counts["failed" if final else "retry"] += 1
    return counts


@dataclass(frozen=True)
class Due:
    """Events ready to process for a property, and when the newest of them arrived."""

    count: int
    oldest: datetime | None
    newest: datetime | None


def due(engine: sa.Engine, property_id: str, now: datetime | None = None) -> Due:
    now = now or utcnow()
    with reader(engine).connect() as conn:
        count, oldest, newest = conn.execute(
            sa.select(sa.func.count(), sa.func.min(T.c.received_at), sa.func.max(T.c.received_at)).where(
                _claimable(property_id, now)
            )
        ).one()
    # min/max keep the column's type, so these come back as aware UTC datetimes.
    return Due(int(count or 0), oldest, newest)


def retry_failed(
    engine: sa.Engine, ids: Iterable[int] | None = None, *, property_id: str | None = None
) -> int:
    """Put failed events back in the queue (the Monitoring page's retry button); returns how many."""
    cond = [T.c.status == "failed"]
    if ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        cond.append(T.c.id.in_(ids))
    if property_id is not None:
        cond.append(T.c.property_id == property_id)
    with engine.begin() as conn:
        return conn.execute(
            sa.update(T)
            .where(*cond)
            .values(status="pending", attempts=0, next_attempt_at=None, processed_at=None)
        ).rowcount


def counts(
    engine: sa.Engine, property_id: str | None = None, since: datetime | None = None
) -> dict[str, int]:
    """Events per status (``pending``, ``processing``, ``processed``, ``failed``, ``ignored``)."""
    query = sa.select(T.c.status, sa.func.count()).group_by(T.c.status)
    if property_id is not None:
        query = query.where(T.c.property_id == property_id)
    if since is not None:
        query = query.where(T.c.received_at >= since)
    with reader(engine).connect() as conn:
        found = {status: int(n) for status, n in conn.execute(query)}
    return {s: found.get(s, 0) for s in ("pending", "processing", "processed", "failed", "ignored")}
