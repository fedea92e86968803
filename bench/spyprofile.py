"""The write path's CPU profile: py-spy samples a bench child, the top functions by own time.

``py-spy record --format raw`` writes collapsed stacks (``frame;frame;... count``); the leaf of
each stack is where the sample was taken, so summing counts by leaf gives each function's own
share of the run, and summing by any frame on the stack gives its inclusive share.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from typing import Any

from bench.procs import ROOT

__all__ = ["profile_child", "top_entries"]


def _short(frame: str) -> str:
    # "function (path/to/module.py:123)" -> "function (module.py)"
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({os.path.basename(path)})" if path else name


def top_entries(raw: str, n: int = 10) -> dict[str, Any]:
    """Own shares (percent of samples) of the busiest functions in ``raw``, and the inclusive
    shares of the product's own functions (``pms/``)."""
    own: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f for f in stack.split(";") if f]
        if not frames or not count.isdigit():
            continue
        c = int(count)
        total += c
        own[_short(frames[-1])] += c
        for f in {_short(f) for f in frames if "/pms/" in f or "(pms/" in f}:
            ours[f] += c

    def pct(v: int) -> float:
        return round(100.0 * v / max(total, 1), 1)

    return {
        "samples": total,
        "own": [(f, pct(v)) for f, v in own.most_common(n)],
        "inclusive_ours": [(f, pct(v)) for f, v in ours.most_common(n)],
    }


def profile_child(task: str, args: dict[str, Any], timeout: float = 900.0) -> dict[str, Any]:
    """Run ``python -m bench.child task args`` under ``py-spy record``; the top entries."""
    spy = os.path.join(os.path.dirname(sys.executable), "py-spy")
    if not os.path.exists(spy):
        return {"error": "py-spy is not installed (a dev dependency)"}
    with tempfile.TemporaryDirectory(prefix="pms_bench_spy_") as tmp:
        out = os.path.join(tmp, "profile.txt")
        cmd = [spy, "record", "--format", "raw", "--rate", "200", "-o", out, "--"]
        cmd += [sys.executable, "-m", "bench.child", task, json.dumps(args)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode != 0 or not os.path.exists(out):
            return {"error": f"py-spy failed (exit {proc.returncode}): {proc.stderr[-400:]}"}
        with open(out, encoding="utf-8") as fh:
            return top_entries(fh.read())
