"""End to end: front-desk activity in the sandbox reaches ``reservasi`` through the webhook path.

Real server (``python -m pms serve``), real sandbox, real database, real sync engine; nothing is
synced by hand.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
import sqlalchemy as sa

from pms.config import PROJECT_ROOT
from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine, reader
from pms.db.settings import Settings
from pms.db.setup import ensure_schema
from pms.webhooks.subscriptions import NEEDED_EVENTS

from .helpers import ServerProcess, wait_for
from .realtime_helpers import differences, reservation_count, webhook_api_calls


def _root(server) -> str:
    return server.demo_base_url().rsplit("/api/", 1)[0]


def _events(engine, *, status: str | None = None, unprocessed: bool = False) -> int:
    """Count stored events; a fresh read-only connection per call (a long-held SQLite
    transaction would block the server's writes)."""
    ev = schema.cloudbed_webhook_events
    query = sa.select(sa.func.count()).select_from(ev)
    if status:
        query = query.where(ev.c.status == status)
    if unprocessed:
        query = query.where(ev.c.status != "processed")
    with reader(engine).connect() as conn:
        return conn.execute(query).scalar()


def _row(engine, rid: str) -> tuple:
    r = schema.reservasi
    with reader(engine).connect() as conn:
        return tuple(
            conn.execute(
                sa.select(r.c.status, r.c.sync_status, r.c.sync_error, r.c.cloudbed_updated_at).where(
                    r.c.cloudbed_reservation_id == rid
                )
            ).one()
        )


def _mutate(root: str, **body) -> list[str]:
    return requests.post(f"{root}/_sandbox/mutate", json=body, timeout=60).json()["changed"]


@pytest.fixture
def demo(tmp_path, db_url, monkeypatch):
    """A demo-mode server on SQLite or MariaDB whose first reconcile has finished."""
    server = ServerProcess(db_url, tmp_path, env={"PMS_DEMO_RATE_LIMIT": "5"})
    monkeypatch.setenv("PMS_SECRET_KEY", server.secret_key)
    server.start()
    engine = make_engine(db_url)
    root = _root(server)
    try:
        wait_for(lambda: server.health()["last_successful_sync"], timeout=60)
        # The demo's webhooks are subscribed in the background at start-up.
        wait_for(
            lambda: (
                requests.get(f"{root}/_sandbox/state", timeout=10).json()["webhooks"]["subscriptions"] >= 12
            ),
            timeout=60,
        )
    except AssertionError as exc:
        server.stop()
        raise AssertionError(f"{exc}; server log:\n{server.log()[-4000:]}") from None
    yield server, engine, root
    server.stop()
    engine.dispose()


def test_a_front_desk_booking_arrives_through_the_webhook_path(demo):
    _server, engine, root = demo
    before = reservation_count(engine)
    ids = _mutate(root, count=3, kinds=["create"])
    wait_for(lambda: not differences(engine, root, ids), timeout=20)
    assert reservation_count(engine) == before + 3
    # The events are settled right after the rows are written.
    wait_for(lambda: _events(engine, unprocessed=True) == 0)
    with reader(engine).connect() as conn:
        triggers = {t for (t,) in conn.execute(sa.select(schema.cloudbed_sync_log.c.trigger))}
    assert triggers == {"auto", "webhook"}  # the first reconcile, then webhook re-reads only


def test_a_burst_is_applied_with_far_fewer_calls_than_events(demo):
    _server, engine, root = demo
    calls_before = webhook_api_calls(engine)
    ids = _mutate(root, count=200, kinds=["create", "modify", "cancel", "dates", "guest"])
    wait_for(lambda: not differences(engine, root, sorted(set(ids))), timeout=60)
    events = wait_for(
        lambda: (lambda n: n if n >= 200 else None)(
            requests.get(f"{root}/_sandbox/state", timeout=10).json()["webhooks"]["ok"]
        ),
        timeout=30,
    )
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(schema.cloudbed_webhook_events)).scalar()
    wait_for(lambda: webhook_api_calls(engine) > calls_before)
    calls = webhook_api_calls(engine) - calls_before
    assert stored >= 200 and events >= 200
    assert calls * 10 <= events, f"{calls} API calls for {events} events"


