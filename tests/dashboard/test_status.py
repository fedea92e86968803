"""The dashboard never shows things as fine when they are not: the Overview's score, counts and
to-do list, and what each action reports (AppTest on a real database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.sync import SyncContext, SyncRequest, run_sync
from tests.dashboard.conftest import frame_with, synced_world, texts
from tests.dashboard.conftest import shown as shown_text
from tests.sync.helpers import make_client

PID = "254042"


def _troubles(engine) -> None:
    """On top of the synced world (one reservation in error, 40 booked rooms of a type nobody
    mapped, sending switched off): no alert raised yet, one change waiting, one refused write."""
    from tests.reporting import builders as b

    with engine.begin() as conn:
        conn.execute(sa.delete(schema.cloudbed_alerts))
        b.reservation(conn, utcnow().date(), 2, pid=PID, sync_status="pending", origin="local")
        conn.execute(
            sa.insert(schema.cloudbed_outbound_log).values(
                property_id=PID,
                operation="postReservation",
                decision="refused",
                reason="push to Cloudbeds is switched off (Settings → push)",
                created_at=utcnow() - timedelta(minutes=1),
            )
        )


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_overview_lists_every_problem_with_its_next_step_and_never_says_all_is_well(dash):
    synced_world(dash.engine)
    _troubles(dash.engine)
    at = dash.app(as_user=dash.user())
    assert not at.exception, at.exception
    shown = texts(at)
    assert "What to do next" in shown
    assert "No active alerts." not in shown
    assert "1 record(s) in error" in shown and "Open the failed items on the Monitoring page" in shown
    assert "41 booked room(s) have a Cloudbeds room type with no mapping" in shown
    assert "Sending to Cloudbeds is switched off while 1 change(s) wait" in shown
    assert "Settings page" in shown
    assert "1 write(s) to Cloudbeds refused or failed today" in shown
    assert _metric(at, "In error") == "1"
    assert _metric(at, "Waiting to be sent") == "1"  # the pending one, never the one in error
    score = int(_metric(at, "Sync health").split("/")[0])
    assert score < 70
    # and one API call in six failed today (the synced world's 500): test the connection
    assert "1 Cloudbeds API call(s) failed today" in shown
    assert {link.proto.page for link in at.get("page_link")} == {
        "monitoring",
        "room_mapping",
        "settings",
        "connection",
    }


def test_overview_in_indonesian_and_for_staff(dash):
    synced_world(dash.engine)
    _troubles(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff", language="id"))
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Yang perlu dilakukan" in shown
    assert "Pengiriman ke Cloudbeds dimatikan padahal 1 perubahan menunggu" in shown
    assert "Minta bantuan manajer" in shown  # Settings is a manager's page: no link to it
    # Settings and Monitoring are managers' pages: staff are linked to Room mapping only
    assert {link.proto.page for link in at.get("page_link")} == {"room_mapping"}


def test_overview_says_all_is_well_only_when_it_is(dash):
    synced_world(dash.engine)
    with dash.engine.begin() as conn:
        conn.execute(sa.delete(schema.cloudbed_alerts))
        conn.execute(sa.update(schema.reservasi).values(sync_status="synced"))
        conn.execute(
            sa.insert(schema.cloudbed_room_mapping),
            [
                {"property_id": PID, "adf_room_type": name, "cloudbed_room_type_id": rt, "is_active": True}
                for name, rt in (("Deluxe", "rt-1"), ("Family", "rt-2"))
            ],
        )
        log = schema.cloudbed_sync_log
        conn.execute(sa.delete(log).where(log.c.status != "completed"))
        api = schema.cloudbed_api_log
        conn.execute(sa.delete(api).where(api.c.http_status >= 400))
    Settings(dash.engine).set_push_enabled(True)
    at = dash.app(as_user=dash.user())
    assert not at.exception, at.exception
    shown = texts(at)
    assert "What to do next" not in shown
    assert "No active alerts." in shown


@pytest.fixture
def live(dash, box):
    """The dashboard's database connected to the sandbox with an API key, after a full sync."""
    CredentialStore(dash.engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    with make_client(box) as client:
        result = run_sync(SyncContext(dash.engine, client), SyncRequest(mode="full", trigger="cli"))
    assert result.status == "completed", result.error
    dash.box = box
    return dash


def _walk_ins(engine, pid: str, n: int = 4) -> None:
    """Walk-ins typed at the desk after sending was switched on, waiting to be sent (none has a room
    yet: sending them would fail)."""
    now = utcnow() + timedelta(seconds=5)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.reservasi),
            [
                {
                    "property_id": pid,
                    "local_ref": f"walkin-{i}",
                    "status": "confirmed",
                    "check_in": now.date(),
                    "check_out": now.date() + timedelta(days=1),
                    "guest_name": f"Tamu Walk-in {i}",
                    "origin": "local",
                    "sync_status": "pending",
                    "created_at": now,
                    "local_modified_at": now,
                }
                for i in range(n)
            ],
        )


