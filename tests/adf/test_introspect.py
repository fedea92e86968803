"""The front desk is found and described by introspection, whatever its variant (both engines)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pms.adf.introspect import describe, reflect_tables
from pms.db import schema

from .schemas import create_front_desk


def test_describe_documented_variant(engine):
    create_front_desk(engine, "documented")
    with engine.connect() as conn:
        desk = describe(conn)
    assert desk.found
    assert sorted(desk.tables) == ["booking_payments", "bookings", "guests", "room_types", "rooms"]
    b = desk.table("bookings")
    assert b.col("status").choices == ("pending", "confirmed", "checked_in", "checked_out", "cancelled")
    assert b.col("booking_source").choice_default == "walk_in"
    assert b.col("booking_code").length == 20 and b.col("booking_code").required
    assert not b.col("guest_id").nullable and b.col("id").autoincrement and not b.col("id").required
    assert desk.table("guests").col("id_card_number").required
    assert not desk.table("guests").col("nationality").required  # it has a default
    assert b.resolve("actual_check_in") == "actual_check_in" and b.has("ota_source_detail")
    assert "bookings.status is ENUM" in desk.notes
    if engine.dialect.name != "sqlite":
        assert b.col("booking_code").charset == "utf8mb4" and b.foreign_keys == 3


def test_describe_production_variant(engine):
    create_front_desk(engine, "production")
    with engine.connect() as conn:
        desk = describe(conn)
    b = desk.table("bookings")
    assert desk.found and b.col("status").choices == () and b.col("status").length == 20
    assert b.col("guest_id").nullable and b.col("final_price").nullable
    assert b.resolve("actual_check_in") == "actual_checkin_time" and b.resolve("ota_source_detail") is None
    notes = " | ".join(desk.notes)
    for fact in (
        "free text (VARCHAR)",
        "bookings has no ota_source_detail",
        "called actual_checkin_time",
        "extra guest_count",
        "no foreign keys",
        "guest_id, room_id, final_price nullable",
    ):
        assert fact in notes, notes
    if engine.dialect.name != "sqlite":
        assert "character set latin1" in notes and b.col("booking_code").charset == "latin1"
    assert desk.to_json()["found"] is True and "bookings" in desk.to_json()["tables"]


def test_no_front_desk_found_in_our_own_database(engine):
    schema.metadata.create_all(engine)
    with engine.connect() as conn:
        desk = describe(conn)
    assert desk.to_json() == {"found": False, "tables": [], "notes": []}


@pytest.mark.parametrize("variant", ["documented", "production"])
def test_reflected_tables_stay_out_of_our_metadata(sqlite_engine, variant):
    create_front_desk(sqlite_engine, variant)
    with sqlite_engine.connect() as conn:
        tables = reflect_tables(conn, describe(conn))
    assert set(tables) >= {"bookings", "guests", "rooms", "room_types"}
    assert not {"bookings", "guests", "rooms", "room_types", "booking_payments"} & set(schema.metadata.tables)
    assert isinstance(tables["bookings"], sa.Table)
