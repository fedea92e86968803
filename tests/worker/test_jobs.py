"""The worker with the real sync engine against the sandbox: runs, re-reads, refused credentials."""

from __future__ import annotations

import json

import pytest
import requests
import sqlalchemy as sa

from pms import alerts
from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.setup import ensure_schema
from pms.webhooks import store
from pms.webhooks.events import parse_event
from pms.worker import Worker, ensure_switch_initialised
from pms.worker.jobs import SyncJobs


@pytest.fixture
def setup(engine, sandbox_factory):
    ensure_schema(engine)
    box = sandbox_factory(rate_limit=None)
    CredentialStore(engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    ensure_switch_initialised(engine)  # what Worker.start() and `worker --once` do first
    worker = Worker(engine)
    yield engine, box, worker
    worker.stop()


def test_the_first_round_reconciles_then_applies_webhook_events(setup):
    engine, box, worker = setup
    assert worker.renew_leases() == {box.property_id}
    assert worker.sync_if_due(box.property_id) == "full"
    assert worker.sync_if_due(box.property_id) is None  # not due again
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() == 120
    created = requests.post(
        f"{box.root_url}/_sandbox/mutate", json={"count": 2, "kinds": ["create"]}, timeout=30
    ).json()["changed"]
    for n, rid in enumerate(created):
        body = {
            "event": "reservation/created",
            "timestamp": 1795602710.0 + n,
            "propertyID_str": box.property_id,
            "reservationID": rid,
        }
        store.record(engine, parse_event(body), json.dumps(body))
    report = worker.process_events(box.property_id, force=True)
    assert report.processed == 2 and report.reservations == 2
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(sa.func.count()).where(schema.reservasi.c.cloudbed_reservation_id.in_(created))
        ).scalar()
    assert found == 2


def test_refused_credentials_raise_the_auth_alert(setup):
    engine, box, worker = setup
    requests.post(
        f"{box.root_url}/_sandbox/faults", json={"endpoint": "*", "kind": "revoke_token"}, timeout=30
    )
    worker.renew_leases()
    with pytest.raises(Exception) as caught:
        worker.sync_if_due(box.property_id)
    assert type(caught.value).__name__ == "AuthenticationError"
    keys = {a.key for a in alerts.active_alerts(engine, box.property_id)}
    assert "auth_revoked" in keys
    alerts.evaluate(engine, box.property_id)
    assert {"auth_revoked", "sync_failed"} <= {a.key for a in alerts.active_alerts(engine, box.property_id)}
    # A webhook re-read with the dead key fails, is kept for a retry and reports the refusal.
    body = {
        "event": "reservation/created",
        "timestamp": 1.0,
        "propertyID_str": box.property_id,
        "reservationID": "5200000001",
    }
    store.record(engine, parse_event(body), json.dumps(body))
    report = worker.process_events(box.property_id, force=True)
    assert report.auth_failed and report.retried == 1


def test_rate_jobs_are_only_followed_when_some_are_queued(setup):
    engine, box, _ = setup
    jobs = SyncJobs(engine)
    try:
        assert jobs.rate_jobs_pending(box.property_id) is False
    finally:
        jobs.close()
