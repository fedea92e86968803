"""Alerts: raised once, resolved with a notice, delivered by JSON POST and by real SMTP on loopback."""

from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from pms import alerts
from pms.alerts.delivery import deliver_pending
from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow

PID = "254042"


def _run(db, status: str, minutes_ago: float, trigger: str = "auto", error: str | None = None) -> None:
    start = utcnow() - timedelta(minutes=minutes_ago)
    with db.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_sync_log).values(
                property_id=PID,
                sync_type="reservations",
                trigger=trigger,
                mode="incremental",
                status=status,
                started_at=start,
                finished_at=start + timedelta(seconds=5),
                error_details=error,
            )
        )


def _keys(db) -> set[str]:
    return {a.key for a in alerts.active_alerts(db, PID)}


def test_a_failed_sync_raises_once_and_recovers(db):
    _run(db, "completed", 60)
    assert alerts.evaluate(db, PID).raised == [] and _keys(db) == set()
    _run(db, "failed", 30, error="APIConnectionError: no answer from api.cloudbeds.com")
    first = alerts.evaluate(db, PID)
    assert [a.key for a in first.raised] == ["sync_failed"]
    assert "no answer from api.cloudbeds.com" in first.raised[0].message
    assert alerts.evaluate(db, PID).raised == []  # still active: not raised again
    (active,) = alerts.active_alerts(db, PID)
    assert active.occurrences == 2
    _run(db, "completed", 1)
    out = alerts.evaluate(db, PID)
    assert [a.key for a in out.resolved] == ["sync_failed"] and _keys(db) == set()


def test_consecutive_auto_failures_and_staleness(db):
    Settings(db).set_many({"alert_consecutive_failures": 3, "alert_stale_minutes": 60})
    _run(db, "completed", 200)
    for minutes in (90, 60, 30):
        _run(db, "failed", minutes, error="RateLimitError")
    alerts.evaluate(db, PID)
    assert _keys(db) == {"sync_failed", "sync_failures_in_row", "stale_sync"}
    critical = alerts.active_alerts(db, PID)[0]
    assert critical.key == "sync_failures_in_row" and critical.severity == "critical"
    _run(db, "completed", 0)
    alerts.evaluate(db, PID)
    assert _keys(db) == set()
    assert {a.key for a in alerts.recent_alerts(db, PID)} == {
        "sync_failed",
        "sync_failures_in_row",
        "stale_sync",
    }


def test_failed_webhook_events_and_explicit_alerts(db):
    with db.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_webhook_events).values(
                property_id=PID,
                event="reservation/created",
                dedupe_key="k1",
                payload="{}",
                status="failed",
                received_at=utcnow(),
            )
        )
    alerts.evaluate(db, PID)
    assert "webhook_failures" in _keys(db)
    _alert, new = alerts.raise_alert(db, PID, "auth_revoked", "refused", severity="critical")
    assert new and not alerts.raise_alert(db, PID, "auth_revoked", "refused again")[1]
    _run(db, "completed", 0)
    alerts.evaluate(db, PID)
    assert "auth_revoked" not in _keys(db)


class _Hook:
    def __init__(self, statuses=()):
        self.bodies, self.statuses = [], list(statuses)
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                hook.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(hook.statuses.pop(0) if hook.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    h = _Hook()
    yield h
    h.close()


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


def test_notices_go_out_once_by_webhook_and_email_with_a_recovery(db, hook, smtp):
    Settings(db).set_many(
        {
            "alert_webhook_url": hook.url,
            "alert_email_to": "gm@hotel.test, it@hotel.test",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_starttls": False,
            "smtp_from": "pms@hotel.test",
        }
    )
    _run(db, "failed", 5, error="AuthenticationError: key revoked")
    alerts.evaluate(db, PID)
    sent = deliver_pending(db)
    assert {(kind, channel) for _, kind, channel in sent.sent} == {("alert", "webhook"), ("alert", "email")}
    assert deliver_pending(db).sent == []  # nothing twice
    assert hook.bodies[0]["alert"] == "sync_failed" and hook.bodies[0]["kind"] == "alert"
    assert "key revoked" in hook.bodies[0]["message"]
    rcpts, text = smtp.messages[0]
    assert (
        rcpts == ["gm@hotel.test", "it@hotel.test"] and "Subject: [Cloudbeds sync] Error: sync failed" in text
    )
    _run(db, "completed", 0)
    alerts.evaluate(db, PID)
    deliver_pending(db)
    assert [b["kind"] for b in hook.bodies] == ["alert", "recovery"]
    assert hook.bodies[1]["status"] == "resolved" and "Recovered" in smtp.messages[1][1]
    assert deliver_pending(db).sent == []


def test_a_failing_destination_is_retried_later(db):
    failing = _Hook(statuses=[500])
    try:
        Settings(db).set("alert_webhook_url", failing.url)
        alerts.raise_alert(db, PID, "auth_revoked", "refused", severity="critical")
        assert deliver_pending(db).failed == [(alerts.active_alerts(db)[0].id, "alert", "webhook")]
        assert len(deliver_pending(db).sent) == 1
        assert len(failing.bodies) == 2 and deliver_pending(db).sent == []
    finally:
        failing.close()


def test_without_destinations_notices_are_settled_quietly(db):
    alerts.raise_alert(db, PID, "auth_revoked", "refused")
    out = deliver_pending(db)
    assert out.sent == [] and out.failed == []
    assert alerts.active_alerts(db)[0].notified_at is not None


def test_records_in_error_refusals_unmapped_rooms_and_push_off_raise_alerts_and_clear(db):
    from tests.db.test_health import NOW, _troubled_world

    _troubled_world(db)
    out = alerts.evaluate(db, PID, now=NOW)
    raised = {a.key: a for a in out.raised}
    record_keys = {"records_in_error", "push_refused", "unmapped_rooms", "push_off_waiting"}
    assert set(raised) == {"sync_partial", *record_keys}
    assert "no e-mail" in raised["sync_partial"].message
    assert raised["records_in_error"].message.startswith("4 record(s)")
    assert raised["unmapped_rooms"].message.startswith("3 booked room(s)")
    with db.begin() as conn:
        conn.execute(sa.update(schema.reservasi).values(sync_status="synced"))
        conn.execute(
            sa.insert(schema.cloudbed_room_mapping).values(
                property_id=PID, adf_room_type="Family", cloudbed_room_type_id="rt-unmapped", is_active=True
            )
        )
    Settings(db).set_push_enabled(True, now=NOW)
    later = alerts.evaluate(db, PID, now=NOW + timedelta(days=1))
    assert {a.key for a in later.resolved} >= record_keys
    assert _keys(db) & record_keys == set()
