"""Carry out the projector's actions in the caller's transaction: guests, bookings, then our links.

The caller owns the transaction (the sync page that caused the actions), so a booking, its guest
and its link are written together or not at all: a process killed half-way leaves neither a
duplicate nor a half-written booking, and the rerun finds the links it needs. Statements are
batched: new guests in one statement (their consecutive ids checked, else one insert each), new
bookings in one statement with their ids read back by their unique booking codes, updates
grouped by the columns they set, links in one upsert per shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from pms.adf.model import Action
from pms.db import tables_adf
from pms.db.upsert import upsert_rows

__all__ = ["LINK_COLUMNS", "WriteReport", "write_actions"]

LINK = tables_adf.cloudbed_booking_link
LINK_COLUMNS = (
    "adf_booking_id",
    "adf_guest_id",
    "cloudbed_guest_id",
    "how",
    "state",
    "check_in",
    "check_out",
    "synced",
    "problem_kind",
    "problem",
    "problem_at",
)
_KEY = ("property_id", "cloudbed_sub_reservation_id")


@dataclass
class WriteReport:
    """Rows written: guests created/updated, bookings created/updated, links written."""

    guests_created: int = 0
    guests_updated: int = 0
    bookings_created: int = 0
    bookings_updated: int = 0
    links: int = 0
    booking_ids: dict[str, int] = field(default_factory=dict)  # sub-reservation → new ADF booking id


def _insert_each(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert rows one by one and return their ids."""
    return [conn.execute(sa.insert(table).values(row)).inserted_primary_key[0] for row in rows]


def _insert_guests(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert guests in one statement and return their ids.

    ADF's guests have no key of ours to read their ids back by, and MariaDB cannot return the ids
    of a multi-row insert; but the database numbers the rows of one statement consecutively (MySQL
    reports the first id, SQLite the last). That is checked (the rows in that id range must be the
    ones just written, in order) inside a savepoint, and a doubt falls back to one insert per row.
    """
    if len(rows) < 2 or len({tuple(sorted(r)) for r in rows}) != 1:
        return _insert_each(conn, table, rows)
    name = "guest_name" if "guest_name" in table.c else None
    with conn.begin_nested() as savepoint:
        result = conn.execute(sa.insert(table).values(rows))
        last = result.lastrowid
        first = last if conn.dialect.name in ("mysql", "mariadb") else (last or 0) - len(rows) + 1
        ids = list(range(first, first + len(rows))) if last else []
        check = (
            conn.execute(
                sa.select(table.c.id, table.c[name] if name else table.c.id)
                .where(table.c.id.between(ids[0], ids[-1]))
                .order_by(table.c.id)
            ).all()
            if ids
            else []
        )
        wanted = [(i, row[name] if name else i) for i, row in zip(ids, rows, strict=True)]
        if [tuple(r) for r in check] == wanted:
            return ids
        savepoint.rollback()
    return _insert_each(conn, table, rows)


def _insert_bookings(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert bookings in one statement per shape and read their ids back by their booking codes."""
    shapes: dict[tuple, list[dict]] = {}
    for row in rows:
        shapes.setdefault(tuple(sorted(row)), []).append(row)
    for same_shape in shapes.values():
        conn.execute(sa.insert(table), same_shape)
    codes = [row["booking_code"] for row in rows]
    found: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(
            {
                c: i
                for i, c in conn.execute(
                    sa.select(table.c.id, table.c.booking_code).where(table.c.booking_code.in_(chunk))
                )
            }
        )
    return [found[c] for c in codes]


def _update_grouped(
    conn: sa.Connection, table: sa.Table, updates: Iterable[tuple[int, Mapping[str, Any]]]
) -> int:
    """``UPDATE ... WHERE id = ?`` executed once per set of columns, with every row of that set."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row_id, values in updates:
        cols = tuple(sorted(c for c in values if c in table.c))
        if cols:
            groups.setdefault(cols, []).append({"_id": row_id, **{f"_v_{c}": values[c] for c in cols}})
    n = 0
    for cols, params in groups.items():
        stmt = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("_id"))
            .values({c: sa.bindparam(f"_v_{c}") for c in cols})
        )
        conn.execute(stmt, params)
        n += len(params)
    return n


def _link_row(pid: str, action: Action, now: datetime, report: WriteReport) -> dict[str, Any]:
    row: dict[str, Any] = {
        "property_id": pid,
        "cloudbed_reservation_id": action.reservation_id,
        "cloudbed_sub_reservation_id": action.sub_id,
    }
    for key, value in action.link.items():
        row[key] = json.dumps(value, sort_keys=True, ensure_ascii=False) if key == "synced" else value
    if "problem" in action.link:
        row["problem_at"] = now if action.link.get("problem") else None
    if action.kind == "create":
        row["adf_booking_id"] = report.booking_ids.get(action.sub_id)
        row["adf_guest_id"] = action.guest_id
    return row


def write_actions(
    conn: sa.Connection, tables: Mapping[str, sa.Table], pid: str, actions: list[Action], *, now: datetime
) -> WriteReport:
    """Write ``actions`` (from ``pms.adf.project``) inside the caller's transaction."""
    report = WriteReport()
    bookings, guests = tables["bookings"], tables["guests"]
    creates = [a for a in actions if a.kind == "create"]
    # New guests, one per Cloudbeds guest even when their stay has several rooms.
    new_guests: dict[str, dict] = {}
    for a in creates:
        if a.guest_id is None and a.guest_key and a.guest_key not in new_guests:
            new_guests[a.guest_key] = a.guest
    ids = _insert_guests(conn, guests, list(new_guests.values()))
    created_guest = dict(zip(new_guests, ids, strict=True))
    report.guests_created = len(ids)
    for a in creates:
        if a.guest_id is None:
            a.guest_id = created_guest.get(a.guest_key or "")
        a.booking["guest_id"] = a.guest_id
    # New bookings: inserted together; ids read back by their booking codes (unique by construction).
    rows = [a.booking for a in creates]
    if rows:
        new_ids = _insert_bookings(conn, bookings, rows)
        report.booking_ids = {a.sub_id: i for a, i in zip(creates, new_ids, strict=True)}
        report.bookings_created = len(rows)
    # Changes to existing bookings and guests.
    report.bookings_updated = _update_grouped(
        conn, bookings, [(a.booking_id, a.booking) for a in actions if a.kind != "create" and a.booking]
    )
    report.guests_updated = _update_grouped(
        conn,
        guests,
        [(a.guest_id, a.guest) for a in actions if a.kind != "create" and a.guest and a.guest_id],
    )
    # Our links, one upsert per shape of row (a refresh sets fewer columns than a create).
    shapes: dict[tuple[str, ...], list[dict]] = {}
    for a in actions:
        row = _link_row(pid, a, now, report)
        shapes.setdefault(tuple(sorted(row)), []).append(row)
    for shape_rows in shapes.values():
        compare = [c for c in LINK_COLUMNS if c in shape_rows[0] and c != "problem_at"]
        res = upsert_rows(conn, LINK, shape_rows, key=_KEY, compare=compare)
        report.links += res.created + res.updated
    return report
