"""Demo mode's own front desk: created (ADF's documented shape, the demo hotel's rooms), mapped and
switched on; the demo's Cloudbeds bookings arrive in its ``bookings``; dropped with the demo data."""

from __future__ import annotations

import sqlalchemy as sa

from pms.adf.demo import seed_demo_front_desk
from pms.adf.introspect import describe
from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from pms.sync import SyncRequest, run_sync
from tests.sync.helpers import make_ctx

from .helpers import bookings, double_booked, room_numbers
from .schemas import create_front_desk


def test_demo_mode_seeds_a_front_desk_and_bookings_arrive(db, box):
    from pms.connection import mark_demo_property

    mark_demo_property(db, box.property_id)
    assert seed_demo_front_desk(db, box.property_id) is True
    assert seed_demo_front_desk(db, box.property_id) is False  # once
    with db.connect() as conn:
        desk = describe(conn)
    assert desk.found and desk.table("bookings").col("status").choices
    numbers = set(room_numbers(db).values())
    assert {"101", "201", "301", "401", "501", "601"} <= numbers and len(numbers) == 33
    assert Settings(db).get("adf_frontdesk_enabled") is True
    ctx = make_ctx(db, box)
    try:
        result = run_sync(ctx, SyncRequest(mode="full"))
    finally:
        ctx.client.close()
    assert result.status in ("completed", "partial"), result.error
    assert result.front_desk["create"] > 0 and len(bookings(db)) == result.front_desk["create"]
    assert double_booked(db) == []
    # Real credentials end demo mode: its rows and the tables it made go.
    CredentialStore(db).save_api_key("cbat_" + "x" * 32, property_id="999", api_base=box.base_url)
    names = set(sa.inspect(db).get_table_names())
    assert not {"bookings", "guests", "rooms", "room_types", "booking_payments"} & names
    assert "cloudbed_booking_link" in names


def test_demo_never_touches_a_hotels_front_desk(engine, box):
    create_front_desk(engine, "production")
    from pms.db.setup import setup_database

    assert setup_database(engine).ok
    assert seed_demo_front_desk(engine, box.property_id) is False
    assert Settings(engine).get("adf_frontdesk_enabled") is False