def test_duplicates_and_reordering_neither_double_apply_nor_regress(demo):
    server, engine, root = demo
    token = Settings(engine).secret("cloudbed_webhook_token")
    (rid,) = _mutate(root, count=1, kinds=["create"])
    wait_for(lambda: not differences(engine, root, [rid]), timeout=20)
    (cancelled,) = _mutate(root, count=1, kinds=["cancel"])
    wait_for(lambda: not differences(engine, root, [cancelled]), timeout=20)
    after_cancel = _row(engine, cancelled)
    prop = Settings(engine).get("pms_demo_property_id")
    count = reservation_count(engine)
    # Replays: the created event ten times, and an old "confirmed" status after the cancel.
    created = {
        "version": "1.0",
        "event": "reservation/created",
        "timestamp": 1700000000.5,
        "propertyID": int(prop),
        "propertyID_str": prop,
        "reservationID": rid,
    }
    stale = {
        "version": "1.0",
        "event": "reservation/status_changed",
        "timestamp": 1600000000.25,
        "propertyID": int(prop),
        "propertyID_str": prop,
        "reservationID": cancelled,
        "status": "confirmed",
    }
    answers = [server.post_webhook(token, created).json() for _ in range(10)]
    answers.append(server.post_webhook(token, stale).json())
    assert [a["duplicate"] for a in answers] == [False] + [True] * 9 + [False]
    wait_for(lambda: _events(engine, unprocessed=True) == 0, timeout=20)
    assert reservation_count(engine) == count
    assert differences(engine, root, [rid, cancelled]) == []
    # The stale "confirmed" event did not move the row back (canceled, or confirmed and flagged when
    # the booking was paid: domain rule 6).
    assert _row(engine, cancelled) == after_cancel


def _pms(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pms", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_events_survive_a_restart_and_a_separate_worker_applies_them(
    tmp_path, sqlite_url, sandbox_factory, monkeypatch
):
    """Real credentials, PMS_WORKER=external: the server only receives; `worker --once` applies."""
    import os

    box = sandbox_factory(rate_limit=None, webhook_retry_interval=0.2)
    server = ServerProcess(sqlite_url, tmp_path, env={"PMS_WORKER": "external"})
    monkeypatch.setenv("PMS_SECRET_KEY", server.secret_key)
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    CredentialStore(engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    server.start()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMS_")},
        "PMS_DATABASE_URL": sqlite_url,
        "PMS_SECRET_KEY": server.secret_key,
        "PMS_DATA_DIR": str(tmp_path / "data"),
    }
    try:
        sub = _pms("webhooks", "subscribe", "--public-url", server.url, env=env)
        assert sub.returncode == 0, sub.stderr
        needed = len(NEEDED_EVENTS)
        assert f"{needed} created" in sub.stdout and "/webhooks/cloudbeds/••••" in sub.stdout
        token = Settings(engine).secret("cloudbed_webhook_token")
        assert token not in sub.stdout + sub.stderr
        listed = _pms("webhooks", "list", "--public-url", server.url, env=env)
        assert listed.stdout.count("\tcurrent\t") == needed and token not in listed.stdout
        health = requests.get(f"{server.url}/healthz", timeout=10)
        assert health.status_code == 503  # no worker has beaten yet: degraded
        assert health.json() == {
            **health.json(),
            "status": "degraded",
            "database": True,
            "worker": False,
        }
        assert "demo_sandbox" not in health.json()
        ids = _mutate(box.root_url, count=5, kinds=["create"])
        wait_for(lambda: _events(engine, status="pending") >= 10, timeout=20)
    finally:
        server.stop()
    assert reservation_count(engine) == 0  # nothing applied without a worker
    done = _pms("worker", "--once", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "webhook event(s) applied" in done.stdout
    assert differences(engine, box.root_url, ids) == []
    assert _events(engine, unprocessed=True) == 0
    again = _pms("worker", "--once", env=env)  # resumes: nothing left, and the reconcile is not repeated
    assert again.returncode == 0 and "applied" not in again.stdout
    with engine.connect() as conn:
        fulls = conn.execute(
            sa.select(sa.func.count()).where(schema.cloudbed_sync_log.c.mode == "full")
        ).scalar()
    assert fulls == 1
    removed = _pms("webhooks", "unsubscribe", env=env)
    assert f"removed {len(NEEDED_EVENTS)}" in removed.stdout
    engine.dispose()


def test_two_workers_started_together_never_sync_one_property_at_once(
    tmp_path, db_url, sandbox_factory, monkeypatch
):
    import os

    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("PMS_SECRET_KEY", key)
    box = sandbox_factory(rate_limit=5.0)
    engine = make_engine(db_url)
    ensure_schema(engine)
    CredentialStore(engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMS_")},
        "PMS_DATABASE_URL": db_url,
        "PMS_SECRET_KEY": key,
        "PMS_DATA_DIR": str(tmp_path / "data"),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pms", "worker", "--once"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    # Usually one finds the lease taken; if the first finished before the second looked, the second
    # finds nothing due. Either way exactly one reconcile ran.
    assert sum("another worker holds" in err for _, err in outs) <= 1
    log = schema.cloudbed_sync_log
    r = schema.reservasi
    with reader(engine).connect() as conn:
        runs = conn.execute(sa.select(log.c.mode, log.c.status)).all()
        dupes = conn.execute(
            sa.select(r.c.cloudbed_reservation_id)
            .group_by(r.c.cloudbed_reservation_id)
            .having(sa.func.count() > 1)
        ).all()
    assert runs == [("full", "completed")] and dupes == []
    assert reservation_count(engine) == 120
    engine.dispose()
