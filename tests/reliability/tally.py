"""Counts the reliability tests measure, written where ``docs/reliability.md``'s table is made from.

Why a file and not hard-coded figures: the table must say what the suite really did (faults
served by the sandbox, runs made, rows found missing or doubled, inputs refused, secrets found), so
each test adds what it observed here and every pytest process (each xdist worker) writes its share
to ``test-artifacts/reliability/counts-<run>-<worker>.json``. ``report.py`` sums the newest run.

Record the measured value *before* asserting on it, so a failing run still leaves its figures.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import defaultdict
from pathlib import Path

__all__ = ["ARTIFACT_DIR", "METRICS", "Tally"]

ARTIFACT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "reliability"
METRICS = (
    "faults_injected",
    "runs",
    "records_lost",
    "duplicates",
    "bad_inputs",
    "secrets_found",
    "places_scanned",
)
# Every worker of one xdist run shares PYTEST_XDIST_TESTRUNUID; a plain pytest run gets its own id.
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


class Tally:
    """Per-area counters: ``tally.add("webhooks", bad_inputs=7)``."""

    def __init__(self) -> None:
        self.areas: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))

    def add(self, area: str, **counts: int) -> None:
        for metric, value in counts.items():
            if metric not in METRICS:
                raise KeyError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")
            self.areas[area][metric] += int(value)

    def write(self) -> Path | None:
        if not self.areas:
            return None
        ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
        path = ARTIFACT_DIR / f"counts-{RUN_ID}-{WORKER}.json"
        soak = os.environ.get("PMS_SOAK") == "1"
        payload = {
            "run": RUN_ID,
            "worker": WORKER,
            "soak": soak,
            "written": time.time(),
            "areas": dict(self.areas),
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, indent=1, sort_keys=True))
        tmp.replace(path)
        for old in ARTIFACT_DIR.glob("counts-*.json"):  # keep a week of runs, not every run ever
            if time.time() - old.stat().st_mtime > 7 * 86400:
                old.unlink(missing_ok=True)
        return path
