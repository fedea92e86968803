"""``python -m pms setup``: install, adopt and verify every table; exit 0 only when all verify.

Prints one line per table (``ok`` / ``created`` / ``adopted`` / ``problem`` with the reason), a
verdict line and what it found of the hotel's ADF front desk. With ``--json`` the last line on
stdout is one JSON object (``ok``, ``tables``, ``front_desk``: ``{"found", "tables", "notes"}``).
The Setup page of the dashboard calls the same ``pms.db.setup.setup_database``. ``--grants USER@HOST``
prints the least GRANT statements that MySQL user needs instead (``pms.db.grants``).
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
    parser.add_argument(
        "--grants",
        metavar="USER@HOST",
        help="print the least GRANT statements that MySQL user needs on this database, and exit "
        "(see docs/operations.md, ADF on cPanel hosting)",
    )


def run(args: argparse.Namespace) -> int:
    from pms.config import database_url
    from pms.db.engine import make_engine
    from pms.db.settings import Settings
    from pms.db.setup import setup_database, verify_database

    engine = make_engine(database_url(args.db))
    if args.grants:
        return _grants(engine, args.grants)
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


def _grants(engine, account: str) -> int:
    import sqlalchemy as sa

    from pms.db.engine import redact_url
    from pms.db.grants import grant_statements
    from pms.db.remote import advice
    from pms.errors import DatabaseSetupError

    try:
        lines = grant_statements(engine, account)
    except sa.exc.DBAPIError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:300]
        raise DatabaseSetupError(
            f"Cannot read {redact_url(engine.url)}: {reason}. {advice(exc) or ''}".strip()
        ) from None
    finally:
        engine.dispose()
    print(f"-- least privileges for {account} on {redact_url(engine.url)} (python -m pms setup --grants)")
    print("\n".join(lines))
    return 0
