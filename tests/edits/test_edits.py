"""Hotel-side changes: stored for the push (origin local, pending), validated, all or nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pms import edits as le
from pms.db import schema
from tests.reporting.builders import NOW, PID, TODAY, catalogue


@pytest.fixture
def catalog_db(db):
    """``db`` with a room type, its mapping and three nights of rates."""
    with db.begin() as conn:
        catalogue(conn)
        conn.execute(
            sa.insert(schema.cloudbed_room_mapping).values(
                property_id=PID,
                adf_room_type="DLX",
                cloudbed_room_type_id="rt-1",
                cloudbed_room_type_name="Deluxe Double",
            )
        )
        conn.execute(
            sa.insert(schema.cloudbed_rate_sync),
            [
                {
                    "property_id": PID,
                    "rate_id": "rate-1",
                    "room_type_id": "rt-1",
                    "rate_date": TODAY + timedelta(days=i),
                    "cloudbed_rate": Decimal("850000"),
                    "is_derived": False,
                }
                for i in range(3)
            ]
            + [
                {
                    "property_id": PID,
                    "rate_id": "rate-1nr",
                    "room_type_id": "rt-1",
                    "rate_date": TODAY,
                    "cloudbed_rate": Decimal("765000"),
                    "is_derived": True,
                }
            ],
        )
    return db


def _count(db, table):
    with db.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _booking(**kw):
    base = {
        "check_in": TODAY,
        "check_out": TODAY + timedelta(days=2),
        "first_name": "Made",
        "last_name": "Wirawan",
        "rooms": (le.RoomRequest("rt-1", adults=2),),
        "email": "made@example.id",
        "phone": "+62 812-3456-7890",
        "source_id": "s-2",
    }
    base.update(kw)
    return le.NewReservation(**base)


def test_walk_in_is_stored_for_the_push(catalog_db):
    out = le.create_local_reservation(catalog_db, PID, _booking(), today=TODAY, now=NOW)
    assert (
        out["total"] == Decimal("1700000.00")
        and len(out["local_ref"]) == 37
        and out["local_ref"].startswith("form-")
    )
    with catalog_db.connect() as conn:
        res = conn.execute(sa.select(schema.reservasi)).one()
        room = conn.execute(sa.select(schema.reservasi_room)).one()
        guest = conn.execute(sa.select(schema.guest)).one()
    assert (res.origin, res.sync_status, res.local_modified_at, res.cloudbed_reservation_id) == (
        "local",
        "pending",
        NOW,
        None,
    )
    assert (
        res.local_ref == out["local_ref"] and res.source_name == "Walk-In" and res.payment_collect == "hotel"
    )
    assert res.currency == "IDR" and res.guest_name == "Made Wirawan" and res.adults == 2
    assert (room.cloudbed_room_type_id, room.adf_room_type, room.room_total) == (
        "rt-1",
        "DLX",
        Decimal("1700000.00"),
    )
    assert (guest.origin, guest.sync_status, guest.email, guest.country) == (
        "local",
        "pending",
        "made@example.id",
        "ID",
    )


def test_total_unknown_without_rates_for_every_night(catalog_db):
    out = le.create_local_reservation(
        catalog_db, PID, _booking(check_out=TODAY + timedelta(days=5)), today=TODAY
    )
    assert out["total"] is None


@pytest.mark.parametrize(
    "change,field",
    [
        ({"check_in": TODAY - timedelta(days=1)}, "check_in"),
        ({"check_out": TODAY}, "check_out"),
        ({"check_out": TODAY + timedelta(days=400)}, "check_out"),
        ({"first_name": "  "}, "first_name"),
        ({"last_name": "x" * 300}, "last_name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"country": "Indonesia"}, "country"),
        ({"country": None}, "country"),
        ({"phone": "call me; DROP TABLE guest"}, "phone"),
        ({"rooms": ()}, "rooms"),
        ({"rooms": (le.RoomRequest("rt-9"),)}, "room_type"),
        ({"rooms": (le.RoomRequest("rt-1", adults=3),)}, "adults"),
        ({"rooms": (le.RoomRequest("rt-1", adults=0),)}, "adults"),
        ({"source_id": "s-404"}, "source"),
        ({"first_name": "Bad\u202eName"}, "first_name"),
    ],
)
def test_invalid_bookings_store_nothing(catalog_db, change, field):
    with pytest.raises(le.EditError) as err:
        le.create_local_reservation(catalog_db, PID, _booking(**change), today=TODAY)
    assert err.value.field == field
    assert _count(catalog_db, schema.reservasi) == 0 and _count(catalog_db, schema.guest) == 0


def test_non_ascii_and_quotes_are_stored_as_typed(catalog_db):
    le.create_local_reservation(
        catalog_db, PID, _booking(first_name="Nguyễn 'Ánh'", last_name="O'Neil; --"), today=TODAY
    )
    with catalog_db.connect() as conn:
        assert (
            conn.execute(sa.select(schema.reservasi.c.guest_name)).scalar_one() == "Nguyễn 'Ánh' O'Neil; --"
        )


def test_guest_edit_marks_pending_and_skips_no_ops(catalog_db):
    out = le.create_local_reservation(catalog_db, PID, _booking(), today=TODAY)
    with catalog_db.begin() as conn:
        conn.execute(sa.update(schema.guest).values(sync_status="synced", origin="cloudbeds"))
    assert le.update_guest(catalog_db, PID, out["guest_id"], {"email": "made@example.id"}) is False
    assert le.update_guest(
        catalog_db, PID, out["guest_id"], {"phone": "0274 123456", "city": "Yogyakarta"}, now=NOW
    )
    with catalog_db.connect() as conn:
        g = conn.execute(sa.select(schema.guest)).one()
    assert (g.phone, g.city, g.sync_status, g.origin, g.local_modified_at) == (
        "0274 123456",
        "Yogyakarta",
        "pending",
        "cloudbeds",
        NOW,
    )
    with pytest.raises(le.EditError):
        le.update_guest(catalog_db, PID, out["guest_id"], {"password_hash": "x"})
    with pytest.raises(le.EditError):
        le.update_guest(catalog_db, PID, out["guest_id"], {"email": "broken"})
    with pytest.raises(le.EditError):
        le.update_guest(catalog_db, "other", out["guest_id"], {"city": "Solo"})


def test_rate_edits(catalog_db):
    edits = [le.RateEdit("rate-1", TODAY, "900000"), le.RateEdit("rate-1", TODAY + timedelta(days=1), 850000)]
    assert (
        le.set_rates(catalog_db, PID, edits, today=TODAY, now=NOW) == 1
    )  # the second equals the current rate
    rs = schema.cloudbed_rate_sync
    with catalog_db.connect() as conn:
        row = conn.execute(sa.select(rs).where(rs.c.rate_id == "rate-1", rs.c.rate_date == TODAY)).one()
    assert (row.adf_rate, row.status, row.direction, row.local_modified_at) == (
        Decimal("900000.00"),
        "pending",
        "to_cloudbed",
        NOW,
    )
    for bad in (
        le.RateEdit("rate-1", TODAY, "-5"),
        le.RateEdit("rate-1", TODAY, "abc"),
        le.RateEdit("rate-1", TODAY - timedelta(days=1), 1),
        le.RateEdit("rate-1nr", TODAY, 1),
        le.RateEdit("nope", TODAY, 1),
    ):
        with pytest.raises(le.EditError):
            le.set_rates(
                catalog_db, PID, [le.RateEdit("rate-1", TODAY + timedelta(days=2), 1), bad], today=TODAY
            )
    with catalog_db.connect() as conn:  # the valid first edit of each refused batch was rolled back
        assert (
            conn.execute(sa.select(rs.c.status).where(rs.c.rate_date == TODAY + timedelta(days=2))).scalar()
            == "synced"
        )
