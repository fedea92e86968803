"""``python -m pms worker``: the background worker as its own process (larger installs, hotel groups).

Run it beside servers started with ``PMS_WORKER=external`` (or ``serve --worker external``), under
systemd, a container orchestrator or cron (``--once``). Several may run against one MySQL: each
property is worked by whichever worker holds its lease. ``--db`` repeated (or ``--config FILE``)
serves several hotels' databases from one process (``pms.worker.group``). SIGTERM/SIGINT stop it
cleanly (the current step finishes, the leases are released).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        action="append",
        metavar="URL",
        help="database URL; repeat it to serve several hotels from one process "
        "(default: PMS_DATABASE_URL or data/pms.sqlite3)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a TOML file listing the databases ([[database]] name, url or url_env; see docs/operations.md)",
    )
    parser.add_argument(
        "--lease-seconds",
        type=float,
        default=None,
        help="how long a database's lease lasts without renewal: a stopped worker's databases are "
        "taken over within it (default 60)",
    )
    parser.add_argument(
        "--max-parallel-syncs",
        metavar="N",
        default=None,
        help="at most N scheduled syncs at once in this process (bounds its memory when many "
        "databases are due together; default: no bound)",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="do one round (leases, webhook events, due syncs, alerts, retention) and exit",
    )


def _prefix(label: str, several: bool) -> str:
    return f"{label}: " if several else ""


def _once(group, several: bool) -> int:
    failed = group.open()
    for m in failed:
        print(f"error: {_prefix(m.target.label, True)}{m.problem}", file=sys.stderr)
    results = group.once()
    errors = len(failed)
    for label, (held, reports, worker) in results.items():
        for pid, report in reports:
            if report is not None:
                print(
                    f"{_prefix(label, several)}property {pid}: {report.processed} webhook event(s) applied, "
                    f"{report.retried} to retry, {report.failed} failed"
                )
        if not held:
            print(
                f"{_prefix(label, several)}another worker holds every property's lease; nothing done",
                file=sys.stderr,
            )
        errors += worker.stats.errors
    group.stop()
    return 1 if errors or not results else 0


def run(args: argparse.Namespace) -> int:
    from pms.db.engine import redact_url
    from pms.worker.group import WorkerGroup, load_targets, parallel_syncs, worker_config

    targets, options = load_targets(args.db, args.config)
    lease = args.lease_seconds if args.lease_seconds is not None else options.get("lease_seconds")
    parallel = (
        args.max_parallel_syncs if args.max_parallel_syncs is not None else options.get("max_parallel_syncs")
    )
    group = WorkerGroup(targets, worker_config(lease), max_parallel_syncs=parallel_syncs(parallel))
    several = len(targets) > 1
    if not several:
        group.retry_every = float("inf")
        failed = group.open()
        if failed and "credentials" in (failed[0].problem or ""):
            print(
                "error: no Cloudbeds credentials are stored (demo mode); the demo sandbox and its worker "
                "run inside the server (python -m pms serve).",
                file=sys.stderr,
            )
            return 1
        if failed:
            print(f"error: {failed[0].problem}", file=sys.stderr)
            return 1
    if args.once:
        return _once(group, several)
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    group.start()
    for m in group.members:
        if m.worker is not None:
            where = m.target.label if several else redact_url(m.target.url)
            print(f"worker {m.worker.owner} running against {where}", file=sys.stderr, flush=True)
        else:
            print(f"error: {m.target.label}: {m.problem} (trying again)", file=sys.stderr, flush=True)
    print("Ctrl+C stops it", file=sys.stderr, flush=True)
    try:
        while not stop.wait(1.0):
            group.tick()
    finally:
        group.stop()
    return 0
