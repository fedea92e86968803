"""The Front desk page's figures, read from the hotel's own ADF tables and our links.

- ``room_grid``: rooms × the next nights, like ADF's booking calendar: each night of a room shows
  the booking holding it (code and guest), with Cloudbeds-linked bookings marked. The calendar
  shows the same bookings ADF's does (pending, confirmed, checked in or out; cancelled ones not).
  Given the property, a night a Cloudbeds room block holds (``cloudbed_room_block``, mapped to the
  ADF room) shows ``BLOCK_MARK`` and the block's reason.
- ``todo``: the open problems of the last syncs, for a person: rooms to assign in Cloudbeds,
  mappings to make, rooms held by another booking, cancellations and prices to handle by hand,
  names written differently.
- ``counts``: bookings created and linked, updates in the last day, open problems (Overview and
  Monitoring show them).

Everything here reads; values that came from guests, Cloudbeds or ADF are returned as plain text
for the page to show as text.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from pms.adf.introspect import describe, reflect_tables
from pms.adf.model import status_key
from pms.db import schema, tables_adf
from pms.db.engine import reader

__all__ = ["BLOCK_MARK", "LINKED_MARK", "PROBLEM_ORDER", "FrontDeskCounts", "counts", "room_grid", "todo"]

LINKED_MARK = "☁ "
BLOCK_MARK = "⛔ "
LINK = tables_adf.cloudbed_booking_link
PROBLEM_ORDER = (
    "conflict",
    "unassigned",
    "unmapped",
    "cancel",
    "price",
    "status",
    "refused",
    "failed",
    "gone",
    "adapted",
)


def _blocks(conn: sa.Connection, property_id: str, start: date, end: date) -> dict[str, list]:
    """ADF room number → the active Cloudbeds blocks on it touching ``start``..``end`` (exclusive)."""
    blocks, mapping = schema.cloudbed_room_block, schema.cloudbed_adf_mapping
    rows = conn.execute(
        sa.select(
            mapping.c.adf_value, blocks.c.start_date, blocks.c.end_date, blocks.c.reason, blocks.c.block_type
        )
        .select_from(
            blocks.join(
                mapping,
                sa.and_(
                    mapping.c.property_id == blocks.c.property_id,
                    mapping.c.kind == "room",
                    mapping.c.cloudbed_id == blocks.c.cloudbed_room_id,
                ),
            )
        )
        .where(
            blocks.c.property_id == property_id,
            blocks.c.state == "active",
            blocks.c.start_date < end,
            blocks.c.end_date >= start,
        )
    ).all()
    out: dict[str, list] = {}
    for r in rows:
        out.setdefault(str(r.adf_value), []).append(r)
    return out


def room_grid(engine: sa.Engine, start: date, days: int = 14, property_id: str | None = None) -> pd.DataFrame:
    """Rooms (rows: number and type) × nights from ``start`` (columns, ISO dates); empty without a front desk.

    A cell holds ``<code> <guest>``, prefixed by ``LINKED_MARK`` when the booking came from (or is
    linked to) Cloudbeds; an empty string is a free night.
    """
    days = max(1, min(int(days), 62))
    end = start + timedelta(days=days)
    with reader(engine).connect() as conn:
        desk = describe(conn)
        if not desk.found:
            return pd.DataFrame()
        t = reflect_tables(conn, desk)
        rooms, types, bookings, guests = t["rooms"], t["room_types"], t["bookings"], t["guests"]
        room_rows = conn.execute(
            sa.select(rooms.c.id, rooms.c.room_number, types.c.type_name)
            .select_from(rooms.outerjoin(types, rooms.c.room_type_id == types.c.id))
            .order_by(rooms.c.room_number)
        ).all()
        q = (
            sa.select(
                bookings.c.id,
                bookings.c.room_id,
                bookings.c.check_in_date,
                bookings.c.check_out_date,
                bookings.c.booking_code,
                bookings.c.status,
                guests.c.guest_name,
            )
            .select_from(bookings.outerjoin(guests, bookings.c.guest_id == guests.c.id))
            .where(bookings.c.check_in_date < end, bookings.c.check_out_date > start)
        )
        stays = [r for r in conn.execute(q) if status_key(r.status) != "cancelled"]
        ids = [r.id for r in stays]
        linked: set[int] = set()
        for chunk in range(0, len(ids), 500):
            linked |= {
                r[0]
                for r in conn.execute(
                    sa.select(LINK.c.adf_booking_id).where(
                        LINK.c.adf_booking_id.in_(ids[chunk : chunk + 500])
                    )
                )
            }
        held = _blocks(conn, property_id, start, end) if property_id else {}
    nights = [start + timedelta(days=i) for i in range(days)]
    cells: dict[int, dict[date, str]] = {r.id: {} for r in room_rows}
    for r in room_rows:
        for b in held.get(str(r.room_number), ()):
            label = BLOCK_MARK + (b.reason or b.block_type or "")
            for night in nights:
                if b.start_date <= night <= b.end_date:
                    cells[r.id][night] = label
    for s in stays:
        if s.room_id not in cells or s.check_in_date is None or s.check_out_date is None:
            continue
        label = f"{s.booking_code or ''} {s.guest_name or ''}".strip()
        if s.id in linked:
            label = LINKED_MARK + label
        for night in nights:
            if s.check_in_date <= night < s.check_out_date:
                cells[s.room_id][night] = label
    data = [
        {
            "room": str(r.room_number),
            "type": str(r.type_name or ""),
            **{n.isoformat(): cells[r.id].get(n, "") for n in nights},
        }
        for r in room_rows
    ]
    return pd.DataFrame(data, columns=["room", "type", *[n.isoformat() for n in nights]])


def todo(engine: sa.Engine, property_id: str, today: date, limit: int = 500) -> pd.DataFrame:
    """Open problems, most pressing kind first, then by arrival: ``kind, reservation, check_in,
    check_out, problem, since``."""
    q = (
        sa.select(
            LINK.c.problem_kind.label("kind"),
            LINK.c.cloudbed_reservation_id.label("reservation"),
            LINK.c.check_in,
            LINK.c.check_out,
            LINK.c.problem,
            LINK.c.problem_at.label("since"),
        )
        .where(LINK.c.property_id == property_id, LINK.c.problem.is_not(None))
        .where(sa.or_(LINK.c.check_out >= today, LINK.c.adf_booking_id.is_not(None)))
        .order_by(LINK.c.check_in, LINK.c.id)
        .limit(max(1, min(int(limit), 5000)))
    )
    with reader(engine).connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
    order = {k: i for i, k in enumerate(PROBLEM_ORDER)}
    rows.sort(key=lambda r: (order.get(r["kind"], len(order)), r["check_in"] or date.max))
    return pd.DataFrame(rows, columns=["kind", "reservation", "check_in", "check_out", "problem", "since"])


@dataclass(frozen=True)
class FrontDeskCounts:
    """Bookings the sync created in ADF and linked there, changes in the last day, open problems."""

    found: bool
    created: int = 0
    linked: int = 0
    updated_last_day: int = 0
    open_problems: int = 0
    problems_by_kind: dict[str, int] = field(default_factory=dict)


def counts(engine: sa.Engine, property_id: str, now: datetime) -> FrontDeskCounts:
    """The Overview's and Monitoring's front-desk figures (cheap: aggregates on our own tables)."""
    log = schema.cloudbed_sync_log
    with reader(engine).connect() as conn:
        if not describe(conn).found:
            return FrontDeskCounts(found=False)
        by_how = dict(
            conn.execute(
                sa.select(LINK.c.how, sa.func.count())
                .where(LINK.c.property_id == property_id, LINK.c.adf_booking_id.is_not(None))
                .group_by(LINK.c.how)
            ).all()
        )
        problems = dict(
            conn.execute(
                sa.select(LINK.c.problem_kind, sa.func.count())
                .where(LINK.c.property_id == property_id, LINK.c.problem.is_not(None))
                .group_by(LINK.c.problem_kind)
            ).all()
        )
        stats = conn.execute(
            sa.select(log.c.stats).where(
                log.c.property_id == property_id, log.c.started_at >= now - timedelta(days=1)
            )
        ).scalars()
        updated = Counter()
        for text in stats:
            try:
                front = (json.loads(text) if text else {}).get("front_desk") or {}
            except ValueError:
                continue
            for kind in ("update", "move", "cancel"):
                updated[kind] += int(front.get(kind) or 0)
    return FrontDeskCounts(
        found=True,
        created=int(by_how.get("created", 0)),
        linked=int(by_how.get("linked", 0)),
        updated_last_day=int(sum(updated.values())),
        open_problems=int(sum(problems.values())),
        problems_by_kind={str(k): int(v) for k, v in problems.items() if k},
    )
