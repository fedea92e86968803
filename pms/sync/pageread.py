"""What the database holds for one page of bookings, read in one round trip.

The hotel's MySQL is often a web host 5-30 ms away, where a round trip costs more than the query.
A page needs four things before it can decide and write: the stored bookings with the page's
Cloudbeds ids, the hotel's own un-linked bookings arriving on the page's days (domain rule 3),
the rooms of the stored bookings (to compare them and to mark the ones that left), and the
stored guests the page names. They come back as one ``UNION ALL``: bookings joined with their
guest's name and their rooms, then the guests, each part padded with typed NULLs to one width, so
every value still passes through its column's type (UTC datetimes, money, booleans).

Rooms of bookings new to the database are not read: they cannot have rooms yet (the upsert stays
correct if one did).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from pms.db import schema

__all__ = ["PageRead", "read_page"]

R = schema.reservasi
ROOM = schema.reservasi_room
G = schema.guest
_TAG = "_part"


@dataclass
class PageRead:
    """The stored state of one page (keys as the upsert uses them: ``(property_id, id)``)."""

    known: dict[str, dict[str, Any]] = field(default_factory=dict)  # Cloudbeds id -> reservasi row
    candidates: list[dict[str, Any]] = field(default_factory=list)  # rule 3, with g_first/g_last
    rooms: dict[tuple, dict[str, Any]] = field(default_factory=dict)  # (pid, sub id) -> room row
    live_rooms: dict[int, list[tuple[int, str | None]]] = field(default_factory=dict)  # not deleted
    guests: dict[tuple, dict[str, Any]] | None = None  # (pid, guest id) -> guest row, when read


def _padded(parts: list[tuple[str, list, Any]]) -> sa.CompoundSelect:
    """``UNION ALL`` of ``(tag, labelled columns, select-without-columns)``, one width for all."""
    labels: dict[str, Any] = {}
    for _tag, cols, _q in parts:
        labels.update((c.name, c.type) for c in cols)
    selects = []
    for tag, cols, query in parts:
        mine = {c.name: c for c in cols}
        row = [sa.literal(tag, sa.String).label(_TAG)]
        row += [
            mine.get(name, sa.type_coerce(sa.null(), type_).label(name)) for name, type_ in labels.items()
        ]
        selects.append(query.with_only_columns(*row))
    return sa.union_all(*selects)


@lru_cache(maxsize=4)
def _statement(with_guests: bool) -> sa.CompoundSelect:
    # Built once: a statement object keeps its cache key, so a page pays no compile (~10 ms).
    pid = sa.bindparam("pid", type_=R.c.property_id.type)
    room_join = sa.and_(ROOM.c.reservasi_id == R.c.id, R.c.cloudbed_reservation_id.is_not(None))
    joined = R.outerjoin(G, R.c.guest_id == G.c.id).outerjoin(ROOM, room_join)
    # Two parts rather than one OR, so each uses its index on every database.
    known = (
        sa.select(R.c.id)
        .select_from(joined)
        .where(R.c.property_id == pid, R.c.cloudbed_reservation_id.in_(sa.bindparam("ids", expanding=True)))
    )
    days = sa.bindparam("days", expanding=True, type_=R.c.check_in.type)
    candidates = (
        sa.select(R.c.id)
        .select_from(joined)
        .where(
            R.c.property_id == pid,
            R.c.check_in.in_(days),
            R.c.cloudbed_reservation_id.is_(None),
            R.c.is_deleted.is_(False),
        )
    )
    res_cols = [c.label(f"r_{c.name}") for c in R.c]
    res_cols += [G.c.first_name.label("g_first"), G.c.last_name.label("g_last")]
    res_cols += [c.label(f"m_{c.name}") for c in ROOM.c]
    parts = [("r", res_cols, known), ("r", res_cols, candidates)]
    if with_guests:
        gids = sa.bindparam("gids", expanding=True, type_=G.c.cloudbed_guest_id.type)
        guests = sa.select(G.c.id).where(G.c.property_id == pid, G.c.cloudbed_guest_id.in_(gids))
        parts.append(("g", [c.label(f"u_{c.name}") for c in G.c], guests))
    return _padded(parts)


def read_page(
    conn: sa.Connection, pid: str, ids: list[str], days: Iterable[date], guest_ids: list[str] | None
) -> PageRead:
    """Read the page's stored bookings, link candidates, rooms and (``guest_ids``) guests at once."""
    params: dict[str, Any] = {"pid": pid, "ids": list(ids), "days": sorted(set(days))}
    if guest_ids is not None:
        params["gids"] = list(guest_ids)
    rows = conn.execute(_statement(guest_ids is not None), params).mappings()
    out = PageRead(guests={} if guest_ids is not None else None)
    candidates: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row[_TAG] == "g":
            guest = _strip(row, "u_", G)
            out.guests[(pid, guest["cloudbed_guest_id"])] = guest  # type: ignore[index]
            continue
        booking = _strip(row, "r_", R)
        cid = booking["cloudbed_reservation_id"]
        if cid is None:
            candidates.setdefault(
                booking["id"], {**booking, "g_first": row["g_first"], "g_last": row["g_last"]}
            )
            continue
        out.known.setdefault(cid, booking)
        if row["m_id"] is not None:
            room = _strip(row, "m_", ROOM)
            out.rooms[(room["property_id"], room["sub_reservation_id"])] = room
            if not room["is_deleted"]:
                out.live_rooms.setdefault(booking["id"], []).append((room["id"], room["sub_reservation_id"]))
    out.candidates = [candidates[k] for k in sorted(candidates)]
    return out


def _strip(row: Mapping[str, Any], prefix: str, table: sa.Table) -> dict[str, Any]:
    return {c.name: row[f"{prefix}{c.name}"] for c in table.c}
