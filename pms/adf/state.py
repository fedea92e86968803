"""Reading what the projector needs, in a fixed number of queries per page of stays.

- the stays as the mirror holds them (``reservasi``, ``reservasi_room``, ``guest``), or built from
  the rows a preview computed without writing them;
- the hotel's catalogue and our mappings (once per run);
- our links for the page's rooms, and the front desk around them: the linked bookings and guests,
  who occupies the rooms wanted on the nights wanted, the bookings staff typed on the same arrival
  dates that rule 3 may link, guests with the same e-mail or phone, booking codes already in use.

ADF's tables are used through tables reflected at run time (``introspect.reflect_tables``); their
rows come back under the documented column names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pms.adf.desired import booking_code
from pms.adf.introspect import ALIASES, FrontDesk
from pms.adf.match import phone_key
from pms.adf.model import (
    AdfBooking,
    AdfGuest,
    Catalog,
    DeskState,
    Link,
    Mappings,
    MirrorGuest,
    MirrorRoom,
    MirrorStay,
    Occupant,
    status_key,
)
from pms.db import schema, tables_adf

__all__ = [
    "load_catalog",
    "load_desk_state",
    "load_links",
    "load_mappings",
    "load_stays",
    "stays_from_rows",
]

R, ROOM, G = schema.reservasi, schema.reservasi_room, schema.guest
LINK, MAP, TYPEMAP = (
    tables_adf.cloudbed_booking_link,
    tables_adf.cloudbed_adf_mapping,
    schema.cloudbed_room_mapping,
)


def _documented(table: sa.Table) -> dict[str, str]:
    """Real column name → documented name (a hotel's ``actual_checkin_time`` → ``actual_check_in``)."""
    reverse = {alt: doc for doc, alts in ALIASES.get(table.name, {}).items() for alt in alts}
    return {c.name: reverse.get(c.name, c.name) for c in table.columns}


def _address(row: Mapping[str, Any]) -> str | None:
    parts = [row.get("address1"), row.get("address2"), row.get("city")]
    text = ", ".join(str(p).strip() for p in parts if p and str(p).strip())
    return text or None


def stays_from_rows(
    reservations: Iterable[Mapping[str, Any]],
    rooms: Iterable[Mapping[str, Any]],
    guests: Iterable[Mapping[str, Any]],
) -> list[MirrorStay]:
    """Mirror rows (stored or about to be) → stays; rooms are matched by ``cloudbed_reservation_id``."""
    by_res: dict[str, list[MirrorRoom]] = {}
    for r in rooms:
        if not r.get("sub_reservation_id") or r.get("check_in") is None or r.get("check_out") is None:
            continue
        by_res.setdefault(r["cloudbed_reservation_id"], []).append(
            MirrorRoom(
                sub_id=r["sub_reservation_id"],
                room_type_id=r.get("cloudbed_room_type_id"),
                room_id=r.get("room_id"),
                room_name=r.get("room_name"),
                check_in=r["check_in"],
                check_out=r["check_out"],
                adults=int(r.get("adults") or 0),
                children=int(r.get("children") or 0),
                room_total=r.get("room_total"),
                is_deleted=bool(r.get("is_deleted")),
            )
        )
    by_guest = {g["cloudbed_guest_id"]: g for g in guests if g.get("cloudbed_guest_id")}
    out = []
    for r in reservations:
        rid = r.get("cloudbed_reservation_id")
        if not rid:
            continue
        g = by_guest.get(r.get("cloudbed_guest_id"))
        guest = None
        if g is not None:
            guest = MirrorGuest(
                guest_id=g["cloudbed_guest_id"],
                first_name=g.get("first_name"),
                last_name=g.get("last_name"),
                email=g.get("email"),
                phone=g.get("phone") or g.get("cell_phone"),
                country=g.get("country"),
                address=_address(g),
                document_type=g.get("document_type"),
                document_number=g.get("document_number"),
            )
        elif r.get("cloudbed_guest_id"):
            guest = MirrorGuest(guest_id=r["cloudbed_guest_id"], first_name=r.get("guest_name"))
        out.append(
            MirrorStay(
                reservation_id=rid,
                status=r.get("status") or "confirmed",
                check_in=r["check_in"],
                check_out=r["check_out"],
                adults=int(r.get("adults") or 0),
                children=int(r.get("children") or 0),
                total=r.get("total"),
                paid=r.get("paid"),
                payment_collect=r.get("payment_collect"),
                source_id=r.get("source_id"),
                source_name=r.get("source_name"),
                source_category=r.get("source_category"),
                third_party_id=r.get("third_party_id"),
                origin=r.get("origin") or "cloudbeds",
                is_deleted=bool(r.get("is_deleted")),
                guest_name=r.get("guest_name"),
                guest=guest,
                rooms=tuple(by_res.get(rid, ())),
            )
        )
    return out


def load_stays(conn: sa.Connection, pid: str, reservation_ids: Iterable[str]) -> list[MirrorStay]:
    """The stays of ``reservation_ids`` as the mirror holds them now (three queries)."""
    ids = sorted(set(reservation_ids))
    if not ids:
        return []
    res = [
        dict(r)
        for r in conn.execute(
            sa.select(R).where(R.c.property_id == pid, R.c.cloudbed_reservation_id.in_(ids)).order_by(R.c.id)
        ).mappings()
    ]
    parents = [r["id"] for r in res]
    rooms = (
        [
            dict(r)
            for r in conn.execute(
                sa.select(ROOM).where(ROOM.c.reservasi_id.in_(parents)).order_by(ROOM.c.id)
            ).mappings()
        ]
        if parents
        else []
    )
    gids = sorted({r["cloudbed_guest_id"] for r in res if r.get("cloudbed_guest_id")})
    guests = (
        [
            dict(g)
            for g in conn.execute(
                sa.select(G).where(G.c.property_id == pid, G.c.cloudbed_guest_id.in_(gids))
            ).mappings()
        ]
        if gids
        else []
    )
    return stays_from_rows(res, rooms, guests)


def load_catalog(conn: sa.Connection, tables: Mapping[str, sa.Table]) -> Catalog:
    types, rooms = tables["room_types"], tables["rooms"]
    return Catalog(
        room_types={r.id: str(r.type_name) for r in conn.execute(sa.select(types.c.id, types.c.type_name))},
        rooms={
            r.id: (str(r.room_number), r.room_type_id)
            for r in conn.execute(sa.select(rooms.c.id, rooms.c.room_number, rooms.c.room_type_id))
        },
    )


def load_mappings(conn: sa.Connection, pid: str, catalog: Catalog) -> Mappings:
    """Our mappings in the hotel's ids: room types by ``type_name``, rooms by ``room_number``."""
    type_ids = {name: tid for tid, name in catalog.room_types.items()}
    folded = {name.strip().casefold(): tid for name, tid in type_ids.items()}
    room_types: dict[str, int] = {}
    for row in conn.execute(
        sa.select(TYPEMAP.c.cloudbed_room_type_id, TYPEMAP.c.adf_room_type)
        .where(
            TYPEMAP.c.property_id == pid,
            TYPEMAP.c.is_active.is_(True),
            TYPEMAP.c.cloudbed_room_type_id.is_not(None),
        )
        .order_by(TYPEMAP.c.id)
    ):
        tid = type_ids.get(row.adf_room_type) or folded.get((row.adf_room_type or "").strip().casefold())
        if tid is not None:
            room_types.setdefault(row.cloudbed_room_type_id, tid)
    room_ids = {number: rid for rid, (number, _) in catalog.rooms.items()}
    rooms: dict[str, int] = {}
    sources: dict[str, tuple[str, str | None]] = {}
    for row in conn.execute(sa.select(MAP).where(MAP.c.property_id == pid)).mappings():
        if row["kind"] == "room" and row["adf_value"] in room_ids:
            rooms[row["cloudbed_id"]] = room_ids[row["adf_value"]]
        elif row["kind"] == "source" and row["adf_value"]:
            sources[row["cloudbed_id"]] = (row["adf_value"], row["adf_detail"])
    return Mappings(room_types=room_types, rooms=rooms, sources=sources)


def _link(row: Mapping[str, Any]) -> Link:
    try:
        synced = json.loads(row["synced"]) if row["synced"] else {}
    except ValueError:
        synced = {}
    return Link(
        sub_id=row["cloudbed_sub_reservation_id"],
        reservation_id=row["cloudbed_reservation_id"],
        adf_booking_id=row["adf_booking_id"],
        adf_guest_id=row["adf_guest_id"],
        how=row["how"],
        state=row["state"] or "open",
        synced=synced,
        problem_kind=row["problem_kind"],
        problem=row["problem"],
    )


def load_links(conn: sa.Connection, pid: str, reservation_ids: Iterable[str]) -> dict[str, Link]:
    ids = sorted(set(reservation_ids))
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(LINK).where(LINK.c.property_id == pid, LINK.c.cloudbed_reservation_id.in_(ids))
    ).mappings()
    return {r["cloudbed_sub_reservation_id"]: _link(r) for r in rows}


