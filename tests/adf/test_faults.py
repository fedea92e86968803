"""A sync killed with SIGKILL while it writes the front desk leaves no duplicate and no half-written
booking, and the rerun converges: a booking, its guest and its link are written in the transaction
of the page that caused them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.setup import setup_database
from tests.sync.helpers import Admin, make_ctx, mismatches

from .helpers import bookings, consistent
from .schemas import create_front_desk
from .steps import ready

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("kind", "variant"),
    [("sqlite", "documented"), pytest.param("mysql", "production", marks=pytest.mark.mysql)],
)
def test_sigkill_mid_sync_leaves_no_duplicate_and_no_half_written_booking(
    request, kind, variant, sandbox_factory
):
    url = request.getfixturevalue(f"{kind}_url")
    engine = make_engine(url)
    box = sandbox_factory(rate_limit=4.0, reservations=700)
    create_front_desk(engine, variant)
    assert setup_database(engine).ok
    ctx = make_ctx(engine, box, rate_limit=3.5)
    ready(ctx, box)
    ctx.client.close()
    CredentialStore(engine).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    cmd = [
        sys.executable,
        "-m",
        "pms",
        "sync",
        "--db",
        url,
        "--full",
        "--entities",
        "reservations,guests",
        "--json",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ})
    try:
        deadline = time.monotonic() + 90
        while not bookings(engine) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    first_completed = proc.returncode == 0
    consistent(engine)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT COUNT(*) FROM reservasi")).scalar()
    assert stored % 100 == 0 or stored == 700 or first_completed  # whole pages only
    rerun = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ}, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    out = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert out["status"] == "completed" and "front_desk" in out
    consistent(engine)
    assert mismatches(engine, box.property_id, Admin(box).truth()) == []
    # Once more: nothing left to write.
    again = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ}, check=False
    )
    front = json.loads(again.stdout.strip().splitlines()[-1])["front_desk"]
    assert (front["create"], front["update"], front["move"], front["cancel"]) == (0, 0, 0, 0)
    engine.dispose()
