"""``cloudbed_sync_state``: incremental cursors and the bookkeeping a sync keeps between runs.

Cursors (``cursor:reservations``, ``cursor:guests``) are written by the caller inside the
transaction of the last batch they cover, so a process killed half-way leaves the old cursor and
the next run re-reads what it had not finished (docs/domain.md, incremental windows). The leases
that keep one sync per property live in the same table and are ``pms.db.leases``.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow

__all__ = [
    "cursor_at",
    "cursor_name",
    "ids_in",
    "read_cursor",
    "read_ids",
    "read_mark",
    "read_rows",
    "write_cursor",
    "write_ids",
    "write_mark",
]

_STATE = schema.cloudbed_sync_state


def cursor_name(entity: str) -> str:
    return f"cursor:{entity}"


def _row(conn: sa.Connection, property_id: str, name: str):
    q = sa.select(_STATE).where(_STATE.c.property_id == property_id, _STATE.c.name == name)
    return conn.execute(q).mappings().first()


def _set(conn: sa.Connection, property_id: str, name: str, **values) -> None:
    values.setdefault("updated_at", utcnow())
    done = conn.execute(
        sa.update(_STATE).where(_STATE.c.property_id == property_id, _STATE.c.name == name).values(**values)
    ).rowcount
    if not done:
        conn.execute(sa.insert(_STATE).values(property_id=property_id, name=name, **values))


def read_rows(conn: sa.Connection, property_id: str, names: list[str]) -> dict[str, sa.RowMapping]:
    """Several state rows by name in one query (a run's start reads its cursor and retries)."""
    q = sa.select(_STATE).where(_STATE.c.property_id == property_id, _STATE.c.name.in_(names))
    return {row["name"]: row for row in conn.execute(q).mappings()}


def cursor_at(row) -> datetime | None:
    """The time a state row (from ``read_rows``) holds, or None."""
    return row["cursor_at"] if row else None


def ids_in(row) -> list[str]:
    """The ids a state row (from ``read_rows``) holds, or []."""
    if row is None or not row["cursor_value"]:
        return []
    try:
        value = json.loads(row["cursor_value"])
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def read_cursor(conn: sa.Connection, property_id: str, entity: str) -> datetime | None:
    """The entity's incremental cursor (UTC), or None before the first completed pull."""
    row = _row(conn, property_id, cursor_name(entity))
    return row["cursor_at"] if row else None


def write_cursor(
    conn: sa.Connection, property_id: str, entity: str, value: datetime, note: str | None = None
) -> None:
    """Move the cursor; call it in the transaction of the last batch it covers."""
    _set(conn, property_id, cursor_name(entity), cursor_at=value, cursor_value=note)


def read_mark(conn: sa.Connection, property_id: str, name: str) -> datetime | None:
    """A bookkeeping time such as ``last_full:reservations``."""
    row = _row(conn, property_id, name)
    return row["cursor_at"] if row else None


def write_mark(
    conn: sa.Connection, property_id: str, name: str, value: datetime, note: str | None = None
) -> None:
    _set(conn, property_id, name, cursor_at=value, cursor_value=note)


def read_ids(conn: sa.Connection, property_id: str, name: str) -> list[str]:
    """A short list of ids kept between runs (``retry:reservations``: bookings to read again)."""
    return ids_in(_row(conn, property_id, name))


def write_ids(conn: sa.Connection, property_id: str, name: str, ids: list[str], limit: int = 1000) -> None:
    kept = list(dict.fromkeys(str(i) for i in ids))[:limit]
    _set(conn, property_id, name, cursor_at=utcnow(), cursor_value=json.dumps(kept))
