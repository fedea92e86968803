"""The benchmark harness runs end to end in its quick mode, so it cannot rot between full runs.

This checks that every figure the benchmarks promise gets a row, that what can be measured on this branch
was measured (a value and a verdict), and that the baselines are the real counts; it never
asserts on timings (performance is judged by ``make bench``, not by tests).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The quick run takes a few minutes on a busy 2-core machine (sandboxes, syncs, a server, AppTest).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

FIGURES = [
    "API calls per 1,000 reservations, full pull",
    "API calls, incremental sync with no changes",
    "time vs the rate-limit bound",
    "memory growth (peak RSS)",
    "write path vs bare insert (SQLite)",
    "webhook burst (SQLite)",
    "webhook acknowledgement p95 (SQLite)",
    "dashboard render: Overview",
    "dashboard render: Reservations",
    "full sync with the front-desk write ÷ without (5 req/s)",
    "full sync with the front-desk write ÷ without (no rate limit)",
    "API calls, incremental sync with no changes, front desk on",
    "many hotels, one worker: time vs one database's bound",
    "many hotels, one worker: peak memory",
    "many hotels, one worker, syncs bounded",
    "full sync, database 20 ms away",
    "incremental sync with a few changes, database 20 ms away",
    "a CLI run's round trips before its first API call",
    "API log share of a sync's round trips",
    "latency of a walk-in typed at the front desk until it is in Cloudbeds (p95)",
    "walk-ins typed at once, all in Cloudbeds ÷ the rate-limit bound",
    "Cloudbeds calls of an idle look at the front desk",
]


def _row(page: str, name: str) -> list[str]:
    for line in page.splitlines():
        if line.startswith(f"| {name} |"):
            return [c.strip() for c in line.strip("|").split(" | ")]
    raise AssertionError(f"no row for {name!r} in the table")


def test_quick_run_writes_every_figure(tmp_path):
    out = tmp_path / "benchmarks.md"
    cmd = [sys.executable, "-m", "bench", "--quick", "--out", str(out)]
    mysql = os.environ.get("PMS_TEST_MYSQL_URL")
    cmd += ["--mysql-url", mysql] if mysql else ["--no-mysql"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1100, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = out.read_text(encoding="utf-8")
    assert "Mode**: quick" in page
    assert re.search(r"\*\*CPU\*\*: .+, \d+ cores", page)
    for name in FIGURES:
        row = _row(page, name)
        assert row[-1] in ("met", "**missed**", "not measured"), row
        if row[-1] == "not measured":  # a gap is never silent: the notes say why
            assert f"- **{name}** (not measured): " in page
    row = _row(page, "write path vs bare insert (SQLite)")
    assert row[-1] != "not measured" and re.match(r"[\d.]+ ×", row[4]), row
    if mysql:  # the round trips come with the time, counted by the delay proxy
        assert re.search(
            r"[\d,]+ round trips \([\d.]+ per 100", _row(page, "full sync, database 20 ms away")[2]
        )
    if mysql:
        assert _row(page, "write path vs bare insert (MariaDB)")[-1] != "not measured"
    # The naive baseline is counted by the sandbox: 10 list pages + one detail call per reservation.
    assert _row(page, "API calls per 1,000 reservations, full pull")[3].startswith("1,010 (naive")
    # The terminal gets the same table.
    assert "write path vs bare insert (SQLite)" in proc.stdout