def _edit_first_rate(at) -> None:
    grid = at.data_editor(key="rates_editor").value
    at.session_state["rates_editor"] = {
        "edited_rows": {0: {grid.columns[3]: 1234000}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="FormSubmitter:rates_form-Save rates").click().run()
    assert "1 rate(s) changed" in texts(at)


def test_rates_cannot_be_sent_while_sending_is_off_and_the_page_says_how_to_switch_it_on(live):
    at = live.app(as_user=live.user(), page="rates")
    _edit_first_rate(at)
    assert at.button(key="rates_push").disabled
    assert "Sending to Cloudbeds is switched off" in at.button(key="rates_push").help
    assert 'switches on "Send hotel-side changes to Cloudbeds" on the Settings page' in texts(at)
    Settings(live.engine).set_push_enabled(True)
    at = live.app(as_user=live.user(), page="rates")
    assert not at.button(key="rates_push").disabled


def test_sending_rates_reports_rate_nights_only_with_each_reason_and_an_error_state(live):
    pid = live.box.property_id
    at = live.app(as_user=live.user(), page="rates")
    _edit_first_rate(at)  # edited while sending was off: typed into Cloudbeds by hand (rule 14)
    Settings(live.engine).set_push_enabled(True, now=utcnow() + timedelta(seconds=1))
    _walk_ins(live.engine, pid)
    at = live.app(as_user=live.user(), page="rates")
    at.button(key="rates_push").click().run()
    assert not at.exception
    (status,) = [s for s in at.status if s.label.startswith(("Rates sent", "Not every rate"))]
    assert status.label == "Not every rate was sent: 0 changed, 0 unchanged, 1 failed", status.label
    assert (status.state, status.icon) == ("error", ":material/error:")
    reasons = [shown_text(e.value) for e in status if type(e).__name__ == "Error"]
    assert reasons == [
        "patchRate: patchRate refused: created or changed before push was switched on: it was typed "
        "into Cloudbeds by hand and would become a duplicate"
    ]
    assert "Walk-in" not in texts(at) and "reservation" not in status.label
    jobs = frame_with(at, "job_reference_id")  # the refused nights stay listed with their reason
    assert list(jobs["status"]) == ["error"] and "typed into Cloudbeds by hand" in jobs["error"][0]
    r = schema.reservasi
    with live.engine.connect() as conn:
        untouched = conn.execute(
            sa.select(sa.func.count()).where(
                r.c.origin == "local", r.c.sync_status == "pending", r.c.sync_attempts == 0
            )
        ).scalar_one()
    assert untouched == 4  # a "send rates" action never sends the walk-ins


def test_a_status_box_never_keeps_running_after_an_error():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from ui.feedback import status_box

        try:
            with status_box("Testing…", "Stopped by an error (see below).") as box:
                box.write("first step done")
                raise ConnectionError("no answer")
        except ConnectionError as exc:
            st.error(str(exc))

    at = AppTest.from_function(script).run()
    (box,) = at.status
    assert (box.label, box.state) == ("Stopped by an error (see below).", "error")
    assert [e.value for e in at.error] == ["no answer"]


def test_a_failed_preview_is_no_plan_no_finished_bar_no_nothing_to_do_no_apply(dash):
    synced_world(dash.engine)  # credentials point at a closed port
    at = dash.app(as_user=dash.user(), page="sync")
    at.button(key="FormSubmitter:sync_form-Preview").click().run()
    assert not at.exception
    assert any("Could not reach Cloudbeds" in shown_text(e.value) for e in at.error)
    assert "Everything is already in step" not in texts(at)
    assert not [p for p in at.get("progress") if "ready" in str(p.proto.text).lower()]
    assert "sync_apply" not in [b.key for b in at.button]


def test_preview_and_apply_count_the_same_way(live):
    at = live.app(as_user=live.user(), page="sync")
    at.button(key="FormSubmitter:sync_form-Preview").click().run()
    assert not at.exception
    assert "Everything is already in step: nothing to do." in texts(at)
    at.button(key="sync_apply").click().run()
    assert not at.exception
    (status,) = [s for s in at.status if s.label.startswith("Sync ")]
    assert status.state == "complete"
    head, _, calls = status.label.partition("; ")
    assert head.startswith("Sync completed: 0 changed, ") and head.endswith(" unchanged, 0 failed"), head
    assert int(head.split(", ")[1].split()[0].replace(",", "")) > 0  # the records read again, unchanged
    assert calls.endswith("API calls")


def test_a_save_confirmation_fades_instead_of_standing_over_later_edits(live):
    """The grid stays editable in its form after a save; a "saved" banner would go on standing
    above edits made after it (nothing reruns until the next submit), so it is a toast."""
    at = live.app(as_user=live.user(), page="room_mapping")
    if "start_from_cloudbeds" in [b.key for b in at.button]:  # a draft in the grid, saved by Save
        at.button(key="start_from_cloudbeds").click().run()
        at.button(key="FormSubmitter:mapping_form-Save mappings").click().run()
    assert [t.value for t in at.toast] and not at.success
    grid = at.data_editor(key="mapping_editor").value
    at.session_state["mapping_editor"] = {
        "edited_rows": {0: {"notes": "checked"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="FormSubmitter:mapping_form-Save mappings").click().run()
    assert [t.value for t in at.toast] == ["1 mapping(s) saved."]
    assert not [s.value for s in at.success if "saved" in str(s.value)]
    assert len(grid) >= 1


def _problems(at) -> list[str]:
    """The error messages of the page itself (not the alert banner every page carries)."""
    return [shown_text(e.value) for e in at.error if e.icon != "🔔"]


def test_a_date_problem_is_said_while_true_and_gone_once_the_dates_are_fixed(dash):
    from pms.i18n import local_now

    synced_world(dash.engine)
    today = local_now("Asia/Jakarta").date()
    at = dash.app(as_user=dash.user("budi", role="staff"), page="reservations")
    at.radio(key="res_view").set_value("new").run()
    create = "FormSubmitter:new_reservation-Create reservation"
    assert not _problems(at) and not at.button(key=create).disabled
    at.date_input(key="new_check_in").set_value(today + timedelta(days=5)).run()
    assert _problems(at) == ["Check-out must be after check-in."]
    assert at.button(key=create).disabled  # nothing to submit that is known to be refused
    at.date_input(key="new_check_out").set_value(today + timedelta(days=7)).run()
    assert not _problems(at) and not at.button(key=create).disabled


def test_a_guest_save_is_confirmed_by_a_toast_not_a_banner_over_the_open_form(dash):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("gm"), page="reservations")
    at.radio(key="res_view").set_value("guests").run()
    at.text_input(key="guest_search").input("Tamu 2").run()
    at.session_state["guest_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    at.text_input(key="guest_city").input("Yogyakarta")
    at.button(key="FormSubmitter:guest_edit-Save guest").click().run()
    assert not at.exception
    (toast,) = [t.value for t in at.toast]
    assert toast.startswith("Saved.")
    assert not [s.value for s in at.success if str(s.value).startswith("Saved.")]


def test_retry_reports_each_failure_with_its_reason_and_the_error_state(live):
    Settings(live.engine).set_push_enabled(True)
    _walk_ins(live.engine, live.box.property_id, n=1)  # no room: it cannot be created in Cloudbeds
    at = live.app(as_user=live.user(), page="sync")
    at.button(key="sync_retry_failed").click().run()
    assert not at.exception
    (status,) = [s for s in at.status if "queued again" in s.label]
    assert status.state == "error", status.label
    assert status.label.endswith("0 changed, 0 unchanged, 1 failed"), status.label
    reasons = [shown_text(e.value) for e in status if type(e).__name__ == "Error"]
    assert len(reasons) == 1 and "it has no rooms" in reasons[0], reasons


def test_a_plan_is_dropped_once_the_inputs_it_was_made_for_change(live):
    at = live.app(as_user=live.user(), page="sync")
    at.radio(key="sync_direction").set_value("both")
    at.button(key="FormSubmitter:sync_form-Preview").click().run()
    assert "Plan" in [s.value for s in at.subheader] and "sync_apply" in [b.key for b in at.button]
    at.run()  # same inputs: the plan stays
    assert "sync_apply" in [b.key for b in at.button]
    # away and back: the form shows its defaults again (pull), the plan was made for "both"
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/sync.py").run()
    assert not at.exception
    assert at.radio(key="sync_direction").value == "pull"
    assert "Plan" not in [s.value for s in at.subheader]
    assert "sync_apply" not in [b.key for b in at.button]


def test_every_problem_has_its_words_and_a_page_in_both_languages():
    from dataclasses import replace

    from pms import i18n
    from pms.db.health import HealthSummary
    from pms.reporting.attention import problems
    from ui.health_view import PAGE_FILES

    everything = HealthSummary(
        score=0,
        synced_reservations=1,
        pending_push=1,
        failed_records=1,
        last_successful_sync=utcnow(),
        minutes_since_success=500,
        failed_syncs_today=1,
        api_calls_today=10,
        api_errors_today=5,
        failed_webhook_events=1,
        reasons=(),
    )
    everything = replace(
        everything,
        failed_rates=1,
        refused_pushes_today=1,
        partial_runs_today=1,
        unmapped_rooms=1,
        frontdesk_unmapped=1,
        frontdesk_todos=1,
        push_enabled=False,
        stale=True,
        api_errors_high=True,
    )
    found = problems(everything)
    assert len(found) == 12
    for lang in ("en", "id"):
        t = i18n.Translator(lang)
        for p in found:
            assert t.has(f"attention.{p.key}") and t.has(f"attention.{p.key}.action"), (lang, p.key)
            assert p.page in PAGE_FILES and t.has(f"nav.{p.page}")
