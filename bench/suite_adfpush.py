"""Figures of the desk → Cloudbeds push (``bench.adfpush`` measures, in a process of its own):

- latency from a walk-in typed at the front desk to the reservation in Cloudbeds, with the real
  worker polling every ``poll`` seconds and the sandbox at the product's rate limit: p95 against
  the poll interval + 5 s;
- many walk-ins typed at once: time until all are in Cloudbeds ÷ the rate-limit bound (the API
  calls the push made ÷ the limit), and the 429 answers it got;
- an idle look at the desk: Cloudbeds calls (and its cost in milliseconds).

On SQLite and MariaDB (when reachable), each in a fresh database with the demo's front desk.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

from bench.config import BenchConfig
from bench.databases import fresh_database, mysql_available
from bench.figures import Figure
from bench.procs import ROOT, SandboxProcess
from bench.syncrun import product_env, temp_data_dir

__all__ = ["run"]

LATENCY = "latency of a walk-in typed at the front desk until it is in Cloudbeds (p95)"
BURST = "walk-ins typed at once, all in Cloudbeds ÷ the rate-limit bound"
IDLE = "Cloudbeds calls of an idle look at the front desk"


def _sizes(cfg: BenchConfig) -> tuple[int, int, float]:
    """(walk-ins at once, latency samples, poll seconds)."""
    return (40, 5, 5.0) if cfg.quick else (200, 12, 15.0)


def _measure(url: str, sb: SandboxProcess, walkins: int, samples: int, poll: float) -> dict:
    import os

    with temp_data_dir() as data:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.adfpush",
                url,
                sb.base_url,
                sb.api_key,
                sb.property_id,
                str(walkins),
                str(samples),
                str(poll),
            ],
            cwd=ROOT,
            env={**os.environ, **product_env(data)},
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
    if proc.returncode != 0:
        return {"error": proc.stderr[-1500:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def run(cfg: BenchConfig) -> list[Figure]:
    walkins, samples, poll = _sizes(cfg)
    kinds = [k for k in cfg.databases if k == "sqlite" or mysql_available(cfg.mysql_url) is None]
    runs: dict[str, dict] = {}
    for kind in kinds:
        try:
            with (
                SandboxProcess(50, cfg.rate_limit) as sb,
                fresh_database(kind, cfg.mysql_url, tag="push") as url,
            ):
                runs[kind] = _measure(url, sb, walkins, samples, poll)
        except Exception as exc:  # one database failing leaves the other's figures
            runs[kind] = {"error": f"{type(exc).__name__}: {exc}"}
    bound_goal = poll + 5
    lat = Figure(
        name=LATENCY,
        how=f"{samples} walk-ins typed one at a time at random moments; worker polling every {poll:g} s; "
        f"sandbox at {cfg.rate_limit:g} req/s",
        goal=f"p95 ≤ poll + 5 s = {bound_goal:g} s",
        raw=runs,
    )
    burst = Figure(
        name=BURST,
        how=f"{walkins} walk-ins inserted in one transaction; worker polling every {poll:g} s; sandbox at "
        f"{cfg.rate_limit:g} req/s; bound = the API calls made ÷ {cfg.rate_limit:g} req/s",
        goal="≤ 1.2 ×, 0 × 429",
        raw=runs,
    )
    idle = Figure(name=IDLE, how="20 looks with nothing typed, counted by the sandbox", goal="0", raw=runs)
    lv, bv, bb, br, iv = [], [], [], [], []
    lat_met = burst_met = idle_met = True
    for kind, r in runs.items():
        if "error" in r:
            for fig in (lat, burst, idle):
                fig.note += f"{kind}: the measurement failed: {r['error'][-300:]} "
            lat_met = burst_met = idle_met = False
            continue
        got = [x for x in r["latency"] if x is not None]
        if len(got) < len(r["latency"]) or not got:
            lat_met = False
            lat.note += f"{kind}: {len(r['latency']) - len(got)} never arrived. "
        if got:
            p95 = _p95(got)
            lv.append(f"{kind} {p95:.1f} s (median {sorted(got)[len(got) // 2]:.1f} s)")
            lat_met = lat_met and p95 <= bound_goal
        b = r["burst"]
        bound = b["calls"] / cfg.rate_limit
        if b["seconds"] is None:
            burst_met = False
            burst.note += f"{kind}: not all arrived. "
        else:
            ratio = b["seconds"] / bound if bound else float("inf")
            bv.append(f"{kind} {b['seconds']:.0f} s, {b['rate_limited']} × 429")
            bb.append(f"{kind} {bound:.0f} s ({b['calls']} calls)")
            br.append(f"{kind} {ratio:.2f} ×")
            burst_met = burst_met and ratio <= 1.2 and b["rate_limited"] == 0
        iv.append(f"{kind} {r['idle']['calls']} calls, {r['idle']['ms']:.1f} ms per look")
        idle_met = idle_met and r["idle"]["calls"] == 0
    lat.value, lat.met = "; ".join(lv) or "—", lat_met if lv else None
    burst.value, burst.baseline, burst.ratio = (
        "; ".join(bv) or "—",
        "; ".join(bb) or "—",
        "; ".join(br) or "—",
    )
    burst.met = burst_met if br else None
    idle.value, idle.met = "; ".join(iv) or "—", idle_met if iv else None
    for kind in cfg.databases:
        if kind not in kinds:
            for fig in (lat, burst, idle):
                fig.note += f"{kind}: {mysql_available(cfg.mysql_url) or 'not available'}. "
    return [lat, burst, idle]
