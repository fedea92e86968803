"""The processor's coalescing, failure handling and app-state events.

The sync engine is replaced here by a small recording applier, because these tests are about how
events are grouped and settled; the end-to-end tests (tests/server/test_realtime.py) run the
real sync engine against the sandbox.
"""

from __future__ import annotations

import json

from pms import alerts
from pms.db.settings import Settings
from pms.errors import AuthenticationError
from pms.webhooks import store
from pms.webhooks.events import parse_event
from pms.webhooks.processor import Processor

PID = "254042"


class Recorder:
    def __init__(self, fail=None, failed_ids=None, state="enabled"):
        self.calls: list[tuple] = []
        self.fail = fail
        self.failed_ids = failed_ids or {}
        self.state = state  # what the API answers about the app state

    def app_state(self, pid):
        self.calls.append(("app_state",))
        if isinstance(self.state, Exception):
            raise self.state
        return self.state

    def reservations(self, pid, ids):
        self.calls.append(("reservations", tuple(ids)))
        if self.fail:
            raise self.fail
        return type("R", (), {"failed_ids": dict(self.failed_ids)})()

    def guests(self, pid, ids, reservation_ids=(), since=None):
        self.calls.append(("guests", tuple(ids), tuple(reservation_ids)))
        self.since = since

    def rate_jobs(self, pid):
        self.calls.append(("rate_jobs",))


def _put(sdb, **body):
    body.setdefault("propertyID_str", PID)
    body.setdefault("timestamp", 1795602710.0 + len(store.counts(sdb)) + store.counts(sdb)["pending"])
    store.record(sdb, parse_event(body), json.dumps(body))


def test_many_events_about_few_bookings_become_one_batched_reread(sdb):
    for n in range(30):
        _put(
            sdb, event="reservation/status_changed", reservationID=str(5200000000 + n % 3), timestamp=1.0 + n
        )
    _put(sdb, event="reservation/deleted", reservationId=5200000009, timestamp=100.0)
    rec = Recorder()
    report = Processor(sdb, rec).process(PID)
    assert rec.calls == [("reservations", ("5200000000", "5200000001", "5200000002", "5200000009"))]
    assert report.processed == 31 and report.reservations == 4
    assert store.counts(sdb)["processed"] == 31


def test_new_guests_ride_along_with_their_booking_and_others_get_their_own_reread(sdb):
    _put(sdb, event="reservation/created", reservationID="52001", timestamp=1.0)
    _put(sdb, event="guest/created", guestId="61001", reservationId="52001", timestamp=1.1)
    _put(sdb, event="guest/details_changed", guestId="61002", reservationId="52002", timestamp=1.2)
    _put(
        sdb, event="api_queue_task/rate_status_changed", queueTaskId="job1", status="completed", timestamp=1.3
    )
    _put(
        sdb, event="api_queue_task/rate_status_changed", queueTaskId="job2", status="completed", timestamp=1.4
    )
    rec = Recorder()
    report = Processor(sdb, rec).process(PID)
    assert rec.calls == [("reservations", ("52001",)), ("guests", ("61002",), ("52002",)), ("rate_jobs",)]
    assert report.processed == 5 and report.rate_followups == 1


def test_a_failed_batch_is_retried_later_and_a_per_id_failure_only_touches_its_events(sdb):
    _put(sdb, event="reservation/created", reservationID="1", timestamp=1.0)
    _put(sdb, event="reservation/created", reservationID="2", timestamp=2.0)
    report = Processor(sdb, Recorder(failed_ids={"2": "broken folio"})).process(PID)
    assert report.processed == 1 and report.retried == 1
    report = Processor(sdb, Recorder(fail=RuntimeError("boom"))).process(PID, now=None)
    assert report.claimed == 0  # the retry waits for its backoff
    assert store.counts(sdb) == {**store.counts(sdb), "pending": 1, "processed": 1}


def test_authentication_failures_are_reported(sdb):
    _put(sdb, event="reservation/created", reservationID="1", timestamp=1.0)
    report = Processor(sdb, Recorder(fail=AuthenticationError("key revoked"))).process(PID)
    assert report.auth_failed and report.retried == 1 and "key revoked" in report.errors[0]


def test_app_disabled_switches_the_connection_off_and_enabled_back_on(sdb):
    Settings(sdb).set("cloudbed_active", True)
    _put(
        sdb,
        event="integration/appstate_changed",
        clientID="live1_cl_55",
        oldState="enabled",
        newState="disabled",
        timestamp=5.0,
    )
    _put(sdb, event="reservation/created", reservationID="1", timestamp=6.0)
    rec = Recorder(state="disabled")  # the API confirms it
    Processor(sdb, rec).process(PID)
    assert rec.calls == [("app_state",)]  # nothing is read from a property that just disabled the app
    assert Settings(sdb).get("cloudbed_active") is False
    assert [a.key for a in alerts.active_alerts(sdb, PID)] == ["connection_disabled"]
    # While disabled, only app-state events are taken; the booking waits.
    _put(sdb, event="reservation/created", reservationID="2", timestamp=7.0)
    _put(
        sdb,
        event="integration/appstate_changed",
        clientID="live1_cl_55",
        oldState="disabled",
        newState="enabled",
        timestamp=8.0,
    )
    rec.state = "enabled"
    Processor(sdb, rec).process(PID, api_allowed=False)
    assert Settings(sdb).get("cloudbed_active") is True and alerts.active_alerts(sdb, PID) == []
    assert store.counts(sdb)["pending"] == 2
    Processor(sdb, rec).process(PID)
    assert rec.calls[-1] == ("reservations", ("1", "2"))


