"""A forged ``integration/appstate_changed`` posted to a real server's webhook address: the server
looks the state up itself and nothing changes (the stolen-address case of docs/operations.md)."""

from __future__ import annotations

import time

import sqlalchemy as sa

from pms import alerts
from pms.db import schema
from pms.db.engine import reader
from pms.db.settings import Settings

from .helpers import wait_for


def _status(server, event_id: int) -> str:
    t = schema.cloudbed_webhook_events
    with reader(server.engine).connect() as conn:
        return conn.execute(sa.select(t.c.status).where(t.c.id == event_id)).scalar_one()


def test_a_forged_disabled_event_does_not_switch_the_integration_off(demo_server):
    settings = Settings(demo_server.engine, demo_server.box)
    token = wait_for(lambda: settings.secret("cloudbed_webhook_token"))
    pid = wait_for(lambda: settings.get("pms_demo_property_id"))
    wait_for(lambda: settings.get("cloudbed_active") is True)
    body = {
        "version": "1.0",
        "event": "integration/appstate_changed",
        "timestamp": time.time(),
        "propertyID": int(pid),
        "propertyID_str": pid,
        "clientID": "forged",
        "oldState": "enabled",
        "newState": "disabled",
    }
    resp = demo_server.post_webhook(token, body)
    assert resp.status_code == 200, resp.text
    event_id = resp.json()["id"]
    wait_for(lambda: _status(demo_server, event_id) in ("processed", "failed"), timeout=30)
    assert _status(demo_server, event_id) == "processed"
    assert settings.get("cloudbed_active") is True
    assert "connection_disabled" not in [a.key for a in alerts.active_alerts(demo_server.engine, pid)]
