"""The main action of each page, driven through the real widgets on a real database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pms import accounts
from pms.db import schema
from pms.db.settings import Settings
from pms.i18n import Translator, local_now
from tests.dashboard.conftest import frame_with, shown, synced_world, texts

PID = "254042"


def _today():
    return local_now("Asia/Jakarta").date()


def test_setup_installs_and_reports_every_table(dash):
    at = dash.app(as_user=dash.user("gm"), page="setup")
    assert "All tables verified." in texts(at)
    with dash.engine.begin() as conn:  # a table lost while the server runs
        conn.exec_driver_sql("DROP TABLE cloudbed_outbound_log")
    at.button(key="setup_verify").click().run()
    assert "1 table(s) need attention" in texts(at)
    at.button(key="setup_install").click().run()
    assert not at.exception
    assert "All tables verified." in texts(at)
    table = frame_with(at, "detail")
    assert dict(zip(table["table"], table["status"], strict=True))["cloudbed_outbound_log"] == "created"
    assert sa.inspect(dash.engine).has_table("cloudbed_outbound_log")


def test_create_walk_in_reservation(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff"), page="reservations")
    at.radio(key="res_view").set_value("new").run()
    at.text_input(key="new_first").input("Putu")
    at.text_input(key="new_last").input("Ariani")
    at.text_input(key="new_email").input("putu@example.id")
    at.date_input(key="new_check_out").set_value(_today() + timedelta(days=2))
    at.selectbox(key="new_room_type").set_value("rt-1")
    at.number_input(key="new_adults").set_value(2)
    at.button(key="FormSubmitter:new_reservation-Create reservation").click().run()
    assert not at.exception
    assert "Reservation stored" in texts(at)
    r = schema.reservasi
    with dash.engine.connect() as conn:
        row = conn.execute(sa.select(r).where(r.c.origin == "local")).one()
    assert (row.guest_name, row.sync_status, row.check_in) == ("Putu Ariani", "pending", _today())
    # the new booking is in the list at once (the cache was cleared)
    at.radio(key="res_view").set_value("list").run()
    at.text_input(key="res_search").input("Ariani").run()
    assert "Putu Ariani" in set(at.dataframe(key="res_table").value["guest_name"])


def test_invalid_reservation_is_refused_with_a_message(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("gm"), page="reservations")
    at.radio(key="res_view").set_value("new").run()
    at.text_input(key="new_first").input("Putu")
    at.text_input(key="new_last").input("'; DROP TABLE reservasi; --")
    at.text_input(key="new_email").input("not an email")
    at.button(key="FormSubmitter:new_reservation-Create reservation").click().run()
    assert not at.exception
    assert "is not an e-mail address" in texts(at)
    with dash.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count())
                .select_from(schema.reservasi)
                .where(schema.reservasi.c.origin == "local")
            ).scalar()
            == 0
        )


def test_guest_edit_through_the_form(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("gm"), page="reservations")
    at.radio(key="res_view").set_value("guests").run()
    at.text_input(key="guest_search").input("Tamu 2").run()
    at.session_state["guest_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    at.text_input(key="guest_phone").input("+62 274 555 0101")
    at.text_input(key="guest_city").input("Yogyakarta")
    at.button(key="FormSubmitter:guest_edit-Save guest").click().run()
    assert not at.exception and "Saved." in texts(at)
    g = schema.guest
    with dash.engine.connect() as conn:
        row = conn.execute(sa.select(g).where(g.c.cloudbed_guest_id == "g2")).one()
    assert (row.phone, row.city, row.sync_status) == ("+62 274 555 0101", "Yogyakarta", "pending")


def test_rate_edit_saved_from_the_grid(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("gm"), page="rates")
    day = _today() + timedelta(days=1)
    column = f"{Translator('en').weekday(day)} {day.day:02d}/{day.month:02d}"
    grid = at.data_editor(key="rates_editor").value
    row = list(grid["rate_id"]).index("rate-rt-1")
    at.session_state["rates_editor"] = {
        "edited_rows": {row: {column: 990000}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="FormSubmitter:rates_form-Save rates").click().run()
    assert not at.exception
    assert "1 rate(s) changed" in texts(at)
    rs = schema.cloudbed_rate_sync
    with dash.engine.connect() as conn:
        row = conn.execute(sa.select(rs).where(rs.c.rate_id == "rate-rt-1", rs.c.rate_date == day)).one()
    assert (row.adf_rate, row.status, row.direction) == (Decimal("990000.00"), "pending", "to_cloudbed")
    assert "1 night(s) edited here are waiting" in texts(at)


def test_settings_saved_and_push_clock_started(dash):
    at = dash.app(as_user=dash.user("gm"), page="settings")
    at.toggle(key="set_push").set_value(True)
    at.number_input(key="set_interval").set_value(15)
    assert at.number_input(key="set_push_poll").value == 15  # the default look at the front desk
    at.number_input(key="set_push_poll").set_value(30)
    at.button(key="FormSubmitter:sync_settings-Save").click().run()
    assert not at.exception and "Saved." in texts(at)
    s = Settings(dash.engine)
    assert s.push_enabled and s.sync_interval_minutes == 15 and s.push_since is not None
    assert s.get("adf_push_poll_seconds") == 30


def test_invalid_setting_is_refused_by_name(dash):
    at = dash.app(as_user=dash.user("gm"), page="settings")
    at.text_input(key="set_public").input("ftp://nope")
    at.button(key="FormSubmitter:sync_settings-Save").click().run()
    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    label = Translator("en")("settings.public_url")
    assert any(e.startswith(f"{label}: expected an http(s) address") for e in errors), errors
    assert not any("cloudbed_public_url" in e for e in errors)  # the field's words, not the key
    assert Settings(dash.engine).public_url is None


def test_manager_adds_and_changes_users(dash):
    at = dash.app(as_user=dash.user("gm"), page="settings")
    assert at.selectbox(key="new_user_role").value == "staff"  # the least power unless chosen
    at.text_input(key="new_user_name").input("Wayan")
    at.text_input(key="new_user_pw").input("another long passphrase")
    at.button(key="FormSubmitter:add_user-Add user").click().run()
    assert not at.exception
    assert "Tick the confirmation to create the account." in texts(at)
    assert accounts.get_user(dash.engine, "wayan") is None
    assert at.text_input(key="new_user_name").value == "Wayan"  # nothing typed is lost
    at.checkbox(key="new_user_confirm").check()
    at.button(key="FormSubmitter:add_user-Add user").click().run()
    assert not at.exception
    assert "User wayan added." in texts(at)
    assert accounts.get_user(dash.engine, "wayan").role == "staff"
    assert at.text_input(key="new_user_pw").value == ""
    at.selectbox(key="edit_user_name").set_value("gm")
    at.selectbox(key="edit_user_action").set_value("remove")
    at.button(key="FormSubmitter:edit_user-Apply").click().run()
    assert "You cannot remove, disable or demote yourself." in texts(at)
    assert accounts.get_user(dash.engine, "gm") is not None


def test_retention_saved(dash):
    at = dash.app(as_user=dash.user("gm"), page="monitoring")
    at.number_input(key="keep_api_log").set_value(7)
    at.button(key="FormSubmitter:retention-Save retention").click().run()
    assert not at.exception
    assert Settings(dash.engine).retention_days()["api_log"] == 7


def test_monitoring_filters_and_csv_export(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("gm"), page="monitoring")
    at.toggle(key="api_problems").set_value(True).run()
    assert list(frame_with(at, "http_status")["http_status"]) == [500]
    at.toggle(key="api_csv").set_value(True).run()
    assert not at.exception
    assert list(at.get("download_button"))


def test_staff_have_no_monitoring_with_its_endpoints_and_request_ids(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff"))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/monitoring.py")


def test_staff_read_rates_in_rupiah_without_edit_or_send(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff"), page="rates")
    assert not at.exception and at.title[0].value == "Rates & availability"
    grid = frame_with(at, "label")
    day = _today() + timedelta(days=1)
    column = f"{Translator('en').weekday(day)} {day.day:02d}/{day.month:02d}"
    assert list(grid[column]) == ["Rp 850.000", "Rp 950.000"]
    assert not at.data_editor and "rates_push" not in {b.key for b in at.button}
    assert "Read only" in texts(at)


def test_the_demo_banner_sends_staff_to_no_page_they_cannot_open(dash):
    staff = dash.app(as_user=dash.user("budi", role="staff"))
    assert "is a demo property" in texts(staff) and "Connection page" not in texts(staff)
    manager = dash.app(as_user=dash.user("gm"))
    assert "Connection page" in texts(manager)
