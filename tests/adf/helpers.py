"""Reading the hotel's front desk in tests (raw SQL on its tables: the tests do not trust our reflection)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from pms.db import tables_adf

LINK = tables_adf.cloudbed_booking_link
ACTIVE = ("pending", "confirmed", "checked_in", "checked_out")


def bookings(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.exec_driver_sql("SELECT * FROM bookings ORDER BY id").mappings()]


def guests(engine) -> dict[int, dict]:
    with engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.exec_driver_sql("SELECT * FROM guests").mappings()}


def links(engine, **where) -> list[dict]:
    with engine.connect() as conn:
        q = sa.select(LINK).where(*[LINK.c[k] == v for k, v in where.items()]).order_by(LINK.c.id)
        return [dict(r) for r in conn.execute(q).mappings()]


def room_numbers(engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {r[0]: str(r[1]) for r in conn.exec_driver_sql("SELECT id, room_number FROM rooms")}


def double_booked(engine) -> list[str]:
    """Pairs of active bookings sharing a room on a night (must always be empty)."""
    by_room: dict[int, list[dict]] = defaultdict(list)
    for b in bookings(engine):
        if b["status"] in ACTIVE and b["room_id"] is not None:
            by_room[b["room_id"]].append(b)
    out = []
    for room, items in by_room.items():
        items.sort(key=lambda b: b["check_in_date"])
        for a, b in itertools.pairwise(items):
            if b["check_in_date"] < a["check_out_date"]:
                out.append(f"room {room}: {a['booking_code']} and {b['booking_code']}")
    return out


def by_code(engine) -> dict[str, dict]:
    return {b["booking_code"]: b for b in bookings(engine)}


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def consistent(engine) -> None:
    """Every booking we made has its link and its guest; every link's booking exists."""
    made = {b["id"]: b for b in bookings(engine) if b["booking_code"].startswith("CB")}
    linked = {lk["adf_booking_id"]: lk for lk in links(engine) if lk["adf_booking_id"]}
    assert set(made) == set(linked), "a booking without its link, or a link without its booking"
    codes = [b["booking_code"] for b in bookings(engine)]
    assert len(codes) == len(set(codes))
    ours = {g["id"] for g in guests(engine).values() if str(g["id_card_number"]).startswith("CB-")}
    assert ours <= {b["guest_id"] for b in made.values()}, "a guest written without its booking"
    assert double_booked(engine) == []
