"""The walk-in form (Reservations page): it says whether the booking reaches Cloudbeds, lets a
manager switch sending on, writes into the hotel's front desk when there is one, refuses a type
with no room left, and a second click on Create stores nothing twice."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from pms.adf.pushscan import forget_desk
from pms.db import schema
from pms.db.settings import Settings
from pms.i18n import local_now
from tests.adf.schemas import _ddl
from tests.dashboard.conftest import synced_world, texts

SUBMIT = "FormSubmitter:new_reservation-Create reservation"


def _today():
    return local_now("Asia/Jakarta").date()


def _fill(at, last: str = "Ariani") -> None:
    at.radio(key="res_view").set_value("new").run()
    at.text_input(key="new_first").input("Putu")
    at.text_input(key="new_last").input(last)
    at.text_input(key="new_email").input("putu@example.id")
    at.date_input(key="new_check_out").set_value(_today() + timedelta(days=2))
    at.selectbox(key="new_room_type").set_value("rt-1")


def _local_rows(engine) -> list:
    r = schema.reservasi
    with engine.connect() as conn:
        return conn.execute(sa.select(r).where(r.c.origin == "local")).all()


def test_the_form_says_sending_is_off_and_a_manager_switches_it_on(dash):
    synced_world(dash.engine)
    staff = dash.app(as_user=dash.user("budi", role="staff"), page="reservations")
    staff.radio(key="res_view").set_value("new").run()
    assert "Sending to Cloudbeds is off" in texts(staff)
    assert not [b for b in staff.button if b.key == "new_push_on"]  # staff cannot switch it
    at = dash.app(as_user=dash.user("gm"), page="reservations")
    _fill(at)
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    (row,) = _local_rows(dash.engine)
    assert row.local_ref.startswith("form-")  # ours: sent once sending is on, whenever that is
    at.button(key="new_push_on").click().run()
    assert not at.exception
    settings = Settings(dash.engine)
    assert settings.push_enabled and settings.push_since is not None
    assert "Sending to Cloudbeds is on" in texts(at)


def test_a_second_click_stores_nothing_twice_and_the_form_is_emptied(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("gm"), page="reservations")
    _fill(at)
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    assert "Reservation stored" in texts(at)
    assert at.text_input(key="new_first").value == ""  # emptied for the next guest
    at.button(key=SUBMIT).click().run()  # the same (now empty) form again
    assert not at.exception
    assert len(_local_rows(dash.engine)) == 1


def test_create_is_idempotent_per_form_submission(dash):
    from pms import edits
    from pms.edits import walkin

    synced_world(dash.engine)
    booking = edits.NewReservation(
        check_in=_today(),
        check_out=_today() + timedelta(days=1),
        first_name="Putu",
        last_name="Ariani",
        email="putu@example.id",
        rooms=(edits.RoomRequest("rt-1", adults=2),),
    )
    first = walkin.create_walk_in(dash.engine, "254042", booking, _today(), submission="abc123")
    again = walkin.create_walk_in(dash.engine, "254042", booking, _today(), submission="abc123")
    assert (first["again"], again["again"], again["id"]) == (False, True, first["id"])
    assert len(_local_rows(dash.engine)) == 1


def test_a_type_with_no_room_left_is_refused_with_what_is_left(dash):
    synced_world(dash.engine)
    av = schema.cloudbed_availability
    with dash.engine.begin() as conn:
        conn.execute(sa.delete(av).where(av.c.room_type_id == "rt-1"))
        for i in range(3):
            conn.execute(
                sa.insert(av).values(
                    property_id="254042",
                    room_type_id="rt-1",
                    stay_date=_today() + timedelta(days=i),
                    rooms_available=0 if i == 1 else 3,
                    rooms_total=5,
                )
            )
    at = dash.app(as_user=dash.user("gm"), page="reservations")
    _fill(at)
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    assert "No room of this type is left for these dates (0 left)" in texts(at)
    assert _local_rows(dash.engine) == []


def test_refusals_become_advice_about_the_booking():
    from pms.edits.walkin import refusal_advice

    text = "Cloudbeds refused postReservation. Cloudbeds said: No availability for Deluxe on 2027-01-02."
    assert "no room of this type left" in refusal_advice(text)
    assert "renew" not in refusal_advice(text)
    assert refusal_advice("Access token expired") is None


def test_with_a_front_desk_the_walk_in_is_typed_into_adf(dash):
    forget_desk()
    synced_world(dash.engine)
    with dash.engine.begin() as conn:  # the hotel's tables beside ours (its own settings table aside)
        for ddl in _ddl("documented", mysql=False):
            if not ddl.startswith("CREATE TABLE settings"):
                conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(
            "INSERT INTO room_types (id, type_name, base_price) VALUES (1, 'Deluxe', 850000)"
        )
        for n in ("201", "202"):
            conn.exec_driver_sql(f"INSERT INTO rooms (room_number, room_type_id) VALUES ('{n}', 1)")
    with dash.engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_room_mapping).values(
                property_id="254042", cloudbed_room_type_id="rt-1", adf_room_type="Deluxe", is_active=True
            )
        )
    Settings(dash.engine).set("adf_frontdesk_enabled", True)
    at = dash.app(as_user=dash.user("gm"), page="reservations")
    _fill(at)
    assert "front desk (ADF)" in texts(at)
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    assert "front desk's room grid" in texts(at)
    with dash.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT b.booking_code, b.status, b.booking_source, r.room_number, t.type_name, g.guest_name "
            "FROM bookings b JOIN rooms r ON r.id = b.room_id JOIN room_types t ON t.id = r.room_type_id "
            "JOIN guests g ON g.id = b.guest_id"
        ).all()
        queued = (
            conn.execute(
                sa.select(schema.cloudbed_sync_state.c.cursor_value).where(
                    schema.cloudbed_sync_state.c.name.like("adfpush:q:%")
                )
            )
            .scalars()
            .all()
        )
    (row,) = rows
    assert row.booking_code.startswith("WI") and row.type_name == "Deluxe"
    assert (row.status, row.booking_source, row.guest_name) == ("confirmed", "walk_in", "Putu Ariani")
    assert len(queued) == 1 and '"form": true' in queued[0]
    assert _local_rows(dash.engine) == []
    forget_desk()
