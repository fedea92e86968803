"""Figures of the full and incremental sync: API calls, time vs the rate-limit bound, memory growth.

Baselines measured in the same run against the same sandbox:
- the naive per-reservation approach (list for ids, then ``getReservation`` per id), every call
  really made against an unlimited sandbox and counted by it;
- the client's own streaming list pull (``getReservationsWithRateDetails``, 100 a page, no
  database): the floor for calls, for time under the limiter, and for memory.
"""

from __future__ import annotations

from bench.config import BenchConfig
from bench.databases import fresh_database
from bench.figures import Figure
from bench.procs import SandboxProcess, run_child
from bench.syncrun import missing_sync, product_env, store_credentials, sync_once, temp_data_dir

__all__ = ["run"]

CALLS = "API calls per 1,000 reservations, full pull"
INCR = "API calls, incremental sync with no changes"
BOUND = "time vs the rate-limit bound"
MEMORY = "memory growth (peak RSS)"
# The issue raises the sandbox's limit for the memory figure; the client's limiter is raised with it
# (through build_client(rate_limit=...)), or 100,000 reservations would take 3.5 minutes of waiting.
MEMORY_CLIENT_RATE = 200.0


def _pull(sb: SandboxProcess, mode: str, rate: float | None = None, limit: int | None = None):
    args = {
        "base_url": sb.base_url,
        "api_key": sb.api_key,
        "property_id": sb.property_id,
        "mode": mode,
        "rate_limit": rate,
        "limit": limit,
    }
    return run_child("pull", args, timeout=1800)


def _calls_and_incremental(cfg: BenchConfig, missing: str | None) -> list[Figure]:
    n = cfg.full_sync_n
    with SandboxProcess(n, None) as sb:
        naive = _pull(sb, "naive")
        floor = _pull(sb, "list")
        naive_per_k = naive.data["sandbox_requests"] * 1000 / n
        floor_per_k = floor.data["sandbox_requests"] * 1000 / n
        raw = {"naive": naive.data, "client_list_pull": floor.data}
        calls = Figure(
            name=CALLS,
            how=f"full sync of {n:,} reservations; calls counted by the sandbox",
            baseline=f"{naive_per_k:,.0f} (naive, measured)",
            goal="≤ 25 (naive ≥ 1,010)",
            raw=raw,
        )
        incr = Figure(
            name=INCR,
            how="a second sync right after the full one; counted by the sandbox",
            goal="≤ 3",
            raw={},
        )
        if missing:
            calls.note = (
                f"{missing}. Measured already: the naive approach makes {naive.data['sandbox_requests']:,} "
                f"calls for {n:,} reservations ({naive_per_k:,.0f} per 1,000); the client's list "
                f"pull alone makes {floor_per_k:.0f} per 1,000 (the floor)."
            )
            incr.note = missing
            return [calls, incr]
        with temp_data_dir() as data, fresh_database("sqlite") as url:
            env = product_env(data)
            store_credentials(url, sb, env)
            full = sync_once(url, sb, env, full=True)
            again = sync_once(url, sb, env, full=False)
        raw.update(full_sync=full.__dict__, incremental=again.__dict__)
        if not full.ok:
            calls.note = f"the full sync failed (exit {full.returncode}): {full.stderr_tail[-600:]}"
            incr.note = "not run: the full sync failed"
            return [calls, incr]
        per_k = full.calls * 1000 / n
        calls.value = f"{per_k:.1f} ({full.calls:,} calls)"
        calls.ratio = f"{naive_per_k / per_k:.0f} × fewer than naive"
        calls.met = per_k <= 25 and naive_per_k >= 1010
        calls.raw["endpoints"] = full.endpoints
        if not calls.met:
            calls.note = (
                f"calls by endpoint: {full.endpoints}; the client's list pull alone needs "
                f"{floor_per_k:.0f} per 1,000."
            )
        incr.value = f"{again.calls} calls"
        incr.baseline = f"{full.calls:,} (full sync)"
        incr.met = again.ok and again.calls <= 3
        incr.raw = {"endpoints": again.endpoints, "output": again.output}
        if not incr.met:
            incr.note = f"calls by endpoint: {again.endpoints} (exit {again.returncode})"
        return [calls, incr]


