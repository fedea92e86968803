"""The Reservations list starts at today, and an opened booking explains itself."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from pms.db import schema
from pms.i18n import local_now
from tests.dashboard.conftest import frame_with, synced_world, texts
from tests.reporting import builders as b

PID = "254042"


def _today():
    return local_now("Asia/Jakarta").date()


def _joko(engine) -> int:
    """Today's arrival: one guest called only Joko, two nights, taxes on top, part paid."""
    with engine.begin() as conn:
        gid = conn.execute(
            sa.insert(schema.guest).values(
                property_id=PID,
                cloudbed_guest_id="g-joko",
                first_name="Joko",
                last_name="Joko",
                email="joko@example.id",
                phone="+62 812 0000 1111",
                country="ID",
                sync_status="synced",
            )
        ).inserted_primary_key[0]
        rid = b.reservation(conn, _today(), 2, pid=PID, guest_name="Joko Joko", total=4_452_800)
        conn.execute(
            sa.update(schema.reservasi)
            .where(schema.reservasi.c.id == rid)
            .values(
                guest_id=gid,
                sub_total=Decimal(3_680_000),
                taxes_fees=Decimal(772_800),
                paid=Decimal(1_000_000),
                balance=Decimal(3_452_800),
            )
        )
        conn.execute(
            sa.update(schema.reservasi_room)
            .where(schema.reservasi_room.c.reservasi_id == rid)
            .values(room_total=Decimal(3_680_000), room_name="Room 101")
        )
    return rid


def _open_row(at, guest: str):
    rows = at.dataframe(key="res_table").value
    at.session_state["res_table"] = {
        "selection": {"rows": [list(rows["guest_name"]).index(guest)], "columns": [], "cells": []}
    }
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_list_starts_at_todays_arrivals_and_guests_in_house(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff"), page="reservations")
    rows = at.dataframe(key="res_table").value
    today = _today()
    assert len(rows) > 0
    assert all(i <= today <= o for i, o in zip(rows["check_in"], rows["check_out"], strict=True))
    assert rows["check_in"].iloc[0] == max(rows["check_in"])  # today's arrivals first
    assert "stays over today" in texts(at)
    at.date_input(key="res_window").set_value(()).run()  # cleared: every booking
    assert len(at.dataframe(key="res_table").value) > len(rows)


def test_the_booking_view_explains_the_total_and_shows_a_single_name_once(dash):
    synced_world(dash.engine)
    _joko(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff"), page="reservations")
    assert "Joko Joko" not in set(at.dataframe(key="res_table").value["guest_name"])
    at = _open_row(at, "Joko")
    shown = texts(at)
    assert "Joko Joko" not in shown and "Joko" in shown
    assert "joko@example.id" in shown and "+62 812 0000 1111" in shown
    assert "Rooms Rp 3.680.000 + taxes and fees Rp 772.800 = Rp 4.452.800." in shown
    price = frame_with(at, "item")
    assert dict(zip(price["item"], price["amount"], strict=True)) == {
        "Room nights (2)": "Rp 3.680.000",
        "Taxes and fees": "Rp 772.800",
        "Total": "Rp 4.452.800",
        "Paid": "Rp 1.000.000",
        "Balance due": "Rp 3.452.800",
    }
    assert "Room 101" in set(frame_with(at, "room_name")["room_name"])
    keys = {x.key for x in at.button}
    assert "booking_edit_guest" in keys and "booking_retry" not in keys  # staff: no retry
    at.button(key="booking_edit_guest").click().run()
    assert not at.exception
    assert at.radio(key="res_view").value == "guests"
    assert at.text_input(key="guest_search").value == "joko@example.id"


def test_a_hotel_made_booking_has_a_readable_reference(dash):
    synced_world(dash.engine)
    with dash.engine.begin() as conn:
        rid = b.reservation(conn, _today(), 1, pid=PID, guest_name="Putu Ariani", origin="local")
        conn.execute(
            sa.update(schema.reservasi)
            .where(schema.reservasi.c.id == rid)
            .values(
                cloudbed_reservation_id=None,
                local_ref="9f1c2e7a5b3d4c6e8f0a1b2c3d4e5f60",
                sync_status="pending",
            )
        )
    at = dash.app(as_user=dash.user("gm"), page="reservations")
    rows = at.dataframe(key="res_table").value
    ref = rows["reference"][list(rows["guest_name"]).index("Putu Ariani")]
    assert ref == f"H-{rid:06d}"
    at.text_input(key="res_search").input(ref).run()
    assert list(at.dataframe(key="res_table").value["guest_name"]) == ["Putu Ariani"]
    at = _open_row(at, "Putu Ariani")
    assert f"Booking H-{rid:06d}" in texts(at) and "9f1c2e7a" not in texts(at)


def test_a_manager_may_retry_a_booking_whose_sync_failed(dash):
    synced_world(dash.engine)
    with dash.engine.begin() as conn:
        rid = b.reservation(
            conn, _today() - timedelta(days=1), 3, pid=PID, guest_name="Made Ayu", sync_status="error"
        )
        conn.execute(
            sa.update(schema.reservasi).where(schema.reservasi.c.id == rid).values(sync_error="timeout")
        )
    at = _open_row(dash.app(as_user=dash.user("gm"), page="reservations"), "Made Ayu")
    assert "booking_retry" in {x.key for x in at.button}
    assert "timeout" in texts(at)