def test_events_without_anything_to_reread_are_ignored(sdb):
    _put(sdb, event="reservation/created", timestamp=1.0)  # no reservation id
    report = Processor(sdb, Recorder()).process(PID)
    assert report.ignored == 1 and store.counts(sdb)["ignored"] == 1


def test_guest_events_without_a_reservation_pass_the_bursts_earliest_time(sdb):
    # Real guest webhooks carry the guest id only: the sync looks for what changed since the
    # earliest event of the burst, so the processor hands that time on.
    from datetime import UTC, datetime

    _put(sdb, event="guest/details_changed", guestId="61003", timestamp=1795602800.25)
    _put(sdb, event="guest/created", guestId="61004", timestamp=1795602700.5)
    _put(sdb, event="guest/details_changed", guestId="61003", timestamp=1795602900.0)
    rec = Recorder()
    report = Processor(sdb, rec).process(PID)
    assert rec.calls == [("guests", ("61003", "61004"), ())] and report.processed == 3
    assert rec.since == datetime.fromtimestamp(1795602700.5, UTC)


def _appstate(sdb, new_state: str, timestamp: float) -> None:
    _put(
        sdb,
        event="integration/appstate_changed",
        clientID="live1_cl_55",
        oldState="enabled" if new_state == "disabled" else "disabled",
        newState=new_state,
        timestamp=timestamp,
    )


def test_a_forged_disabled_event_changes_nothing_the_api_does_not_confirm(sdb):
    Settings(sdb).set("cloudbed_active", True)
    _appstate(sdb, "disabled", 5.0)
    _put(sdb, event="reservation/created", reservationID="1", timestamp=6.0)
    rec = Recorder(state="enabled")
    Processor(sdb, rec).process(PID)
    assert Settings(sdb).get("cloudbed_active") is True and alerts.active_alerts(sdb, PID) == []
    assert rec.calls == [("app_state",), ("reservations", ("1",))]


def test_an_enabled_event_never_overrides_a_managers_switch_off(sdb):
    Settings(sdb).set("cloudbed_active", False)  # the manager switched the integration off
    _appstate(sdb, "enabled", 5.0)
    Processor(sdb, Recorder(state="enabled")).process(PID, api_allowed=False)
    assert Settings(sdb).get("cloudbed_active") is False
    # After Cloudbeds itself switched us off, a confirmed "enabled" switches back on ...
    Settings(sdb).set("cloudbed_active", True)
    _appstate(sdb, "disabled", 6.0)
    Processor(sdb, Recorder(state="disabled")).process(PID)
    assert Settings(sdb).get("cloudbed_active") is False
    _appstate(sdb, "enabled", 7.0)
    Processor(sdb, Recorder(state="enabled")).process(PID, api_allowed=False)
    assert Settings(sdb).get("cloudbed_active") is True
    # ... unless a manager took the switch in between (on, then off again by hand).
    _appstate(sdb, "disabled", 8.0)
    Processor(sdb, Recorder(state="disabled")).process(PID)
    Settings(sdb).set("cloudbed_active", True)
    Settings(sdb).set("cloudbed_active", False)
    _appstate(sdb, "enabled", 9.0)
    Processor(sdb, Recorder(state="enabled")).process(PID, api_allowed=False)
    assert Settings(sdb).get("cloudbed_active") is False


def test_saving_other_settings_keeps_cloudbeds_own_switch_off(sdb):
    Settings(sdb).set("cloudbed_active", True)
    _appstate(sdb, "disabled", 5.0)
    Processor(sdb, Recorder(state="disabled")).process(PID)
    # The Settings page saves the switch with the other sync settings, unchanged.
    Settings(sdb).set_many({"cloudbed_active": False, "cloudbed_sync_interval": 45})
    _appstate(sdb, "enabled", 6.0)
    Processor(sdb, Recorder(state="enabled")).process(PID, api_allowed=False)
    assert Settings(sdb).get("cloudbed_active") is True


def test_an_unconfirmable_app_state_waits_for_a_later_try(sdb):
    Settings(sdb).set("cloudbed_active", True)
    _appstate(sdb, "disabled", 5.0)
    report = Processor(sdb, Recorder(state=ConnectionError("no route"))).process(PID)
    assert report.retried == 1 and Settings(sdb).get("cloudbed_active") is True


def test_a_flood_of_unknown_ids_costs_a_bounded_number_of_rereads(sdb):
    from datetime import date

    from pms.webhooks.processor import MAX_UNKNOWN_IDS
    from tests.reporting.builders import reservation

    with sdb.begin() as conn:
        reservation(conn, date(2026, 12, 1), 2, pid=PID)
        known = str(conn.exec_driver_sql("SELECT cloudbed_reservation_id FROM reservasi").scalar_one())
    _put(sdb, event="reservation/status_changed", reservationID=known, timestamp=0.5)
    for n in range(MAX_UNKNOWN_IDS + 200):
        _put(sdb, event="reservation/created", reservationID=str(7100000000 + n), timestamp=1.0 + n)
    rec = Recorder()
    report = Processor(sdb, rec).process(PID)
    reread = [i for call in rec.calls if call[0] == "reservations" for i in call[1]]
    assert known in reread  # known bookings are always re-read
    assert len(reread) == MAX_UNKNOWN_IDS + 1
    assert str(7100000000) in reread  # the earliest unknown ones keep their place
    assert report.ignored == 200 and store.counts(sdb)["ignored"] == 200
