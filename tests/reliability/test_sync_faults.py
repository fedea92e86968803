"""API faults during real sync runs: each completes after retries, or fails cleanly and loses nothing.

Each scenario syncs a 250-reservation sandbox fully, mutates it, queues faults, and runs a full
sync through ``pms.sync.run_sync`` with a client whose backoff sleeps on a fake clock (so a
storm of retries costs no wall time; the HTTP and the database are real). Then:
- a transient fault (429s with and without Retry-After, 500s, one malformed answer, one timeout)
  must be survived: the run completes and the database equals the sandbox;
- a lasting fault (an outage, ``success:false`` on every page, a revoked key) must fail the run
  with a short readable error in the result and in ``cloudbed_sync_log``, no secret in it;
- either way, once the faults are gone an *incremental* run brings the database to the sandbox,
  which it could not if a failed run had moved a cursor past data it never processed.
The same is checked through ``python -m pms sync`` for the exit status.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from pms.cloudbeds import ApiKeyAuth
from pms.config import PROJECT_ROOT
from pms.db import schema
from pms.sync import SyncContext, SyncRequest, run_sync

from .conftest import SOAK
from .helpers import Admin, FakeTime, client_for
from .truth import compare

AREA = "API faults during sync"
PAGE = "getReservationsWithRateDetails"
TRANSIENT = {
    "429 storm, no Retry-After": [{"endpoint": "*", "kind": "http_429", "times": 4}],
    "429 with Retry-After": [{"endpoint": PAGE, "kind": "http_429", "times": 3, "retry_after": 2}],
    "500 on page 2": [{"endpoint": PAGE, "kind": "http_500", "times": 2, "after": 1}],
    "503 from the load balancer": [{"endpoint": PAGE, "kind": "http_503", "times": 2, "after": 2}],
    "malformed JSON on page 2": [{"endpoint": PAGE, "kind": "malformed_json", "after": 1}],
    "timeout on page 3": [{"endpoint": PAGE, "kind": "timeout", "after": 2, "delay": 2.5}],
}
LASTING = {
    "outage (503 on every call)": [{"endpoint": PAGE, "kind": "http_503", "times": 100, "after": 1}],
    "success:false on every page": [
        {
            "endpoint": PAGE,
            "kind": "success_false",
            "times": 100,
            "after": 1,
            "message": "User who approved this connection is not active anymore",
        }
    ],
    "token revoked mid-run": [{"endpoint": PAGE, "kind": "revoke_token", "after": 1}],
}
if not SOAK:  # make test: the cheaper half of the transient list
    TRANSIENT = {
        k: v
        for k, v in TRANSIENT.items()
        if k
        in ("429 storm, no Retry-After", "500 on page 2", "malformed JSON on page 2", "timeout on page 3")
    }


@pytest.fixture
def sandbox_config() -> dict:
    return {"reservations": 250}


def _ctx(db, box, key=None, fake=None):
    client = client_for(box, fake or FakeTime(), timeout=1.0, auth=ApiKeyAuth(key or box.api_key))
    return SyncContext(db, client)


def _converged(db, box, admin, tally, label):
    diff = compare(db, box.property_id, admin.truth())
    tally.add(AREA, records_lost=diff.missing + diff.stale, duplicates=diff.duplicates)
    assert diff.ok, f"{label}: {diff}"


def _last_log(db) -> dict:
    t = schema.cloudbed_sync_log
    with db.connect() as conn:
        return dict(conn.execute(sa.select(t).order_by(t.c.id.desc()).limit(1)).mappings().one())


def _scenario(db, box, name, faults, tally, *, lasting):
    admin = Admin(box)
    key = admin.call("POST", "api-keys", {"scopes": sorted(_all_scopes()), "label": "sync"})["api_key"]
    ctx = _ctx(db, box, key)
    assert run_sync(ctx, SyncRequest(mode="full")).status == "completed"
    admin.call(
        "POST", "mutate", {"count": 25, "kinds": ["create", "modify", "cancel", "dates", "guest", "delete"]}
    )
    admin.call("POST", "faults", {"faults": faults})
    result = run_sync(ctx, SyncRequest(mode="full"))
    served = sum(admin.served().values())
    tally.add(AREA, faults_injected=served, runs=1)
    assert served > 0, "the fault never fired"
    log = _last_log(db)
    if lasting:
        assert result.status == "failed", (name, result.status)
        assert result.error and len(result.error) < 600 and "Traceback" not in result.error
        assert key not in result.error and box.api_key not in result.error
        assert log["status"] == "failed" and log["error_details"]
        assert key not in log["error_details"]
    else:
        assert result.status == "completed", (name, result.error)
        _converged(db, box, admin, tally, f"{name}: the run itself")
    admin.clear_faults()
    # The faults are gone: an incremental run (cursor-driven) must reach the sandbox's state.
    after = run_sync(_ctx(db, box), SyncRequest(mode="incremental"))
    tally.add(AREA, runs=1)
    assert after.status == "completed", after.error
    _converged(db, box, admin, tally, f"{name}: the incremental run after it")


def _all_scopes():
    from pms.sandbox.auth import ALL_SCOPES

    return ALL_SCOPES


@pytest.mark.parametrize("name", list(TRANSIENT))
def test_transient_faults_are_survived(db, box, name, tally):
    _scenario(db, box, name, TRANSIENT[name], tally, lasting=False)


@pytest.mark.parametrize("name", list(LASTING))
def test_lasting_faults_fail_cleanly_and_lose_nothing(db, box, name, tally):
    _scenario(db, box, name, LASTING[name], tally, lasting=True)


def test_the_cli_exits_non_zero_with_a_readable_error(sqlite_url, box, tally):
    admin = Admin(box)

    def pms(*args):
        return subprocess.run(
            [sys.executable, "-m", "pms", *args, "--db", sqlite_url],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert pms("credentials", "set", "--api-key", box.api_key, "--api-base", box.base_url).returncode == 0
    admin.fault(PAGE, "success_false", times=100, message="Property is not active")
    run = pms("sync", "--full", "--json")
    tally.add(AREA, faults_injected=sum(admin.served().values()), runs=1)
    assert run.returncode == 1
    payload = json.loads(run.stdout.strip().splitlines()[-1])
    assert payload["status"] == "failed" and "Property is not active" in payload["error"]
    assert "Traceback" not in run.stderr and box.api_key not in run.stdout + run.stderr
    admin.clear_faults()
    again = pms("sync", "--incremental", "--json")
    tally.add(AREA, runs=1)
    assert again.returncode == 0, again.stderr[-1500:]