def _bookings(conn, tables, where, payments: bool) -> list[AdfBooking]:
    b, g = tables["bookings"], tables["guests"]
    names = _documented(b)
    q = sa.select(b, g.c.guest_name.label("_guest_name")).select_from(b.outerjoin(g, b.c.guest_id == g.c.id))
    rows = list(conn.execute(q.where(where)).mappings())
    paid: dict[int, Decimal] = {}
    p = tables.get("booking_payments")
    if payments and p is not None and rows:
        ids = [r["id"] for r in rows]
        q = (
            sa.select(p.c.booking_id, sa.func.sum(p.c.amount))
            .where(p.c.booking_id.in_(ids))
            .group_by(p.c.booking_id)
        )
        paid = {bid: Decimal(str(total or 0)) for bid, total in conn.execute(q)}
    return [
        AdfBooking(
            id=r["id"],
            values={names[k]: v for k, v in r.items() if k in names},
            guest_name=r["_guest_name"],
            payments=paid.get(r["id"], Decimal(0)),
        )
        for r in rows
    ]


def _guests(conn, table: sa.Table, where) -> list[AdfGuest]:
    return [
        AdfGuest(id=r["id"], values=dict(r)) for r in conn.execute(sa.select(table).where(where)).mappings()
    ]


def _phone_variants(phones: Iterable[str | None]) -> list[str]:
    out: set[str] = set()
    for phone in phones:
        if not phone:
            continue
        digits = "".join(ch for ch in phone if ch.isdigit())
        out.update({phone.strip(), digits, "+" + digits})
        if digits.startswith("62"):
            out.update({"0" + digits[2:], "+62 " + digits[2:]})
        elif digits.startswith("0"):
            out.update({"62" + digits[1:], "+62" + digits[1:]})
    return sorted(v for v in out if v)


