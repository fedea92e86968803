"""Figures of one worker process serving many hotels: time vs one database's bound, and memory.

Ten databases, each with its own sandbox (own process, own credential, 5 requests/s like
Cloudbeds), go through one ``python -m pms worker --once --db URL ...`` (their first round: a full
reconcile each, all at once in threads). Baseline, measured in the same run: one database alone
through the same command.

- time: from the first run's start to the last run's finish (``cloudbed_sync_log``) ÷ one
  database's rate-limit bound (its calls, counted by its sandbox, ÷ 5/s). Each database has its own
  rate limiter, so ten take about as long as one when the rest of the work keeps up.
- memory: the ten-database process's peak RSS ÷ the one-database process's; and the same with
  ``--max-parallel-syncs``, which trades time for memory.

The worker's CPU seconds are reported beside the time: when they approach the wall time, the
threads wait for the interpreter lock, not for Cloudbeds.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
from datetime import datetime

import sqlalchemy as sa

from bench.config import BenchConfig
from bench.databases import fresh_database
from bench.figures import Figure
from bench.procs import SandboxProcess, run_json_command
from bench.syncrun import missing_sync, product_env, store_credentials, temp_data_dir

__all__ = ["run"]

TIME = "many hotels, one worker: time vs one database's bound"
MEMORY = "many hotels, one worker: peak memory"
BOUNDED = "many hotels, one worker, syncs bounded"


def _runs(url: str) -> list[tuple[datetime, datetime, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT started_at, finished_at, status FROM cloudbed_sync_log WHERE mode = 'full'"
            ).all()
    finally:
        engine.dispose()

    def ts(v):
        return v if isinstance(v, datetime) else datetime.fromisoformat(str(v))

    return [(ts(a), ts(b), s) for a, b, s in rows if a is not None and b is not None]


def _worker_round(urls: list[str], boxes: list[SandboxProcess], env: dict[str, str], *extra: str) -> dict:
    before = [b.state()["requests"] for b in boxes]
    cmd = [sys.executable, "-m", "pms", "worker", "--once", *extra]
    for url in urls:
        cmd += ["--db", url]
    load = os.getloadavg()[0]
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = run_json_command(cmd, env=env, timeout=3600)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker alone: the sandboxes still run
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    calls = [b.state()["requests"] - n for b, n in zip(boxes, before, strict=True)]
    runs = [r for url in urls for r in _runs(url)]
    ok = res.returncode == 0 and len(runs) == len(urls) and all(s == "completed" for _, _, s in runs)
    span = (max(b for _, b, _ in runs) - min(a for a, _, _ in runs)).total_seconds() if runs else 0.0
    return {
        "ok": ok,
        "calls": calls,
        "span_s": span,
        "wall_s": res.wall_s,
        "cpu_s": cpu,
        "load": load,
        "peak_rss_mb": res.peak_rss_mb,
        "returncode": res.returncode,
        "stderr": res.stderr_tail[-800:],
        "runs": [(str(a), str(b), s) for a, b, s in runs],
    }


def run(cfg: BenchConfig) -> list[Figure]:
    n, hotels, rate, bounded = cfg.hotels_reservations, cfg.hotels, cfg.rate_limit, cfg.hotels_parallel
    time_fig = Figure(
        name=TIME,
        how=f"{hotels} databases × {n:,} reservations, each its own sandbox at {rate:g} req/s, through "
        "one `worker --once`: first start to last finish of their full syncs ÷ (one database's calls "
        f"÷ {rate:g}/s)",
        goal="≤ 1.2",
    )
    mem_fig = Figure(
        name=MEMORY,
        how="peak RSS of that process ÷ peak RSS of the same command for one of the databases",
        goal="≤ 2",
    )
    bound_fig = Figure(
        name=BOUNDED,
        how=f"the same {hotels} databases with `--max-parallel-syncs {bounded}`: peak RSS ÷ one "
        "database's; time ÷ one database's bound",
        goal="memory ≤ 2 (time is traded for it)",
    )
    figures = [time_fig, mem_fig, bound_fig]
    missing = missing_sync()
    if missing:
        for f in figures:
            f.note = missing
        return figures
    with contextlib.ExitStack() as stack:
        boxes = [SandboxProcess(n, rate, seed=42 + i) for i in range(hotels)]
        for box in boxes:
            stack.enter_context(box)
        data = stack.enter_context(temp_data_dir())
        env = product_env(data)
        urls = [stack.enter_context(fresh_database("sqlite")) for _ in boxes]
        urls_b = [stack.enter_context(fresh_database("sqlite")) for _ in boxes]
        alone_url = stack.enter_context(fresh_database("sqlite"))
        for url, url_b, box in zip(urls, urls_b, boxes, strict=True):
            store_credentials(url, box, env)
            store_credentials(url_b, box, env)
        store_credentials(alone_url, boxes[0], env)
        alone = _worker_round([alone_url], boxes[:1], env)
        many = _worker_round(urls, boxes, env)
        limited = _worker_round(urls_b, boxes, env, "--max-parallel-syncs", str(bounded))
    for f in figures:
        f.raw = {"one": alone, "many": many, "bounded": limited}
    failed = next((r for r in (alone, many, limited) if not r["ok"]), None)
    if failed:
        for f in figures:
            f.note = f"a worker round failed (exit {failed['returncode']}): {failed['stderr']}"
        return figures
    bound_one = alone["calls"][0] / rate
    bound_each = max(many["calls"]) / rate
    one_ratio = alone["span_s"] / bound_one
    ratio = many["span_s"] / bound_each
    time_fig.value = (
        f"{many['span_s']:.1f} s for {hotels} × ~{max(many['calls'])} calls "
        f"(process {many['wall_s']:.1f} s, {many['cpu_s']:.1f} s CPU)"
    )
    time_fig.baseline = (
        f"one database alone {alone['span_s']:.1f} s = {one_ratio:.2f} × its bound {bound_one:.1f} s "
        f"({alone['cpu_s']:.1f} s CPU)"
    )
    time_fig.ratio = f"{ratio:.2f}"
    time_fig.met = ratio <= 1.2
    if not time_fig.met:
        time_fig.note = (
            f"the process used {many['cpu_s']:.1f} s of CPU in {many['wall_s']:.1f} s (load average "
            f"{many['load']:.1f} on this machine's {os.cpu_count()} cores when it started); its "
            f"threads share one interpreter lock. One database alone reaches {one_ratio:.2f} of "
            "its bound, so the rate limiters are not the limit; splitting the list over two "
            "worker processes (or machines) uses another core."
        )
    mem_ratio = many["peak_rss_mb"] / alone["peak_rss_mb"]
    mem_fig.value = f"{many['peak_rss_mb']:.0f} MB"
    mem_fig.baseline = f"{alone['peak_rss_mb']:.0f} MB (one database)"
    mem_fig.ratio = f"{mem_ratio:.2f} ×"
    mem_fig.met = mem_ratio <= 2.0
    if not mem_fig.met:
        per = (many["peak_rss_mb"] - alone["peak_rss_mb"]) / max(hotels - 1, 1)
        mem_fig.note = (
            f"each running full sync holds about {per:.0f} MB of its own (batches, its SQLite "
            f"connections' caches, per-thread allocator arenas); `--max-parallel-syncs` bounds it "
            "(next row)."
        )
    b_mem = limited["peak_rss_mb"] / alone["peak_rss_mb"]
    b_time = limited["span_s"] / bound_each
    bound_fig.value = f"{limited['peak_rss_mb']:.0f} MB, {limited['span_s']:.1f} s"
    bound_fig.baseline = f"{alone['peak_rss_mb']:.0f} MB, bound {bound_each:.1f} s"
    bound_fig.ratio = f"memory {b_mem:.2f} ×, time {b_time:.2f}"
    bound_fig.met = b_mem <= 2.0
    if not bound_fig.met:
        bound_fig.note = (
            f"bounded to {bounded} at a time the peak falls from {many['peak_rss_mb']:.0f} to "
            f"{limited['peak_rss_mb']:.0f} MB while the time rises to {b_time:.2f} × the bound; what "
            "remains grows with the number of databases whether they sync or not (their engines and "
            "connections, two worker threads and an API-log thread each, allocator arenas)."
        )
    return figures
