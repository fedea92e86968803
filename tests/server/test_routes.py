"""The server's own routes, over real HTTP to ``python -m pms serve`` in demo mode."""

from __future__ import annotations

import json
import time

import pytest
import requests
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.settings import Settings

from .helpers import wait_for


def _token(server) -> str:
    settings = Settings(server.engine, server.box)
    return wait_for(lambda: settings.secret("cloudbed_webhook_token"))


def _rows(server, **where):
    t = schema.cloudbed_webhook_events
    query = sa.select(t)
    for key, value in where.items():
        query = query.where(t.c[key] == value)
    with reader(server.engine).connect() as conn:
        return conn.execute(query.order_by(t.c.id)).all()


def _event(server, **extra):
    prop = server.demo_base_url() and _demo_property(server)
    body = {
        "version": "1.0",
        "event": "reservation/status_changed",
        "timestamp": time.time(),
        "propertyID": int(prop),
        "propertyID_str": prop,
        "reservationID": "5200000001",
        "status": "checked_in",
    }
    body.update(extra)
    return body


def _demo_property(server) -> str:
    return Settings(server.engine, server.box).get("pms_demo_property_id")


def test_healthz_answers_the_documented_document(demo_server):
    resp = requests.get(f"{demo_server.url}/healthz", timeout=10)
    assert resp.status_code == 200
    doc = resp.json()
    # Anonymous callers get status fields only (no addresses).
    assert set(doc) == {"status", "database", "worker", "last_successful_sync"}
    assert doc["status"] == "ok" and doc["database"] is True and doc["worker"] is True
    assert doc["last_successful_sync"] is None or doc["last_successful_sync"].startswith("20")
    # The dashboard is served by the same server.
    assert requests.get(f"{demo_server.url}/_stcore/health", timeout=10).text == "ok"


def test_a_valid_event_is_stored_once_and_duplicates_are_acknowledged(demo_server):
    token = _token(demo_server)
    body = _event(demo_server, reservationID="5200009001")
    first = demo_server.post_webhook(token, body)
    assert first.status_code == 200 and first.json()["duplicate"] is False
    again = demo_server.post_webhook(token, body)
    assert again.status_code == 200 and again.json() == {
        **again.json(),
        "duplicate": True,
        "id": first.json()["id"],
    }
    # The same event with camelCase keys and an int id is the same event.
    camel = {
        "version": "1.0",
        "event": body["event"],
        "timestamp": body["timestamp"],
        "propertyId": int(body["propertyID_str"]),
        "reservationId": 5200009001,
        "status": "checked_in",
    }
    assert demo_server.post_webhook(token, camel).json()["duplicate"] is True
    rows = _rows(demo_server, entity_id="5200009001")
    assert len(rows) == 1 and json.loads(rows[0].payload) == body and rows[0].event_time is not None


def test_camel_case_events_are_accepted(demo_server):
    token = _token(demo_server)
    prop = _demo_property(demo_server)
    body = {
        "version": "1.0",
        "event": "reservation/deleted",
        "timestamp": time.time(),
        "propertyId": int(prop),
        "propertyId_str": prop,
        "reservationId": "5200009002",
    }
    resp = demo_server.post_webhook(token, body)
    assert resp.status_code == 200, resp.text
    (row,) = _rows(demo_server, entity_id="5200009002")
    assert row.property_id == prop and row.event == "reservation/deleted"


@pytest.mark.parametrize("token", ["wrong", "x" * 43, "", "%00"])
def test_a_wrong_token_is_404_and_stores_nothing(demo_server, token):
    before = len(_rows(demo_server))
    resp = requests.post(
        f"{demo_server.url}/webhooks/cloudbeds/{token}", json=_event(demo_server), timeout=10
    )
    # An empty token is no route (405: only GET serves the dashboard there); a NUL byte is refused
    # by the HTTP layer before any route runs.
    assert resp.status_code == {"": 405, "%00": 400}.get(token, 404)
    assert len(_rows(demo_server)) == before


def test_a_near_miss_token_is_404(demo_server):
    token = _token(demo_server)
    near = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert demo_server.post_webhook(near, _event(demo_server)).status_code == 404
    assert demo_server.post_webhook(token + "x", _event(demo_server)).status_code == 404


def test_oversized_bodies_are_413(demo_server):
    token = _token(demo_server)
    big = json.dumps(_event(demo_server, notes="x" * 70_000)).encode()
    assert (
        demo_server.post_webhook(token, data=big, headers={"Content-Type": "application/json"}).status_code
        == 413
    )

    def chunked():  # no Content-Length: the limit is enforced while reading
        for _ in range(80):
            yield b"x" * 1024

    resp = requests.post(f"{demo_server.url}/webhooks/cloudbeds/{token}", data=chunked(), timeout=10)
    assert resp.status_code == 413


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b'{"event": ',
        b"\xff\xfe{}",
        b"[1, 2]",
        b"{}",
        b'{"event": 5}',
        b'{"event": "nodash"}',
        b'{"event": "reservation/created", "reservationID": {"a": 1}}',
    ],
)
def test_non_json_or_non_events_are_400(demo_server, data):
    token = _token(demo_server)
    before = len(_rows(demo_server))
    resp = demo_server.post_webhook(token, data=data, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400, resp.text
    assert len(_rows(demo_server)) == before


def test_an_unknown_property_is_202_and_kept_as_ignored(demo_server):
    token = _token(demo_server)
    resp = demo_server.post_webhook(
        token, _event(demo_server, propertyID=999, propertyID_str="999", reservationID="5200009003")
    )
    assert resp.status_code == 202 and resp.json()["ignored"] == "property not connected"
    (row,) = _rows(demo_server, entity_id="5200009003")
    assert row.status == "ignored" and row.property_id == "999"
    assert "999, which is not connected" in demo_server.log()


def test_an_unknown_event_type_is_202_and_never_applied(demo_server):
    token = _token(demo_server)
    resp = demo_server.post_webhook(
        token,
        _event(demo_server, event="housekeeping/room_condition_changed", roomId="5-1", condition="dirty"),
    )
    assert resp.status_code == 202 and resp.json()["ignored"] == "event type not used"
    assert _rows(demo_server, event="housekeeping/room_condition_changed")[0].status == "ignored"


def test_the_token_never_reaches_the_server_log(demo_server):
    token = _token(demo_server)
    demo_server.post_webhook(token, _event(demo_server, reservationID="5200009004"))
    requests.get(
        f"{demo_server.url}/oauth/cloudbeds/callback?code=secretcode123&state=secretstate456",
        timeout=10,
        allow_redirects=False,
    )
    log = wait_for(
        lambda: (lambda text: text if "/webhooks/cloudbeds/••••" in text else None)(demo_server.log())
    )
    assert token not in log
    assert "secretcode123" not in log and "secretstate456" not in log