def _bound(cfg: BenchConfig, missing: str | None) -> Figure:
    n, rate = cfg.full_sync_n, cfg.rate_limit
    fig = Figure(
        name=BOUND,
        how=f"full sync of {n:,} reservations, sandbox at {rate:g} req/s: "
        f"the run's wall time (its duration_s) ÷ (calls ÷ {rate:g}/s)",
        goal="≤ 1.15, and zero 429s",
    )
    with SandboxProcess(n, rate) as sb:
        floor = _pull(sb, "list", rate=rate)
        f_calls = floor.data["sandbox_requests"]
        f_ratio = floor.data["seconds"] / (f_calls / rate)
        fig.baseline = f"client list pull {f_ratio:.3f} ({f_calls} calls in {floor.data['seconds']:.1f} s)"
        fig.raw = {"client_list_pull": floor.data}
        if missing:
            fig.note = (
                f"{missing}. The client's own paging under its limiter reaches {f_ratio:.3f} of the bound."
            )
            return fig
        with temp_data_dir() as data, fresh_database("sqlite") as url:
            env = product_env(data)
            store_credentials(url, sb, env)
            full = sync_once(url, sb, env, full=True)
    fig.raw["full_sync"] = full.__dict__
    if not full.ok:
        fig.note = f"the full sync failed (exit {full.returncode}): {full.stderr_tail[-600:]}"
        return fig
    bound = full.calls / rate
    run_s = float(full.output.get("duration_s") or full.wall_s)
    ratio = run_s / bound
    fig.value = (
        f"{run_s:.1f} s for {full.calls} calls, {full.rate_limited} × 429 (process {full.wall_s:.1f} s)"
    )
    fig.ratio = f"{ratio:.3f}"
    fig.met = ratio <= 1.15 and full.rate_limited == 0
    fig.raw["wall_s_process"] = full.wall_s
    fig.raw["run_s"] = run_s
    if not fig.met:
        fig.note = (
            f"bound {bound:.1f} s; the run took {run_s:.1f} s (its own duration_s), the process "
            f"{full.wall_s:.1f} s with interpreter start; calls by endpoint {full.endpoints}."
        )
    return fig


def _memory(cfg: BenchConfig, missing: str | None) -> Figure:
    small, large = cfg.memory_n
    fig = Figure(
        name=MEMORY,
        how=f"peak RSS of a full sync of {large:,} reservations ÷ that of {small:,} "
        f"(sandbox limit off, client at {MEMORY_CLIENT_RATE:g} req/s)",
        goal="≤ 1.5",
    )
    rss: dict[int, dict] = {}
    for n in (small, large):
        with SandboxProcess(n, None) as sb:
            floor = _pull(sb, "list")
            rss[n] = {"client_list_pull_mb": floor.peak_rss_mb}
            if not missing:
                with temp_data_dir() as data, fresh_database("sqlite") as url:
                    env = product_env(data)
                    store_credentials(url, sb, env)
                    run = sync_once(url, sb, env, full=True, timeout=1800, client_rate=MEMORY_CLIENT_RATE)
                rss[n]["sync_mb"] = run.peak_rss_mb
                rss[n]["sync_ok"] = run.ok
                rss[n]["sync_wall_s"] = run.wall_s
                rss[n]["sync_stderr"] = run.stderr_tail[-400:] if not run.ok else ""
    fig.raw = rss
    f_ratio = rss[large]["client_list_pull_mb"] / rss[small]["client_list_pull_mb"]
    fig.baseline = (
        f"client list pull {rss[small]['client_list_pull_mb']:.0f} → "
        f"{rss[large]['client_list_pull_mb']:.0f} MB ({f_ratio:.2f} ×)"
    )
    if missing:
        fig.note = missing
        return fig
    if not (rss[small]["sync_ok"] and rss[large]["sync_ok"]):
        fig.note = f"a sync failed: {rss[small]['sync_stderr'] or rss[large]['sync_stderr']}"
        return fig
    ratio = rss[large]["sync_mb"] / rss[small]["sync_mb"]
    fig.value = f"{rss[small]['sync_mb']:.0f} → {rss[large]['sync_mb']:.0f} MB"
    fig.ratio = f"{ratio:.2f} ×"
    fig.met = ratio <= 1.5
    return fig


def run(cfg: BenchConfig) -> list[Figure]:
    missing = missing_sync()
    figures = _calls_and_incremental(cfg, missing)
    figures.append(_bound(cfg, missing))
    figures.append(_memory(cfg, missing))
    return figures
