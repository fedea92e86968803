"""``python -m pms webhooks subscribe|list|unsubscribe|rotate``: Cloudbeds webhook subscriptions.

``subscribe`` makes sure every event the sync needs is subscribed at
``<public URL>/webhooks/cloudbeds/<token>`` (idempotent; our subscriptions at an older address are
removed afterwards). The public URL is ``--public-url`` when given (e.g. ``http://127.0.0.1:8501``
on one machine), else the ``cloudbed_public_url`` setting. ``rotate`` does the same with a new
token. Addresses are printed with the token masked.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("subscribe", "list", "unsubscribe", "rotate"))
    parser.add_argument(
        "--public-url",
        default=None,
        help="this server's address as Cloudbeds reaches it (default: the cloudbed_public_url setting)",
    )
    parser.add_argument(
        "--db", default=None, help="database URL (default: PMS_DATABASE_URL or data/pms.sqlite3)"
    )


def _public_url(engine, explicit: str | None) -> str | None:
    from pms.db.settings import Settings

    return (explicit or Settings(engine).public_url or "").rstrip("/") or None


def run(args: argparse.Namespace) -> int:
    from pms.config import database_url
    from pms.db.credentials import has_credentials
    from pms.db.engine import make_engine
    from pms.db.setup import ensure_schema
    from pms.webhooks import subscriptions as subs

    engine = make_engine(database_url(args.db))
    ensure_schema(engine)
    if not has_credentials(engine):
        print(
            "error: no Cloudbeds credentials are stored (demo mode). In demo mode the server subscribes "
            "its own sandbox; store credentials first (python -m pms credentials set).",
            file=sys.stderr,
        )
        return 1
    public_url = _public_url(engine, args.public_url)
    if args.action in ("subscribe", "rotate") and not public_url:
        print(
            "error: no public URL: pass --public-url https://pms.example.com or set it on the Settings page "
            "(cloudbed_public_url).",
            file=sys.stderr,
        )
        return 2
    from pms.connection import build_client

    client = build_client(engine)
    try:
        if args.action == "list":
            found = subs.list_subscriptions(engine, client, public_url=public_url)
            for sub in found:
                mark = "current" if sub.current else ("ours" if sub.ours else "other")
                print(f"{sub.subscription_id}\t{sub.event}\t{mark}\t{sub.endpoint}")
            print(f"{len(found)} subscription(s)", file=sys.stderr)
            return 0
        if args.action == "unsubscribe":
            gone = subs.unsubscribe(engine, client)
            print(f"removed {len(gone.removed)} subscription(s)")
            for what, error in gone.failed.items():
                print(f"  failed: {what}: {error}", file=sys.stderr)
            return 0 if gone.ok else 1
        report = (subs.rotate if args.action == "rotate" else subs.subscribe)(
            engine, client, public_url=public_url
        )
        print(
            f"webhooks at {report.endpoint}: {len(report.created)} created, {len(report.kept)} kept, "
            f"{len(report.removed)} old removed"
        )
        for event, error in report.failed.items():
            print(f"  failed: {event}: {error}", file=sys.stderr)
        return 0 if report.ok else 1
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()
