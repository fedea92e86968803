"""Finding what staff changed at the hotel's front desk, without triggers or columns on ADF's tables.

ADF's ``bookings`` and ``guests`` carry ``updated_at`` (``ON UPDATE CURRENT_TIMESTAMP`` in MySQL)
and auto-increment ids. Our own bookkeeping (``cloudbed_sync_state``) keeps a cursor per table:
the newest ``updated_at`` and the highest id seen. A scan reads the rows changed since the cursor
(less a small overlap, so a transaction that committed late is not missed) and the new ids; our
own pull writes also move ``updated_at``, and are told apart later by the link's last synced
values (``pms.adf.pushdiff``). An idle scan is two small queries on ADF's tables and one on ours.

A hotel whose tables lack ``updated_at`` is still served: the linked bookings still in the house
or to come are compared every time (one query on our links), new bookings by their ids.

Domain rule 14: a booking typed before push was switched on is never new to us. Bookings with
``created_at`` are judged by it; without it, by the id cursor taken the first time push looked.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from pms.adf.introspect import FrontDesk, describe, reflect_tables
from pms.db import schema, tables_adf

__all__ = ["OVERLAP", "QUEUE_PREFIX", "Scan", "desk_tables", "forget_desk", "scan", "write_cursors"]

OVERLAP = timedelta(seconds=120)
QUEUE_PREFIX = "adfpush:q:"  # one state row per ADF booking whose push is waiting or was refused
_CURSOR = "adfpush:cursor:"
_STATE = schema.cloudbed_sync_state
LINK = tables_adf.cloudbed_booking_link
_CACHE: dict[str, tuple[float, FrontDesk, dict[str, sa.Table]]] = {}
_CACHE_S = 300.0


def desk_tables(engine: sa.Engine) -> tuple[FrontDesk, dict[str, sa.Table]] | None:
    """The front desk and its reflected tables (cached a few minutes: reflection costs queries)."""
    key = str(engine.url)
    hit = _CACHE.get(key)
    if hit is not None and time.monotonic() - hit[0] < _CACHE_S:
        return hit[1], hit[2]
    with engine.connect() as conn:
        desk = describe(conn)
        if not desk.found:
            _CACHE.pop(key, None)
            return None
        tables = reflect_tables(conn, desk)
    _CACHE[key] = (time.monotonic(), desk, tables)
    return desk, tables


def forget_desk(engine: sa.Engine | None = None) -> None:
    """Drop the cached reflection (tests that build a front desk, a setup run)."""
    if engine is None:
        _CACHE.clear()
    else:
        _CACHE.pop(str(engine.url), None)


@dataclass
class Scan:
    """What a look at the front desk found: ids to examine and where the cursors go next."""

    booking_ids: set[int] = field(default_factory=set)
    new_ids: set[int] = field(default_factory=set)  # bookings typed after push was switched on
    guest_ids: set[int] = field(default_factory=set)
    queued: dict[int, dict[str, Any]] = field(default_factory=dict)  # booking id → queue entry
    cursors: dict[str, dict[str, Any]] = field(default_factory=dict)
    floor_id: int = 0

    @property
    def empty(self) -> bool:
        return not (self.booking_ids or self.guest_ids or self.waiting)

    @property
    def waiting(self) -> list[int]:
        return [i for i, q in self.queued.items() if q.get("state") == "waiting"]


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _state_rows(conn: sa.Connection, pid: str) -> tuple[dict[str, dict], dict[int, dict]]:
    cursors: dict[str, dict] = {}
    queued: dict[int, dict] = {}
    rows = conn.execute(
        sa.select(_STATE.c.name, _STATE.c.cursor_at, _STATE.c.cursor_value).where(
            _STATE.c.property_id == pid, _STATE.c.name.like("adfpush:%")
        )
    )
    for name, at, value in rows:
        try:
            data = json.loads(value) if value else {}
        except ValueError:
            data = {}
        if name.startswith(_CURSOR):
            cursors[name[len(_CURSOR) :]] = {**data, "at": at}
        elif name.startswith(QUEUE_PREFIX) and name[len(QUEUE_PREFIX) :].isdigit():
            queued[int(name[len(QUEUE_PREFIX) :])] = {**data, "since": at}
    return cursors, queued


def _changed(
    conn: sa.Connection, table: sa.Table, cursor: dict, since: datetime, *, ids: bool
) -> tuple[set[int], set[int], dict[str, Any]]:
    """Rows changed since the cursor (and, with ``ids``, new ids): (changed, new, next cursor)."""
    last_id = int(cursor.get("id") or 0)
    at = _aware(cursor.get("at"))
    since = since.replace(microsecond=0)  # the desk's timestamps count whole seconds
    start = max(at - OVERLAP, since) if at is not None else since
    has_updated = "updated_at" in table.c
    conds = []
    if has_updated:
        # One second early: SQLite compares the stamps as text, and "12:00:00" sorts before
        # "12:00:00.000000"; a row looked at twice costs nothing.
        conds.append(table.c.updated_at >= _naive(start - timedelta(seconds=1)))
    if ids:
        conds.append(table.c.id > last_id)
    if not conds:
        return set(), set(), {"id": last_id, "at": at}
    cols = [table.c.id] + ([table.c.updated_at] if has_updated else [])
    changed: set[int] = set()
    new: set[int] = set()
    newest = at
    for row in conn.execute(sa.select(*cols).where(sa.or_(*conds))):
        changed.add(row[0])
        if row[0] > last_id:
            new.add(row[0])
        stamp = _aware(row[1]) if has_updated else None
        if stamp is not None and (newest is None or stamp > newest):
            newest = min(stamp, datetime.now(UTC))
    top = max(new) if new else last_id
    return changed, new, {"id": top, "at": newest}


def scan(
    conn: sa.Connection,
    tables: dict[str, sa.Table],
    pid: str,
    push_since: datetime,
    today: date,
) -> Scan:
    """Look at the front desk once (see the module's docstring); writes nothing."""
    out = Scan()
    cursors, out.queued = _state_rows(conn, pid)
    b, g = tables["bookings"], tables["guests"]
    bc = dict(cursors.get("bookings") or {})
    if "floor" not in bc:  # the first look since push was switched on
        if "created_at" in b.c:
            bc["floor"] = 0
        else:
            bc["floor"] = int(conn.execute(sa.select(sa.func.max(b.c.id))).scalar() or 0)
        bc.setdefault("id", bc["floor"])
    out.floor_id = int(bc["floor"])
    changed, new, nxt = _changed(conn, b, bc, push_since, ids=True)
    if "updated_at" not in b.c:  # no change stamp: the linked stays not over yet, every time
        changed |= set(
            conn.execute(
                sa.select(LINK.c.adf_booking_id).where(
                    LINK.c.property_id == pid,
                    LINK.c.state == "active",
                    LINK.c.adf_booking_id.is_not(None),
                    LINK.c.check_out >= today - timedelta(days=1),
                )
            ).scalars()
        )
    out.booking_ids = changed
    out.new_ids = {i for i in new if i > out.floor_id}
    out.cursors["bookings"] = {**nxt, "floor": bc["floor"]}
    gc = dict(cursors.get("guests") or {})
    gchanged, _, gnext = _changed(conn, g, gc, push_since, ids=False)
    out.guest_ids = gchanged
    out.cursors["guests"] = gnext
    return out


def write_cursors(conn: sa.Connection, pid: str, found: Scan) -> None:
    from pms.db.types import utcnow

    for name, value in found.cursors.items():
        at = value.get("at")
        data = {k: v for k, v in value.items() if k != "at"}
        key = _CURSOR + name
        values = {"cursor_at": at, "cursor_value": json.dumps(data), "updated_at": utcnow()}
        done = conn.execute(
            sa.update(_STATE).where(_STATE.c.property_id == pid, _STATE.c.name == key).values(**values)
        ).rowcount
        if not done:
            conn.execute(sa.insert(_STATE).values(property_id=pid, name=key, **values))
