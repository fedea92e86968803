"""``python -m pms test-connection``: database, API, property, reservations, rates — one line each.

The same checks as the dashboard's Test connection button (``pms.connection.checks``). With no
credentials stored it tests the demo sandbox. Exit code 0 only when every step passed.
"""

from __future__ import annotations

import argparse
import json

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="URL", help="database URL (default: PMS_DATABASE_URL or data/pms.sqlite3)"
    )
    parser.add_argument(
        "--json", action="store_true", help="also print the steps as one JSON object (last line)"
    )


def run(args: argparse.Namespace) -> int:
    from pms.config import database_url
    from pms.connection.checks import run_connection_checks
    from pms.db.engine import make_engine, redact_url

    engine = make_engine(database_url(args.db))
    print(f"Testing the connection (database {redact_url(engine.url)})", flush=True)
    try:
        steps = run_connection_checks(engine, on_step=lambda s: print(s.line(), flush=True))
    finally:
        engine.dispose()
    ok = all(s.ok for s in steps)
    print("All checks passed." if ok else "Some checks failed: see the advice above.", flush=True)
    if args.json:
        print(json.dumps({"ok": ok, "steps": [s.__dict__ for s in steps]}, ensure_ascii=False), flush=True)
    return 0 if ok else 1
