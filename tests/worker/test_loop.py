"""The worker loop: leases shared by several workers, errors survived, clean stops.

The sync engine is stood in for by ``LoggedJobs``, which records each run in ``cloudbed_sync_log``
the way the engine does, so the real schedule drives it; tests/server/test_realtime.py runs the
real engine.
"""

from __future__ import annotations

import itertools
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import leases, schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.worker import Worker, WorkerConfig

PID = "254042"
FAST = WorkerConfig(
    lease_ttl=timedelta(seconds=2),
    renew_every=0.2,
    event_poll=0.05,
    schedule_every=0.05,
    alerts_every=3600,
    retention_every=3600,
    rate_jobs_every=3600,
    max_backoff=0.2,
)


class LoggedJobs:
    """Records runs (who, start, end) and writes them to the sync log like the engine."""

    runs: list[tuple[str, float, float]]

    def __init__(self, engine, name, runs, lock, fail_first=0, seconds=0.05):
        self.engine, self.name, self.runs, self.lock = engine, name, runs, lock
        self.fail_first, self.seconds = fail_first, seconds

    def run(self, pid, mode):
        start = time.monotonic()
        if self.fail_first > 0:
            self.fail_first -= 1
            raise RuntimeError("no network")
        started = utcnow()
        time.sleep(self.seconds)
        with self.engine.begin() as conn:
            conn.execute(
                sa.insert(schema.cloudbed_sync_log).values(
                    property_id=pid,
                    sync_type="reservations",
                    trigger="auto",
                    mode=mode,
                    status="completed",
                    started_at=started,
                    finished_at=utcnow(),
                )
            )
        with self.lock:
            self.runs.append((self.name, start, time.monotonic()))

    def rate_jobs_pending(self, pid):
        return False

    def reservations(self, pid, ids):
        return None

    def guests(self, pid, ids, reservation_ids=(), since=None):
        return None

    def rate_jobs(self, pid):
        return None


@pytest.fixture
def worker_db(db):
    """``db`` syncing every 5 minutes; the first run is the property's first full reconcile."""
    Settings(db).set_many({"cloudbed_sync_interval": 5, "cloudbed_active": True})
    return db


def _wait(predicate, timeout=15.0):
    from conftest import WAIT_SCALE  # the root tests/conftest.py

    deadline = time.monotonic() + timeout * WAIT_SCALE
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met")
        time.sleep(0.02)


def test_two_workers_never_work_one_property_at_once(worker_db):
    runs, lock = [], threading.Lock()
    workers = [
        Worker(
            worker_db,
            LoggedJobs(worker_db, f"w{i}", runs, lock, seconds=0.3),
            properties=lambda: [PID],
            config=FAST,
            owner=f"w{i}",
        )
        for i in range(2)
    ]
    for w in workers:
        w.start()
    try:
        _wait(lambda: len(runs) >= 1)
        holders = [w for w in workers if PID in w.held]
        assert len(holders) == 1
        first = holders[0]
        # Force more runs: clear the log so the schedule thinks a reconcile is due again.
        for _ in range(3):
            with worker_db.begin() as conn:
                conn.execute(sa.delete(schema.cloudbed_sync_log))
            n = len(runs)
            _wait(lambda n=n: len(runs) > n)
        # The holder stops: the other takes over after the lease expires.
        first.stop()
        with worker_db.begin() as conn:
            conn.execute(sa.delete(schema.cloudbed_sync_log))
        other = next(w for w in workers if w is not first)
        _wait(lambda: PID in other.held)
        _wait(lambda: any(name == other.owner for name, _, _ in runs))
    finally:
        for w in workers:
            w.stop()
    spans = sorted((s, e) for _, s, e in runs)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans)), (
        "two runs overlapped"
    )
    assert {name for name, _, _ in runs} == {"w0", "w1"}
    assert leases.holder(worker_db, PID, leases.WORKER_LEASE) is None  # released on stop


def test_the_worker_survives_errors_and_backs_off(worker_db):
    runs, lock = [], threading.Lock()
    worker = Worker(
        worker_db, LoggedJobs(worker_db, "w", runs, lock, fail_first=2), properties=lambda: [PID], config=FAST
    )
    worker.start()
    try:
        _wait(lambda: len(runs) == 1)
        assert worker.stats.errors == 2 and "no network" in worker.stats.last_error
        assert worker.is_alive()
    finally:
        worker.stop()
    assert not worker.is_alive()


def test_a_restarted_worker_does_not_rerun_what_the_last_one_did(worker_db):
    runs, lock = [], threading.Lock()
    first = Worker(
        worker_db, LoggedJobs(worker_db, "a", runs, lock), properties=lambda: [PID], config=FAST
    ).start()
    _wait(lambda: len(runs) == 1)  # the first reconcile; the next incremental is 5 minutes later
    first.stop()
    second = Worker(
        worker_db, LoggedJobs(worker_db, "b", runs, lock), properties=lambda: [PID], config=FAST
    ).start()
    time.sleep(1.0)
    second.stop()
    assert [name for name, _, _ in runs] == ["a"]
    with worker_db.connect() as conn:
        modes = [
            m
            for (m,) in conn.execute(
                sa.select(schema.cloudbed_sync_log.c.mode).order_by(schema.cloudbed_sync_log.c.id)
            )
        ]
    assert modes == ["full"]


def test_a_switched_off_integration_is_left_alone(worker_db):
    Settings(worker_db).set("cloudbed_active", False)
    runs, lock = [], threading.Lock()
    worker = Worker(
        worker_db, LoggedJobs(worker_db, "w", runs, lock), properties=lambda: [PID], config=FAST
    ).start()
    time.sleep(0.5)
    worker.stop()
    assert runs == []
