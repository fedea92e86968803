"""Figures of one worker process serving many hotels: time vs one database's bound, and memory.

Ten databases, each with its own sandbox (own process, own credential, 5 requests/s like
Cloudbeds), go through one ``python -m pms worker --once --db URL ...`` (their first round: a full
reconcile each, all at once in threads). Baseline, measured in the same run: one database alone
through the same command.

- time: from the first run's start to the last run's finish (``cloudbed_sync_log``) ÷ one
  database's rate-limit bound (its calls, counted by its sandbox, ÷ 5/s). Each database has its own
  rate limiter, so ten take about as long as one when the rest of the work keeps up.
- memory: the ten-database process's peak RSS ÷ the one-database process's.
"""

from __future__ import annotations

import contextlib
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


def _worker_round(urls: list[str], boxes: list[SandboxProcess], env: dict[str, str]) -> dict:
    before = [b.state()["requests"] for b in boxes]
    cmd = [sys.executable, "-m", "pms", "worker", "--once"]
    for url in urls:
        cmd += ["--db", url]
    res = run_json_command(cmd, env=env, timeout=3600)
    calls = [b.state()["requests"] - n for b, n in zip(boxes, before, strict=True)]
    runs = [r for url in urls for r in _runs(url)]
    ok = res.returncode == 0 and len(runs) == len(urls) and all(s == "completed" for _, _, s in runs)
    span = (max(b for _, b, _ in runs) - min(a for a, _, _ in runs)).total_seconds() if runs else 0.0
    return {
        "ok": ok,
        "calls": calls,
        "span_s": span,
        "wall_s": res.wall_s,
        "peak_rss_mb": res.peak_rss_mb,
        "returncode": res.returncode,
        "stderr": res.stderr_tail[-800:],
        "runs": [(str(a), str(b), s) for a, b, s in runs],
    }


def run(cfg: BenchConfig) -> list[Figure]:
    n, hotels, rate = cfg.hotels_reservations, cfg.hotels, cfg.rate_limit
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
    missing = missing_sync()
    if missing:
        time_fig.note = mem_fig.note = missing
        return [time_fig, mem_fig]
    with contextlib.ExitStack() as stack:
        boxes = [SandboxProcess(n, rate, seed=42 + i) for i in range(hotels)]
        for box in boxes:
            stack.enter_context(box)
        data = stack.enter_context(temp_data_dir())
        env = product_env(data)
        urls = [stack.enter_context(fresh_database("sqlite")) for _ in boxes]
        alone_url = stack.enter_context(fresh_database("sqlite"))
        for url, box in zip(urls, boxes, strict=True):
            store_credentials(url, box, env)
        store_credentials(alone_url, boxes[0], env)
        alone = _worker_round([alone_url], boxes[:1], env)
        many = _worker_round(urls, boxes, env)
    time_fig.raw = mem_fig.raw = {"one": alone, "many": many}
    if not (alone["ok"] and many["ok"]):
        bad = alone if not alone["ok"] else many
        time_fig.note = mem_fig.note = f"a worker round failed (exit {bad['returncode']}): {bad['stderr']}"
        return [time_fig, mem_fig]
    bound_one = alone["calls"][0] / rate
    bound_each = max(many["calls"]) / rate
    one_ratio = alone["span_s"] / bound_one
    ratio = many["span_s"] / bound_each
    time_fig.value = (
        f"{many['span_s']:.1f} s for {hotels} × ~{max(many['calls'])} calls (process {many['wall_s']:.1f} s)"
    )
    time_fig.baseline = (
        f"one database alone {alone['span_s']:.1f} s = {one_ratio:.2f} × its bound {bound_one:.1f} s"
    )
    time_fig.ratio = f"{ratio:.2f}"
    time_fig.met = ratio <= 1.2
    if not time_fig.met:
        time_fig.note = (
            f"the ten share the process's CPU (one interpreter lock) on this machine; one database "
            f"alone reaches {one_ratio:.2f} of its bound."
        )
    mem_ratio = many["peak_rss_mb"] / alone["peak_rss_mb"]
    mem_fig.value = f"{many['peak_rss_mb']:.0f} MB"
    mem_fig.baseline = f"{alone['peak_rss_mb']:.0f} MB (one database)"
    mem_fig.ratio = f"{mem_ratio:.2f} ×"
    mem_fig.met = mem_ratio <= 2.0
    return [time_fig, mem_fig]
