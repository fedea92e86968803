"""Taking a property over from a worker on another machine that stopped: what it left is cleared.

A worker killed mid-run leaves its expired worker lease, the sync lease of its run (ten minutes
long), a ``running`` sync-log row and claimed webhook events. Whoever takes the worker lease clears
the sync lease and the claims and repeats the interrupted run at once; a live holder's lease and a
cleanly released one are left alone.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import sqlalchemy as sa

from pms.db import leases, schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.webhooks import store
from pms.webhooks.events import parse_event
from pms.worker import Worker

from .test_loop import FAST, PID, LoggedJobs

DEAD = "machine-b:4242"


def _leave_behind(engine, *, expired: bool = True) -> None:
    now = utcnow()
    leases.take(
        engine,
        PID,
        leases.WORKER_LEASE,
        f"{DEAD}:worker:aaaa",
        timedelta(seconds=60),
        now=now - timedelta(seconds=120 if expired else 0),
    )
    leases.take(engine, PID, leases.SYNC_LEASE, f"{DEAD}:auto full sync:bbbb", leases.SYNC_LEASE_TTL)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_sync_log).values(
                property_id=PID,
                sync_type="reservations",
                trigger="auto",
                mode="full",
                status="running",
                started_at=now - timedelta(seconds=90),
            )
        )
    body = {
        "event": "reservation/created",
        "timestamp": 1795602710.0,
        "propertyID_str": PID,
        "reservationID": "1",
    }
    store.record(engine, parse_event(body), json.dumps(body))
    assert len(store.claim(engine, PID)) == 1  # the dead worker had claimed it


def _worker(engine, runs):
    Settings(engine).set_many({"cloudbed_sync_interval": 5, "cloudbed_active": True})
    return Worker(
        engine,
        LoggedJobs(engine, "survivor", runs, threading.Lock()),
        properties=lambda: [PID],
        config=FAST,
        owner="machine-a:77:worker:cccc",
    )


def _statuses(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.select(schema.cloudbed_webhook_events.c.status))]


def test_the_survivor_clears_the_dead_workers_run_and_claims_and_repeats_its_run(sdb):
    _leave_behind(sdb)
    runs: list = []
    worker = _worker(sdb, runs)
    assert worker.renew_leases() == {PID}
    assert leases.holder(sdb, PID, leases.SYNC_LEASE) is None
    assert _statuses(sdb) == ["pending"]
    # The interrupted reconcile is repeated now, not a backoff or an interval later.
    assert worker.sync_if_due(PID) == "full"
    assert [name for name, _, _ in runs] == ["survivor"]


def test_a_live_holder_keeps_everything(sdb):
    _leave_behind(sdb, expired=False)
    worker = _worker(sdb, [])
    assert worker.renew_leases() == set()
    assert leases.holder(sdb, PID, leases.SYNC_LEASE).owner.startswith(DEAD)
    assert _statuses(sdb) == ["processing"]
