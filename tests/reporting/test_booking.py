"""One booking for the desk: its reference, its guest's name, and a total that explains itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.reporting.booking import booking, display_name, parse_reference, reference
from pms.reporting.listing import ReservationFilter, search_reservations
from tests.reporting import builders as b


@pytest.mark.parametrize(
    "args,shown",
    [
        (("Joko", "Joko"), "Joko"),
        (("joko", "JOKO"), "joko"),
        ((" Putu ", "Ariani"), "Putu Ariani"),
        (("", "Sukarno"), "Sukarno"),
        (("Joko Joko",), "Joko"),
        (("Made Ayu Made Ayu",), "Made Ayu"),
        (("Putu Ariani",), "Putu Ariani"),
        (("Joko Joko Joko",), "Joko Joko Joko"),
    ],
)
def test_a_single_name_is_shown_once(args, shown):
    assert display_name(*args) == shown


def test_references():
    assert reference(41, None) == "H-000041" and reference(41, float("nan")) == "H-000041"
    assert reference(41, "9001234") == "9001234"
    assert parse_reference("H-000041") == 41 and parse_reference("h41") == 41
    assert parse_reference("9f1c2e7a") is None and parse_reference("Joko") is None


def test_breakdown_and_reference_search(db):
    with db.begin() as conn:
        b.catalogue(conn)
        rid = b.reservation(conn, date(2026, 12, 5), 2, total=4_452_800, rooms=2, origin="local")
        conn.execute(
            sa.update(schema.reservasi)
            .where(schema.reservasi.c.id == rid)
            .values(
                cloudbed_reservation_id=None,
                sub_total=None,
                taxes_fees=None,
                paid=Decimal(0),
                balance=Decimal(4_452_800),
            )
        )
        conn.execute(
            sa.update(schema.reservasi_room)
            .where(schema.reservasi_room.c.reservasi_id == rid)
            .values(room_total=Decimal(1_840_000))
        )
    got = booking(db, b.PID, rid)
    assert (got.rooms_total, got.taxes_fees, got.total) == (
        Decimal(3_680_000),
        Decimal(772_800),
        Decimal(4_452_800),
    )
    assert got.room_nights == 4 and got.other is None and got.balance == Decimal(4_452_800)
    assert got.hotel_made and got.reference == f"H-{rid:06d}"
    assert booking(db, "other", rid) is None
    page = search_reservations(db, b.PID, ReservationFilter(text=got.reference))
    assert list(page.rows["id"]) == [rid]
