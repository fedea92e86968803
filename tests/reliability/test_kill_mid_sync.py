"""SIGKILL a ``python -m pms sync --full`` at random points, rerun, and find nothing lost.

The sandbox holds 5,000 reservations and there are 10 kill points per backend under ``PMS_SOAK=1``
(``make soak``); ``make test`` uses 1,500 reservations and one point per backend. Each round starts
a full sync in a subprocess, kills it with SIGKILL once the sandbox has answered a random number of
its API calls, mutates the sandbox (new, changed, cancelled, re-dated, deleted bookings and changed
guests), then reruns — incremental and full in turn — and counts missing, duplicate and stale
reservations, rooms and guests against the sandbox's truth. An incremental rerun that misses data
means a cursor moved past unprocessed data, so the alternation also checks the cursors.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

import pytest
import requests

from pms.config import PROJECT_ROOT
from pms.db.engine import make_engine

from .conftest import soak
from .helpers import Admin
from .truth import compare

AREA = "kill mid-sync"
RESERVATIONS = soak(1500, 5000)  # 5,000 in make soak; make test keeps its minute
ROUNDS = soak(1, 10)  # kill points per backend: 2 in make test, 20 in make soak (SQLite and MariaDB)
PAGES = RESERVATIONS // 100 + 6  # the calls of one full sync: catalogue, then a page per 100 bookings


@pytest.fixture(scope="module")
def big_box():
    from pms.sandbox import Sandbox, SandboxConfig

    box = Sandbox(SandboxConfig(seed=7, reservations=RESERVATIONS, rate_limit=None)).start()
    yield box
    box.stop()


def pms(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pms", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _requests_seen(box) -> int:
    return int(requests.get(f"{box.root_url}/_sandbox/state", timeout=10).json()["requests"])


def kill_after_calls(box, db_url: str, calls: int, rng: random.Random) -> int | None:
    """Start a full sync; SIGKILL it once the sandbox has seen ``calls`` more requests.

    Returns the exit status when the sync finished before the kill point, else None.
    """
    start = _requests_seen(box)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pms", "sync", "--full", "--json", "--db", db_url],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and _requests_seen(box) < start + calls and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.15))  # land anywhere between the answer and the next call
        if proc.poll() is not None:
            return proc.returncode
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        return None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _converged(engine, box, admin, tally, label):
    diff = compare(engine, box.property_id, admin.truth())
    tally.add(AREA, records_lost=diff.missing + diff.stale, duplicates=diff.duplicates)
    assert diff.ok, (
        f"{label}: {diff.missing} missing, {diff.duplicates} duplicate, {diff.stale} stale: {diff.examples}"
    )


def _mutate(admin) -> None:
    admin.call(
        "POST", "mutate", {"count": 30, "kinds": ["create", "modify", "cancel", "dates", "guest", "delete"]}
    )


def _sync(mode: str, db_url: str, tally) -> None:
    run = pms("sync", mode, "--json", "--db", db_url)
    tally.add(AREA, runs=1)
    assert run.returncode == 0, (mode, run.stdout[-500:], run.stderr[-2000:])
    assert json.loads(run.stdout.strip().splitlines()[-1])["status"] == "completed"


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_equals_the_sandbox(big_box, db_url, tally):
    admin = Admin(big_box)
    admin.reset()
    rng = random.Random(f"{db_url.split(':')[0]}-{RESERVATIONS}")
    setup = pms(
        "credentials", "set", "--api-key", big_box.api_key, "--api-base", big_box.base_url, "--db", db_url
    )
    assert setup.returncode == 0, setup.stderr
    engine = make_engine(db_url)
    try:
        for round_no in range(ROUNDS):
            finished = kill_after_calls(big_box, db_url, rng.randint(1, PAGES), rng)
            tally.add(AREA, faults_injected=int(finished is None), runs=1)
            _mutate(admin)  # bookings keep changing while the sync is down, as at a real hotel
            mode = "--incremental" if round_no % 2 == 0 else "--full"
            _sync(mode, db_url, tally)
            _converged(engine, big_box, admin, tally, f"round {round_no} after {mode}")
        _mutate(admin)  # and the cursors the reruns left lead the next incremental to every change
        _sync("--incremental", db_url, tally)
        _converged(engine, big_box, admin, tally, "final incremental")
    finally:
        engine.dispose()
