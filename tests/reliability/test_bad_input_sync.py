"""Bad date ranges and options to ``python -m pms sync``: exit 64 with a clear line, nothing synced.

Reversed and invalid dates, absurd windows (20 years), half-given windows, unknown entities, SQL
metacharacters and non-ASCII in every option: the command must refuse before any API call (the
sandbox counts none) and before any database write (no sync log row, no reservation).
"""

from __future__ import annotations

import json
import subprocess
import sys

import requests
import sqlalchemy as sa

from pms.config import PROJECT_ROOT
from pms.db import schema
from pms.db.engine import make_engine

from .inputs import NON_ASCII, SQL_METACHARACTERS

AREA = "bad input: CLI"
CASES = [
    ["--from", "2026-12-10", "--to", "2026-12-01"],  # reversed
    ["--from", "2026-13-01", "--to", "2026-12-31"],  # no 13th month
    ["--from", "2026-02-30", "--to", "2026-03-01"],  # no 30 February
    ["--from", "2026-01-01", "--to", "2046-01-01"],  # 20 years
    ["--from", "2026-12-01"],  # no end
    ["--to", "2026-12-01", "--incremental"],  # an end without a start
    ["--from", "yesterday", "--to", "today"],
    ["--full", "--entities", "reservations,bookings"],
    ["--from", SQL_METACHARACTERS[0], "--to", "2026-12-01"],
    ["--incremental", "--entities", NON_ASCII[2]],
]


def test_bad_ranges_and_options_are_refused_before_any_call_or_write(sqlite_url, sandbox_factory, tally):
    box = sandbox_factory(reservations=20, rate_limit=None)
    stored = subprocess.run(
        [
            sys.executable,
            "-m",
            "pms",
            "credentials",
            "set",
            "--api-key",
            box.api_key,
            "--api-base",
            box.base_url,
            "--db",
            sqlite_url,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert stored.returncode == 0, stored.stderr
    before = requests.get(f"{box.root_url}/_sandbox/state", timeout=10).json()["requests"]
    for args in CASES:
        run = subprocess.run(
            [sys.executable, "-m", "pms", "sync", *args, "--json", "--db", sqlite_url],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        tally.add(AREA, bad_inputs=1)
        assert run.returncode in (2, 64), (args, run.returncode, run.stderr[-500:])  # 2: argparse usage
        assert "Traceback" not in run.stderr, (args, run.stderr[-800:])
        if run.returncode == 64:
            payload = json.loads(run.stdout.strip().splitlines()[-1])
            assert payload["status"] == "failed" and 10 < len(payload["error"]) < 300, payload
        else:
            assert "error:" in run.stderr
    assert requests.get(f"{box.root_url}/_sandbox/state", timeout=10).json()["requests"] == before
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert (
                conn.execute(sa.select(sa.func.count()).select_from(schema.cloudbed_sync_log)).scalar() == 0
            )
            assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() == 0
    finally:
        engine.dispose()
