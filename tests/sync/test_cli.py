"""``python -m pms sync`` and ``test-connection`` as a user (cron, a benchmark) runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pms.config import PROJECT_ROOT
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.leases import Lease
from pms.db.setup import setup_database

JSON_KEYS = {"status", "api_calls", "rate_limited", "duration_s", "reservations", "guests", "warnings"}
COUNT_KEYS = {"created", "updated", "unchanged", "deleted", "failed"}


def _pms(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pms", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ},
        check=False,
    )


def _last_json(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def connected(sqlite_url, box):
    """A clean database whose stored credentials point at the sandbox (tables made by the CLI)."""
    engine = make_engine(sqlite_url)
    assert setup_database(engine).ok
    CredentialStore(engine).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    engine.dispose()
    return sqlite_url


def test_sync_json_contract_from_a_clean_database(sqlite_url, box):
    # Only credentials exist: the sync itself installs the tables it needs.
    engine = make_engine(sqlite_url)
    from pms.db import schema

    schema.settings.create(engine)
    CredentialStore(engine).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    engine.dispose()
    full = _pms("sync", "--db", sqlite_url, "--full", "--json")
    assert full.returncode == 0, full.stderr
    out = _last_json(full)
    assert set(out) >= JSON_KEYS and out["status"] == "completed"
    assert set(out["reservations"]) == COUNT_KEYS and out["reservations"]["created"] == 120
    assert out["api_calls"] >= 8 and out["rate_limited"] == 0
    again = _last_json(_pms("sync", "--db", sqlite_url, "--incremental", "--json"))
    assert again["status"] == "completed" and again["api_calls"] <= 3


def test_sync_window_and_dry_run(connected):
    plan = _pms(
        "sync", "--db", connected, "--from", "2026-01-01", "--to", "2026-01-31", "--dry-run", "--json"
    )
    assert plan.returncode == 0, plan.stderr
    out = _last_json(plan)
    assert out["dry_run"] is True and out["status"] == "completed" and "actions" in out
    assert "Plan: window 2026-01-01..2026-01-31" in plan.stderr
    human = _pms("sync", "--db", connected, "--from", "2026-01-01", "--to", "2026-01-31")
    assert human.returncode == 0 and "sync window pull: completed" in human.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--from", "2026-02-30", "--to", "2026-03-01"), "is not a date"),
        (("--from", "2026-03-10", "--to", "2026-03-01"), "swap the dates"),
        (("--from", "2006-01-01", "--to", "2026-01-01"), "too long"),
        (("--to", "2026-03-01", "--incremental"), "--to needs --from"),
        (("--full", "--entities", "reservations,bookings"), "unknown entity bookings"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(connected, args, message):
    proc = _pms("sync", "--db", connected, *args, "--json")
    assert proc.returncode == 64
    out = _last_json(proc)
    assert out["status"] == "failed" and message in out["error"]


def test_a_sync_without_a_mode_is_a_usage_error(connected):
    proc = _pms("sync", "--db", connected)
    assert proc.returncode == 2 and "one of the arguments --full --incremental --from" in proc.stderr


def test_a_second_sync_is_refused_with_exit_code_2(connected, box):
    engine = make_engine(connected)
    lease = Lease(engine, box.property_id, "dashboard full sync").acquire()
    try:
        proc = _pms("sync", "--db", connected, "--incremental", "--json")
    finally:
        lease.release()
        engine.dispose()
    assert proc.returncode == 2
    assert "dashboard full sync" in _last_json(proc)["error"]


def test_test_connection_prints_one_line_per_step(connected):
    proc = _pms("test-connection", "--db", connected)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("[")]
    assert [line[7:31].strip() for line in lines] == [
        "database setup",
        "API connection",
        "property info",
        "reservation read",
        "rates and availability",
    ]
    assert all(line.startswith("[  ok]") for line in lines)
    assert "Omah Sekar Boutique Hotel" in proc.stdout and "120 reservation(s)" in proc.stdout


def test_test_connection_with_a_wrong_key_says_what_to_do(sqlite_url, box):
    engine = make_engine(sqlite_url)
    assert setup_database(engine).ok
    CredentialStore(engine).save_api_key(
        "cbat_" + "x" * 30, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    engine.dispose()
    proc = _pms("test-connection", "--db", sqlite_url, "--json")
    assert proc.returncode == 1
    steps = json.loads(proc.stdout.strip().splitlines()[-1])["steps"]
    assert steps[1]["ok"] is False and "create a new api key" in steps[1]["message"].lower()
    assert all(s["skipped"] for s in steps[2:])
    assert "x" * 30 not in proc.stdout + proc.stderr
