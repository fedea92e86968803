"""Reservation and guest lists: paging, filters, and hostile search text."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.reporting import listing
from pms.reporting.listing import ReservationFilter
from tests.reporting.builders import OTHER, PID, TODAY, catalogue, reservation


def _bookings(conn):
    catalogue(conn)
    for i in range(23):
        reservation(conn, TODAY + timedelta(days=i), 1, guest_name=f"Guest {i:02d}")
    reservation(conn, TODAY - timedelta(days=40), 2, guest_name="Siti 100% Aminah", status="checked_out")
    reservation(conn, TODAY, 1, guest_name="李小龍", sync_status="error")
    reservation(conn, TODAY, 1, guest_name="O'Brien_x", origin="local", sync_status="pending")
    reservation(conn, TODAY, 1, guest_name="Hidden", deleted=True)
    reservation(conn, TODAY, 1, pid=OTHER, guest_name="Guest 00")


def test_paging_newest_stays_first(db):
    with db.begin() as conn:
        _bookings(conn)
    hidden = ReservationFilter(include_deleted=False)
    first = listing.search_reservations(db, PID, hidden, page=1, page_size=10)
    assert first.total == 26 and first.pages == 3 and len(first.rows) == 10
    assert first.rows["guest_name"].iloc[0] == "Guest 22"
    last = listing.search_reservations(db, PID, hidden, page=99, page_size=10)  # clamped to the last page
    assert last.number == 3 and len(last.rows) == 6 and last.rows["guest_name"].iloc[-1] == "Siti 100% Aminah"
    assert (last.first_row, last.last_row) == (21, 26)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("guest 0", 10),
        ("100%", 1),
        ("%", 1),
        ("_", 1),
        ("o'brien", 1),
        ("李小", 1),
        ("'; DROP TABLE reservasi; --", 0),
        ("x" * 5000, 0),
        ("   ", 26),
    ],
)
def test_text_search_is_literal(db, text, expected):
    with db.begin() as conn:
        _bookings(conn)
    assert (
        listing.search_reservations(db, PID, ReservationFilter(text=text, include_deleted=False)).total
        == expected
    )
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() == 28


def test_filters_combine(db):
    with db.begin() as conn:
        _bookings(conn)
    f = ReservationFilter(sync_statuses=("error", "pending"))
    assert set(listing.search_reservations(db, PID, f).rows["guest_name"]) == {"李小龍", "O'Brien_x"}
    assert listing.search_reservations(db, PID, ReservationFilter(origins=("local",))).total == 1
    assert listing.search_reservations(db, PID, ReservationFilter(statuses=("checked_out",))).total == 1
    window = ReservationFilter(stay_from=TODAY + timedelta(days=5), stay_to=TODAY + timedelta(days=6))
    # stays touching the 5th-6th day: guests 04 (checks out on day 5), 05 and 06
    assert sorted(listing.search_reservations(db, PID, window).rows["guest_name"]) == [
        "Guest 04",
        "Guest 05",
        "Guest 06",
    ]
    everything = listing.search_reservations(db, PID)
    assert everything.total == 27 and everything.rows["is_deleted"].sum() == 1


def test_rooms_of_a_group(db):
    with db.begin() as conn:
        catalogue(conn)
        rid = reservation(conn, TODAY, 2, rooms=3)
    rooms = listing.reservation_rooms(db, PID, rid)
    assert len(rooms) == 3 and set(rooms["room_type_name"]) == {"Deluxe Double"}
    assert listing.reservation_rooms(db, OTHER, rid).empty


def test_guests(db):
    with db.begin() as conn:
        conn.execute(
            sa.insert(schema.guest),
            [
                {
                    "property_id": PID,
                    "cloudbed_guest_id": "g1",
                    "first_name": "Dewi",
                    "last_name": "Lestari",
                    "email": "dewi@example.id",
                    "sync_status": "synced",
                },
                {
                    "property_id": PID,
                    "cloudbed_guest_id": "g2",
                    "first_name": "Ahmad",
                    "last_name": "Müller",
                    "email": None,
                    "sync_status": "error",
                },
                {
                    "property_id": OTHER,
                    "cloudbed_guest_id": "g3",
                    "first_name": "Dewi",
                    "last_name": "Other",
                    "email": None,
                    "sync_status": "synced",
                },
            ],
        )
    assert listing.search_guests(db, PID, "DEWI@").total == 1
    assert listing.search_guests(db, PID, "müller").rows["cloudbed_guest_id"].tolist() == ["g2"]
    assert listing.search_guests(db, PID, sync_statuses=("error",)).total == 1
    gid = listing.search_guests(db, PID, "Dewi").rows["id"].iloc[0]
    assert listing.guest_record(db, PID, int(gid))["email"] == "dewi@example.id"
    assert listing.guest_record(db, OTHER, int(gid)) is None
