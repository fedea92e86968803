"""``python -m pms worker``: the background worker as its own process (larger installs).

Run it beside servers started with ``PMS_WORKER=external`` (or ``serve --worker external``), under
systemd, a container orchestrator or cron (``--once``). Several may run against one MySQL: each
property is worked by whichever worker holds its lease. SIGTERM/SIGINT stop it cleanly (the
current step finishes, the leases are released).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=None, help="database URL (default: PMS_DATABASE_URL or data/pms.sqlite3)"
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="do one round (leases, webhook events, due syncs, alerts, retention) and exit",
    )


def run(args: argparse.Namespace) -> int:
    from pms.config import database_url
    from pms.db.credentials import has_credentials
    from pms.db.engine import make_engine, redact_url
    from pms.db.setup import ensure_schema
    from pms.worker import Worker

    url = database_url(args.db)
    engine = make_engine(url)
    ensure_schema(engine)
    if not has_credentials(engine):
        print(
            "error: no Cloudbeds credentials are stored (demo mode); the demo sandbox and its worker run "
            "inside the server (python -m pms serve).",
            file=sys.stderr,
        )
        return 1
    worker = Worker(engine)
    if args.once:
        from pms.worker import ensure_switch_initialised

        ensure_switch_initialised(engine)
        held = worker.renew_leases()
        for pid in sorted(held):
            report = worker.process_events(pid, force=True)
            if report is not None:
                print(
                    f"property {pid}: {report.processed} webhook event(s) applied, {report.retried} to "
                    f"retry, {report.failed} failed"
                )
        worker.run_scheduled()
        worker.stop()
        if not held:
            print("another worker holds every property's lease; nothing done", file=sys.stderr)
        return 1 if worker.stats.errors else 0
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    worker.start()
    print(
        f"worker {worker.owner} running against {redact_url(url)}; Ctrl+C stops it",
        file=sys.stderr,
        flush=True,
    )
    try:
        while not stop.wait(1.0):
            pass
    finally:
        worker.stop()
    return 0
