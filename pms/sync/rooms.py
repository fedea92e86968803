"""The rooms of a page of bookings: one ``reservasi_room`` row per sub-reservation (domain rule 1).

Each room gets the ADF room type its Cloudbeds type maps to (``cloudbed_room_mapping``); rooms of
an unmapped type are counted and warned about once per type at the end of a run, never guessed.
Rooms that left a booking are marked deleted, not removed (rule 7). A booking typed into the hotel
system and linked to its Cloudbeds twin keeps its own room rows: they take the Cloudbeds
sub-reservation ids instead of being duplicated.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from pms.db import schema
from pms.i18n import Said, Term
from pms.sync.compare import write
from pms.sync.records import ROOM_COMPARE, room_rows
from pms.sync.runstate import RunState

__all__ = ["preview_rooms", "rows_for", "warn_unmapped", "write_rooms"]

ROOM = schema.reservasi_room
_ROOM_KEY = ("property_id", "sub_reservation_id")


def rows_for(run: RunState, bookings, reservasi_ids: Mapping[str, int | None]) -> list[dict]:
    rows: list[dict] = []
    for r in bookings:
        rows += room_rows(
            r,
            run.property_id,
            reservasi_ids.get(r.reservation_id),
            mapping=run.mapping,
            unmapped=run.unmapped,
        )
    return rows


def _count(run: RunState, res) -> None:
    counts = run.result.entity("rooms")
    counts.created += res.created
    counts.updated += res.updated
    counts.unchanged += res.unchanged


def preview_rooms(
    conn: sa.Connection, run: RunState, bookings, existing_ids: Mapping[str, int], stored=None
) -> None:
    """Count what writing the rooms would do (new bookings have no ``reservasi_id`` yet).

    ``stored``: the rooms already read by key (``pageread``), or None to read them here.
    """
    rows = rows_for(run, bookings, existing_ids)
    _count(
        run,
        write(
            conn,
            ROOM,
            rows,
            key=_ROOM_KEY,
            compare=[c for c in ROOM_COMPARE if c != "reservasi_id"],
            apply=False,
            existing=stored,
        ),
    )


def write_rooms(
    conn: sa.Connection,
    run: RunState,
    bookings,
    ids: Mapping[str, int | None],
    linked_ids: list[int],
    stored=None,
    live=None,
) -> None:
    """Upsert the rooms of ``bookings`` and mark the rooms that left them deleted.

    ``stored`` (rooms by key) and ``live`` (each booking's rooms not deleted, as ``(id,
    sub_reservation_id)``) are what ``pageread`` read already; None reads them here. A page with
    linked bookings always reads here: their rooms typed at the desk change hands first.
    """
    rows = rows_for(run, bookings, ids)
    if linked_ids:
        _adopt_local_rooms(conn, linked_ids, rows)
        stored = live = None
    _count(run, write(conn, ROOM, rows, key=_ROOM_KEY, compare=ROOM_COMPARE, apply=True, existing=stored))
    _mark_removed_rooms(conn, bookings, ids, rows, live)


def _adopt_local_rooms(conn: sa.Connection, reservasi_ids: list[int], rows: list[dict]) -> None:
    """A linked booking's rooms typed into the hotel system take their Cloudbeds sub-reservation ids
    (matched by room type, then in order), so they are updated rather than duplicated."""
    local = list(
        conn.execute(
            sa.select(ROOM.c.id, ROOM.c.reservasi_id, ROOM.c.adf_room_type, ROOM.c.cloudbed_room_type_id)
            .where(
                ROOM.c.reservasi_id.in_(reservasi_ids),
                ROOM.c.sub_reservation_id.is_(None),
                ROOM.c.is_deleted.is_(False),
            )
            .order_by(ROOM.c.id)
        )
    )
    if not local:
        return
    wanted: dict[int, list[dict]] = {}
    for row in rows:
        if row["reservasi_id"] in reservasi_ids:
            wanted.setdefault(row["reservasi_id"], []).append(row)
    updates = []
    for room in local:
        pool = wanted.get(room.reservasi_id) or []
        match = next(
            (
                w
                for w in pool
                if w["cloudbed_room_type_id"] == room.cloudbed_room_type_id
                or (room.adf_room_type and w["adf_room_type"] == room.adf_room_type)
            ),
            None,
        )
        match = match or (pool[0] if pool else None)
        if match is not None:
            pool.remove(match)
            updates.append({"b_id": room.id, "b_sub": match["sub_reservation_id"]})
    if updates:
        conn.execute(
            sa.update(ROOM)
            .where(ROOM.c.id == sa.bindparam("b_id"))
            .values(sub_reservation_id=sa.bindparam("b_sub")),
            updates,
        )


def _mark_removed_rooms(
    conn: sa.Connection, bookings, ids: Mapping[str, int | None], rows: list[dict], live=None
) -> None:
    """Rooms that left a booking are marked deleted (rule 7), for the bookings just written."""
    parents = sorted({ids[r.reservation_id] for r in bookings if r.rooms and ids.get(r.reservation_id)})
    if not parents:
        return
    present = {row["sub_reservation_id"] for row in rows}
    if live is None:
        live = {}
        for row in conn.execute(
            sa.select(ROOM.c.id, ROOM.c.reservasi_id, ROOM.c.sub_reservation_id).where(
                ROOM.c.reservasi_id.in_(parents), ROOM.c.is_deleted.is_(False)
            )
        ):
            live.setdefault(row.reservasi_id, []).append((row.id, row.sub_reservation_id))
    stale = [room for parent in parents for room, sub in live.get(parent, ()) if sub not in present]
    if stale:
        conn.execute(sa.update(ROOM).where(ROOM.c.id.in_(stale)).values(is_deleted=True))


def warn_unmapped(run: RunState) -> None:
    """One warning per Cloudbeds room type without an ADF room type (counted, never guessed)."""
    if not run.unmapped:
        return
    names: dict[str, str] = {}
    t = schema.cloudbed_room_types
    with run.engine.connect() as conn:
        for row in conn.execute(
            sa.select(t.c.room_type_id, t.c.name).where(
                t.c.property_id == run.property_id, t.c.room_type_id.in_(sorted(run.unmapped))
            )
        ):
            names[row.room_type_id] = row.name
    for type_id, n in sorted(run.unmapped.items()):
        name = names.get(type_id) or Term("common.unknown")
        values = {"n": n, "name": name, "id": type_id or "–"}
        run.warn("rooms", type_id, Said("sync.warn.unmapped", values))
