"""Figures of the front-desk write: what carrying ADF's bookings along costs a sync.

- a full sync of N reservations into a database holding a front desk (ADF's documented shape, the
  demo hotel's rooms, mapped, writing switched on) ÷ the same sync into a database without one,
  on SQLite and MariaDB, at the product's rate limit (what a hotel sees) and with the limit off
  (the write's own cost, nothing hidden behind the wait for Cloudbeds);
- an incremental sync with nothing changed, front desk on: API calls (the open problems it retries
  are read from the mirror, never from Cloudbeds).

Both runs of a pair use the same sandbox (same reservations) and fresh, empty databases.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.config import BenchConfig
from bench.databases import fresh_database, mysql_available
from bench.figures import Figure
from bench.procs import ROOT, SandboxProcess
from bench.syncrun import product_env, store_credentials, sync_once, temp_data_dir

__all__ = ["run"]

RATIO = "full sync with the front-desk write ÷ without"
IDLE = "API calls, incremental sync with no changes, front desk on"
UNLIMITED_RATE = 1000.0


def _front_desk(db_url: str, sandbox: SandboxProcess, env: dict[str, str]) -> None:
    """Set the database up and give it the demo's front desk, mapped and switched on."""
    code = (
        "import sys; from pms.db.engine import make_engine; from pms.db.setup import ensure_schema; "
        "from pms.adf.demo import seed_demo_front_desk; e = make_engine(sys.argv[1]); ensure_schema(e); "
        "assert seed_demo_front_desk(e, sys.argv[2])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, db_url, sandbox.property_id],
        cwd=ROOT,
        env={**_environ(), **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"creating the front desk failed: {proc.stderr[-2000:]}")


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def _pair(cfg: BenchConfig, kind: str, sb: SandboxProcess, rate: float | None) -> dict:
    """One full sync without a front desk, one with it (same sandbox, fresh databases)."""
    out: dict = {}
    for with_desk in (False, True):
        with (
            temp_data_dir() as data,
            fresh_database(kind, cfg.mysql_url, tag="adf" if with_desk else "") as url,
        ):
            env = product_env(data)
            store_credentials(url, sb, env)
            if with_desk:
                _front_desk(url, sb, env)
            full = sync_once(url, sb, env, full=True, timeout=1800, client_rate=rate)
            run = {
                "ok": full.ok,
                "duration_s": float(full.output.get("duration_s") or full.wall_s),
                "wall_s": full.wall_s,
                "calls": full.calls,
                "front_desk": full.output.get("front_desk"),
                "stderr": full.stderr_tail[-600:] if not full.ok else "",
            }
            if with_desk and full.ok:
                idle = sync_once(url, sb, env, full=False, client_rate=rate)
                run["idle"] = {
                    "ok": idle.ok,
                    "calls": idle.calls,
                    "endpoints": idle.endpoints,
                    "front_desk": idle.output.get("front_desk"),
                }
        out["with" if with_desk else "without"] = run
    return out


def _ratio_figure(name_suffix: str, how: str, pairs: dict[str, dict]) -> Figure:
    fig = Figure(name=f"{RATIO} ({name_suffix})", how=how, goal="≤ 1.5", raw=pairs)
    values, bases, ratios, met = [], [], [], True
    for kind, pair in pairs.items():
        if isinstance(pair, str):
            fig.note += f"{kind}: {pair}. "
            continue
        w, wo = pair["with"], pair["without"]
        if not (w["ok"] and wo["ok"]):
            fig.note += f"{kind}: a sync failed: {w['stderr'] or wo['stderr']}. "
            met = False
            continue
        ratio = w["duration_s"] / wo["duration_s"]
        created = (w.get("front_desk") or {}).get("create", 0)
        values.append(f"{kind} {w['duration_s']:.1f} s ({created:,} bookings written)")
        bases.append(f"{kind} {wo['duration_s']:.1f} s")
        ratios.append(f"{kind} {ratio:.2f} ×")
        met = met and ratio <= 1.5
    fig.value, fig.baseline, fig.ratio = (
        "; ".join(values) or "—",
        "; ".join(bases) or "—",
        "; ".join(ratios) or "—",
    )
    fig.met = met if ratios else None
    return fig


def run(cfg: BenchConfig) -> list[Figure]:
    n = cfg.full_sync_n
    kinds = [k for k in cfg.databases if k == "sqlite" or mysql_available(cfg.mysql_url) is None]
    figures: list[Figure] = []
    idle_runs: dict[str, dict] = {}
    for rate, label in ((cfg.rate_limit, f"{cfg.rate_limit:g} req/s"), (None, "no rate limit")):
        pairs: dict[str, dict] = {}
        with SandboxProcess(n, rate) as sb:
            for kind in kinds:
                pairs[kind] = _pair(cfg, kind, sb, None if rate else UNLIMITED_RATE)
                if rate:
                    idle_runs[kind] = pairs[kind]["with"].get("idle") or {}
        for kind in cfg.databases:
            if kind not in kinds:
                pairs[kind] = mysql_available(cfg.mysql_url) or "not available"
        how = (
            f"full sync of {n:,} reservations, sandbox at {label}: the run's duration with the front "
            "desk (ADF's documented shape, 33 rooms, mapped, writing on) ÷ the same sync into a "
            "database without one"
        )
        figures.append(_ratio_figure(label, how, pairs))
    idle = Figure(
        name=IDLE,
        how="an incremental sync right after the full one with the front desk; counted by the sandbox",
        goal="≤ 3",
        raw=idle_runs,
    )
    counted = {k: v for k, v in idle_runs.items() if v}
    if counted:
        idle.value = "; ".join(f"{k} {v['calls']} calls" for k, v in counted.items())
        idle.met = all(v["ok"] and v["calls"] <= 3 for v in counted.values())
        if not idle.met:
            idle.note = json.dumps({k: v.get("endpoints") for k, v in counted.items()})
    figures.append(idle)
    return figures
