"""Hand-made inputs for the pure projector tests: a front desk described column by column (as
SCHEMA.md documents it, or latin1 and VARCHAR as production has it), stays, links and desk state."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from pms.adf.introspect import ColumnInfo, FrontDesk, TableInfo
from pms.adf.match import canon
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
)
from pms.adf.project import Inputs, project

TODAY = date(2026, 12, 1)
STATUSES = ("pending", "confirmed", "checked_in", "checked_out", "cancelled")


def desk(*, latin1: bool = False, enums: bool = True, ota_detail: bool = True) -> FrontDesk:
    cs = "latin1" if latin1 else "utf8mb4"

    def text(name, length, nullable=True, choices=(), default=None):
        return ColumnInfo(
            name,
            "text",
            length=length,
            nullable=nullable,
            choices=choices if enums else (),
            default=default,
            charset=cs,
        )

    def money(name, nullable=False):
        return ColumnInfo(name, "decimal", precision=12, scale=2, nullable=nullable)

    def num(name, nullable=False, default=None):
        return ColumnInfo(name, "int", nullable=nullable, default=default)

    bookings = [
        ColumnInfo("id", "int", nullable=False, autoincrement=True),
        text("booking_code", 20, nullable=False),
        num("guest_id"),
        num("room_id"),
        ColumnInfo("check_in_date", "date", nullable=False),
        ColumnInfo("check_out_date", "date", nullable=False),
        ColumnInfo("actual_check_in", "datetime"),
        ColumnInfo("actual_check_out", "datetime"),
        num("adults", default="1"),
        num("children", default="0"),
        money("room_price"),
        num("total_nights"),
        money("total_price"),
        money("discount", True),
        money("final_price"),
        text("status", 11, choices=STATUSES, default="'pending'"),
        text("payment_status", 7, choices=("unpaid", "partial", "paid"), default="'unpaid'"),
        money("paid_amount", True),
        text("booking_source", 7, choices=("walk_in", "phone", "online", "ota"), default="'walk_in'"),
        text("notes", None),
    ]
    if ota_detail:
        bookings.append(text("ota_source_detail", 50))
    guests = [
        ColumnInfo("id", "int", nullable=False, autoincrement=True),
        text("guest_name", 200, nullable=False),
        text("id_card_type", 8, choices=("ktp", "passport", "sim"), default="'ktp'"),
        text("id_card_number", 50, nullable=False),
        text("phone", 20),
        text("email", 100),
        text("address", None),
        text("nationality", 50, default="'Indonesia'"),
    ]
    tables = {
        "bookings": TableInfo("bookings", {c.name: c for c in bookings}, charset=cs, primary_key=("id",)),
        "guests": TableInfo("guests", {c.name: c for c in guests}, charset=cs, primary_key=("id",)),
        "rooms": TableInfo("rooms", {}, charset=cs),
        "room_types": TableInfo("room_types", {}, charset=cs),
    }
    return FrontDesk(found=True, tables=tables)


# ADF: type 1 Superior (rooms 101, 102), type 2 Deluxe (rooms 201, 202).
CATALOG = Catalog(
    room_types={1: "Superior", 2: "Deluxe"},
    rooms={11: ("101", 1), 12: ("102", 1), 21: ("201", 2), 22: ("202", 2)},
)
MAPPINGS = Mappings(
    room_types={"RT-SUP": 1, "RT-DLX": 2},
    rooms={"R101": 11, "R102": 12, "R201": 21, "R202": 22},
    sources={"s-1": ("online", None), "ss-102-1": ("ota", "agoda")},
)


def room(
    sub="S1",
    *,
    rid="R201",
    type_id="RT-DLX",
    start=TODAY + timedelta(days=10),
    nights=2,
    total="1000000",
    adults=2,
    children=0,
    deleted=False,
) -> MirrorRoom:
    return MirrorRoom(
        sub,
        type_id,
        rid,
        f"{rid[1:]} - Deluxe" if rid else None,
        start,
        start + timedelta(days=nights),
        adults,
        children,
        Decimal(total) if total is not None else None,
        deleted,
    )


def stay(
    rid="9001",
    *rooms: MirrorRoom,
    status="confirmed",
    total="1210000",
    paid="0",
    source="ss-102-1",
    first="Siti",
    last="Rahayu",
    email="siti@example.id",
    collect="hotel",
    origin="cloudbeds",
    deleted=False,
) -> MirrorStay:
    rooms = rooms or (room(),)
    guest = MirrorGuest("G1", first, last, email, "+62 812 3456 7890", "ID")
    return MirrorStay(
        rid,
        status,
        min(r.check_in for r in rooms),
        max(r.check_out for r in rooms),
        2,
        0,
        Decimal(total),
        Decimal(paid),
        collect,
        source,
        "Agoda (Hotel Collect)",
        "OTA",
        "AG-55",
        origin,
        deleted,
        f"{first} {last}",
        guest,
        tuple(rooms),
    )


def run(
    stays,
    *,
    links=(),
    state: DeskState | None = None,
    the_desk: FrontDesk | None = None,
    mappings: Mappings = MAPPINGS,
    today: date = TODAY,
):
    inp = Inputs(
        the_desk or desk(), CATALOG, mappings, {lk.sub_id: lk for lk in links}, state or DeskState(), today
    )
    return project(list(stays), inp)


def applied(actions, *, start_id: int = 500, guest_id: int = 70):
    """The world after a writer carried out ``actions``: links and the desk state holding the rows."""
    state = DeskState()
    links = []
    for i, a in enumerate(actions):
        if a.kind not in ("create", "link"):
            continue
        booking_id = a.booking_id or start_id + i
        gid = a.guest_id or guest_id
        values = dict(a.booking)
        values["guest_id"] = gid
        state.bookings[booking_id] = AdfBooking(
            booking_id, values, guest_name=(a.guest or {}).get("guest_name")
        )
        state.guests[gid] = AdfGuest(gid, dict(a.guest) or {"guest_name": "x"})
        synced = json.loads(json.dumps(a.link["synced"]))
        links.append(
            Link(a.sub_id, a.reservation_id, booking_id, gid, a.link["how"], a.link["state"], synced)
        )
    return links, state


def with_values(state: DeskState, booking_id: int, **values) -> DeskState:
    b = state.bookings[booking_id]
    state.bookings[booking_id] = AdfBooking(b.id, {**b.values, **values}, b.guest_name, b.payments)
    return state


__all__ = ["canon"]