def load_desk_state(
    conn: sa.Connection,
    tables: Mapping[str, sa.Table],
    desk: FrontDesk,
    pid: str,
    stays: list[MirrorStay],
    links: Mapping[str, Link],
    mappings: Mappings,
) -> DeskState:
    """The front desk around ``stays`` (about seven queries, whatever the number of stays)."""
    b, g = tables["bookings"], tables["guests"]
    state = DeskState()
    linked = sorted({lk.adf_booking_id for lk in links.values() if lk.adf_booking_id is not None})
    if linked:
        state.bookings = {x.id: x for x in _bookings(conn, tables, b.c.id.in_(linked), payments=True)}
    guest_ids = sorted({lk.adf_guest_id for lk in links.values() if lk.adf_guest_id is not None})
    if guest_ids:
        state.guests = {x.id: x for x in _guests(conn, g, g.c.id.in_(guest_ids))}
    rooms = [r for s in stays for r in s.rooms]
    if not rooms:
        return state
    # Per ADF room, the span of nights the page's stays want in it: the calendar is read only there.
    spans: dict[int, tuple[date, date]] = {}
    for r in rooms:
        room_id = mappings.rooms.get(r.room_id or "")
        if room_id is not None:
            lo, hi = spans.get(room_id, (r.check_in, r.check_out))
            spans[room_id] = (min(lo, r.check_in), max(hi, r.check_out))
    if spans:
        q = sa.select(
            b.c.id, b.c.room_id, b.c.check_in_date, b.c.check_out_date, b.c.booking_code, b.c.status
        )
        q = q.where(
            sa.or_(
                *[
                    sa.and_(b.c.room_id == room_id, b.c.check_in_date < hi, b.c.check_out_date > lo)
                    for room_id, (lo, hi) in sorted(spans.items())
                ]
            )
        )
        state.occupants = [
            Occupant(r.id, r.room_id, r.check_in_date, r.check_out_date, str(r.booking_code or f"#{r.id}"))
            for r in conn.execute(q)
            if status_key(r.status) != "cancelled" and r.check_in_date and r.check_out_date
        ]
    unplaced = [r for s in stays for r in s.rooms if (links.get(r.sub_id) or _NO_LINK).adf_booking_id is None]
    if unplaced:
        arrivals: list[date] = sorted({r.check_in for r in unplaced})
        ours = sa.select(LINK.c.adf_booking_id).where(LINK.c.adf_booking_id.is_not(None))
        where = sa.and_(b.c.check_in_date.in_(arrivals), b.c.id.not_in(ours))
        state.candidates = _bookings(conn, tables, where, payments=False)
        _guest_lookups(conn, g, pid, [s for s in stays if s.guest is not None], state)
        length = desk.table("bookings").col("booking_code")
        codes = {
            booking_code(s.reservation_id, i, length.length if length else 20, set())
            for s in stays
            for i, _ in enumerate(s.rooms, start=1)
        }
        state.taken_codes = {
            r[0] for r in conn.execute(sa.select(b.c.booking_code).where(b.c.booking_code.in_(codes)))
        }
    return state


