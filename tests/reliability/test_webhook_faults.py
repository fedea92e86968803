"""API faults while webhook events are processed: survived, or retried later; never applied half.

Events about bookings the sandbox changed are stored as the receiver stores them, then the
worker's real applier (``pms.worker.jobs.SyncJobs``: stored credentials, the API log, the sync
engine's ``refresh_reservations``) processes them while the sandbox fails: a transient fault is
retried within the call and every change lands; a lasting one leaves the events pending for a
later attempt (never marked processed), and that attempt, once the API is back, makes the
database equal the sandbox.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.setup import setup_database
from pms.db.types import utcnow
from pms.webhooks import store
from pms.webhooks.events import parse_event
from pms.webhooks.processor import Processor
from pms.worker.jobs import SyncJobs

from .helpers import Admin
from .truth import compare

AREA = "API faults during webhook processing"
PAGE = "getReservationsWithRateDetails"


@pytest.fixture
def world(sqlite_engine, sandbox_factory):
    box = sandbox_factory(reservations=120, rate_limit=None)
    assert setup_database(sqlite_engine).ok
    CredentialStore(sqlite_engine).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url
    )
    jobs = SyncJobs(sqlite_engine)
    assert jobs.run(box.property_id, "full").status == "completed"
    yield box, sqlite_engine, jobs
    jobs.close()


def _deliver(engine, box, ids):
    for n, rid in enumerate(ids):
        body = {
            "version": "1.0",
            "event": "reservation/status_changed",
            "timestamp": time.time() + n / 1000,
            "propertyID_str": box.property_id,
            "reservationID": rid,
        }
        store.record(engine, parse_event(body), json.dumps(body))


def _statuses(engine) -> dict[str, int]:
    t = schema.cloudbed_webhook_events
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(t.c.status, sa.func.count()).group_by(t.c.status)).all())


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "http_500", "times": 2},
        {"kind": "http_429", "times": 2},
        {"kind": "malformed_json", "times": 1},
    ],
    ids=lambda f: f["kind"],
)
def test_transient_faults_are_retried_and_every_change_lands(world, fault, tally):
    box, engine, jobs = world
    admin = Admin(box)
    admin.call("POST", "clock", {"advance": 2})
    changed = admin.call("POST", "mutate", {"count": 8, "kinds": ["modify", "dates", "guest", "cancel"]})[
        "changed"
    ]
    _deliver(engine, box, changed)
    admin.fault(PAGE, **fault)
    Processor(engine, jobs).process(box.property_id)
    tally.add(AREA, faults_injected=sum(admin.served().values()), runs=1)
    diff = compare(engine, box.property_id, admin.truth())
    tally.add(AREA, records_lost=diff.missing + diff.stale, duplicates=diff.duplicates)
    assert diff.ok, diff
    assert _statuses(engine) == {"processed": len(changed)}


def test_a_lasting_fault_leaves_the_events_for_later_and_later_converges(world, tally):
    box, engine, jobs = world
    admin = Admin(box)
    admin.call("POST", "clock", {"advance": 2})
    changed = admin.call("POST", "mutate", {"count": 8, "kinds": ["modify", "dates", "guest", "cancel"]})[
        "changed"
    ]
    _deliver(engine, box, changed)
    admin.fault(PAGE, "success_false", times=100, message="Cloudbeds is under maintenance")
    Processor(engine, jobs).process(box.property_id)
    tally.add(AREA, faults_injected=sum(admin.served().values()), runs=1)
    statuses = _statuses(engine)
    assert "processed" not in statuses and statuses.get("pending", 0) + statuses.get("failed", 0) == len(
        changed
    )
    admin.clear_faults()
    Processor(engine, jobs).process(
        box.property_id, now=utcnow() + timedelta(hours=1)
    )  # past the retry delay
    tally.add(AREA, runs=1)
    diff = compare(engine, box.property_id, admin.truth())
    tally.add(AREA, records_lost=diff.missing + diff.stale, duplicates=diff.duplicates)
    assert diff.ok, diff
    assert _statuses(engine) == {"processed": len(changed)}
