"""``python -m pms setup``: install, adopt and verify every table; exit 0 only when all verify.

Prints one line per table (``ok`` / ``created`` / ``adopted`` / ``problem`` with the reason), a
verdict line and what it found of the hotel's ADF front desk. With ``--json`` the last line on
stdout is one JSON object (``ok``, ``tables``, ``front_desk``: ``{"found", "tables", "notes"}``).
The Setup page of the dashboard calls the same ``pms.db.setup.setup_database``.
"""

from __future__ import annotations

import argparse
import json

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="URL", help="SQLAlchemy database URL (default: PMS_DATABASE_URL or data/pms.sqlite3)"
    )
    parser.add_argument(
        "--verify-only", action="store_true", help="check without creating or altering anything"
    )
    parser.add_argument("--json", action="store_true", help="end with the report as one JSON line")


def run(args: argparse.Namespace) -> int:
    from pms.config import database_url
    from pms.db.engine import make_engine
    from pms.db.settings import Settings
    from pms.db.setup import setup_database, verify_database

    engine = make_engine(database_url(args.db))
    try:
        report = verify_database(engine) if args.verify_only else setup_database(engine)
        print(f"database: {report.database}")
        for line in report.lines():
            print(line)
        if report.ok and not args.verify_only:
            Settings(engine).check_secret_key()  # creates the key file on first run; detects a changed key
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False), flush=True)
        return 0 if report.ok else 1
    finally:
        engine.dispose()