_NO_LINK = Link(sub_id="", reservation_id="")


def _guest_lookups(
    conn: sa.Connection, g: sa.Table, pid: str, stays: list[MirrorStay], state: DeskState
) -> None:
    """ADF guests the page's guests may already be: through our links, by e-mail, by phone."""
    gids = sorted({s.guest.guest_id for s in stays if s.guest and s.guest.guest_id})
    if gids:
        q = sa.select(LINK.c.cloudbed_guest_id, LINK.c.adf_guest_id).where(
            LINK.c.property_id == pid, LINK.c.cloudbed_guest_id.in_(gids), LINK.c.adf_guest_id.is_not(None)
        )
        state.guests_by_cloudbed = {r.cloudbed_guest_id: r.adf_guest_id for r in conn.execute(q)}
    emails = sorted({s.guest.email.strip().casefold() for s in stays if s.guest and s.guest.email})
    phones = _phone_variants(s.guest.phone for s in stays if s.guest)
    conds = []
    if emails and "email" in g.c:
        conds.append(sa.func.lower(g.c.email).in_(emails))
    if phones and "phone" in g.c:
        conds.append(g.c.phone.in_(phones))
    if not conds:
        return
    for guest in sorted(_guests(conn, g, sa.or_(*conds)), key=lambda x: x.id):
        email = (guest.values.get("email") or "").strip().casefold()
        if email:
            state.guests_by_email.setdefault(email, guest)
        key = phone_key(guest.values.get("phone"))
        if key:
            state.guests_by_phone.setdefault(key, guest)
