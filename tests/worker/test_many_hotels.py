"""Many hotels, many workers: 3 worker processes serve 6 databases, one is SIGKILLed mid-run.

Each database (SQLite files, and MariaDB databases) is one hotel with its own sandbox property and
credentials. The processes stand for three machines (``PMS_HOST_ID``), so the killed one's leases
are not recognised as dead by pid and must expire: its databases are taken over within one lease
period, its interrupted full sync is run again at once, and in the end every database equals its
sandbox (changes made before and after the kill, announced by webhook events) with no property
ever synced by two workers at once.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from conftest import WAIT_SCALE  # the root tests/conftest.py

from pms.config import PROJECT_ROOT
from pms.db import leases, schema
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.setup import ensure_schema
from pms.webhooks import store
from pms.webhooks.events import parse_event
from tests.reliability.truth import compare

HOTELS = 6
WORKERS = 3
LEASE_S = 6.0
RENEW_S = LEASE_S / 6  # what pms.worker.group.worker_config derives from --lease-seconds


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout * WAIT_SCALE
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout * WAIT_SCALE:.0f} s: {what}")
        time.sleep(interval)


def _mutate(box, count: int) -> list[dict]:
    """Change reservations in the sandbox (what the front desk does in Cloudbeds)."""
    return requests.post(f"{box.root_url}/_sandbox/mutate", json={"count": count}, timeout=30).json()[
        "mutations"
    ]


def _announce(engine, box, mutations: list[dict], n0: int) -> int:
    """Store the webhook events Cloudbeds sends for ``mutations`` (as the receiver would)."""
    for n, item in enumerate(mutations):
        event = "reservation/created" if item["kind"] == "create" else "reservation/status_changed"
        body = {
            "event": event,
            "timestamp": 1795602710.0 + n0 + n,
            "propertyID_str": box.property_id,
            "reservationID": item["reservationID"],
        }
        store.record(engine, parse_event(body), json.dumps(body))
    return len(mutations)


def _holder(engine, pid) -> str | None:
    info = leases.lease_info(engine, pid, leases.WORKER_LEASE)
    return info.owner if info.held else None


def _log(engine, pid) -> list:
    t = schema.cloudbed_sync_log
    with engine.connect() as conn:
        return conn.execute(
            sa.select(t.c.mode, t.c.status, t.c.started_at, t.c.finished_at, t.c.duration_ms)
            .where(t.c.property_id == pid)
            .order_by(t.c.id)
        ).all()


def _settled(engine, pid) -> bool:
    runs = _log(engine, pid)
    ev = schema.cloudbed_webhook_events
    with engine.connect() as conn:
        waiting = conn.execute(
            sa.select(sa.func.count()).where(ev.c.status.in_(("pending", "processing")))
        ).scalar()
    return (
        waiting == 0
        and not any(r.status == "running" for r in runs)
        and any(r.mode == "full" and r.status == "completed" for r in runs)
    )


@pytest.fixture(params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def hotel_urls(request, tmp_path):
    """Six empty databases: SQLite files, or throwaway MariaDB databases."""
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / f'hotel{n}.sqlite3'}" for n in range(HOTELS)]
        return
    admin = request.getfixturevalue("mysql_admin")
    names = [f"pms_t_{os.getpid()}_{uuid.uuid4().hex[:10]}" for _ in range(HOTELS)]
    with admin.begin() as conn:
        for name in names:
            conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    yield [admin.url.set(database=name).render_as_string(hide_password=False) for name in names]
    with admin.begin() as conn:
        for name in names:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def hotels(tmp_path, sandbox_factory, monkeypatch, hotel_urls):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("PMS_SECRET_KEY", key)
    out = []
    for n, url in enumerate(hotel_urls):
        box = sandbox_factory(seed=100 + n, reservations=80, rate_limit=5.0)
        # A slow network for the first calls (answers after 1 s), so the first reconciles are still
        # running when the test looks for one to interrupt, however busy the machine.
        fault = {"endpoint": "*", "kind": "timeout", "delay": 1.0, "times": 4, "after": 1}
        requests.post(f"{box.root_url}/_sandbox/faults", json=fault, timeout=30).raise_for_status()
        engine = make_engine(url)
        ensure_schema(engine)
        CredentialStore(engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
        out.append((url, engine, box))
    listing = tmp_path / "workers.toml"
    listing.write_text(
        "".join(f'[[database]]\nname = "hotel{n}"\nurl = "{url}"\n\n' for n, (url, _, _) in enumerate(out))
    )
    yield out, listing, key
    for _, engine, _ in out:
        engine.dispose()


def _start_worker(n: int, listing, key, tmp_path) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMS_")},
        "PMS_SECRET_KEY": key,
        "PMS_HOST_ID": f"machine-{n}",
        "PMS_DATA_DIR": str(tmp_path / f"data{n}"),
        "PMS_TEST_MODE": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "pms", "worker", "--config", str(listing), "--lease-seconds", str(LEASE_S)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / f"worker{n}.log").open("w"),
    )


def test_three_workers_six_hotels_one_killed(hotels, tmp_path):
    dbs, listing, key = hotels
    procs = [_start_worker(n, listing, key, tmp_path) for n in range(WORKERS)]
    try:
        # Every hotel gets a worker, and some full reconcile is under way.
        wait_for(lambda: all(_holder(e, b.property_id) for _, e, b in dbs), 30, "every hotel leased")

        def victim_hotels():
            for _, e, b in dbs:
                if any(r.status == "running" and r.mode == "full" for r in _log(e, b.property_id)):
                    owner = _holder(e, b.property_id) or ""
                    host = owner.split(":")[0]
                    return host, [
                        (e, bb)
                        for _, e, bb in dbs
                        if (_holder(e, bb.property_id) or "").startswith(host + ":")
                    ]
            return None

        host, theirs = wait_for(victim_hotels, 60, "a full sync running")
        # Bookings change in Cloudbeds while the reconciles run; then one machine dies.
        during = [_mutate(b, 8) for _, _, b in dbs]
        victim = procs[int(host.rsplit("-", 1)[1])]
        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        victim.wait(30)
        # Their webhook events arrive (stored by the receiver) while the takeover happens.
        sent = sum(_announce(e, b, m, 0) for (_, e, b), m in zip(dbs, during, strict=True))
        taken: dict[str, float] = {}

        def all_taken() -> bool:
            for e, b in theirs:
                owner = _holder(e, b.property_id)
                if b.property_id not in taken and owner and not owner.startswith(host + ":"):
                    taken[b.property_id] = time.monotonic() - killed_at
            return len(taken) == len(theirs)

        wait_for(all_taken, LEASE_S * 3, "the killed worker's hotels taken over", interval=0.05)
        # Within one lease period of its last renewal, plus the survivors' renewal interval and
        # some scheduling slack on a busy machine.
        assert max(taken.values()) <= LEASE_S + RENEW_S + 1.0 * WAIT_SCALE, taken
        sent += sum(_announce(e, b, _mutate(b, 8), 100) for _, e, b in dbs)
        for _, e, b in dbs:
            wait_for(lambda e=e, b=b: _settled(e, b.property_id), 120, f"hotel {b.property_id} settled")
        assert sent > 0
        for _, e, b in dbs:
            runs = [r for r in _log(e, b.property_id) if r.finished_at is not None]
            # No two runs of one property overlap (timestamps have 1 s resolution on MariaDB). A run
            # its worker's death interrupted has no duration: it is closed by the next run, and it
            # ended when its process did, so it counts up to its start only.
            spans = sorted(
                (r.finished_at - timedelta(milliseconds=r.duration_ms), r.finished_at)
                if r.duration_ms is not None
                else (r.started_at, r.started_at)
                for r in runs
            )
            for (_, end), (start, _) in itertools.pairwise(spans):
                assert end <= start + timedelta(seconds=1), (
                    f"two syncs of {b.property_id} overlapped: {spans}"
                )
            truth = requests.get(
                f"{b.root_url}/_sandbox/reservations", params={"limit": 1000}, timeout=30
            ).json()["data"]
            diff = compare(e, b.property_id, truth)
            assert diff.ok, (b.property_id, diff)
        # The interrupted reconcile was repeated by whoever took over, not left for the schedule.
        for e, b in theirs:
            modes = [(r.mode, r.status) for r in _log(e, b.property_id)]
            assert ("full", "completed") in modes, modes
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
    survivors = [p for p in procs if p is not victim]
    logs = [(tmp_path / f"worker{n}.log").read_text()[-2000:] for n in range(WORKERS)]
    assert all(p.returncode == 0 for p in survivors), logs
