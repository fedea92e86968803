"""``python -m pms credentials set|show|clear``: the Cloudbeds credentials, stored encrypted.

``set`` checks a new credential against Cloudbeds before storing it (``--no-verify`` skips that, for
provisioning before the network is there) and picks the property automatically when the credential
sees exactly one. Secrets can be read from standard input (``--api-key -``) so they stay out of the
shell history and the process list. ``show`` prints hints only (``cbat_••••abcd``).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="<action>", required=True)
    put = sub.add_parser("set", help="store credentials (API key, or OAuth client id/secret)")
    put.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")
    put.add_argument("--api-key", metavar="KEY", help="Cloudbeds API key (cbat_...); '-' reads it from stdin")
    put.add_argument("--client-id", metavar="ID", help="OAuth client id of the Cloudbeds app")
    put.add_argument("--client-secret", metavar="SECRET", help="OAuth client secret; '-' reads it from stdin")
    put.add_argument("--property-id", metavar="ID", help="Cloudbeds property id (detected when omitted)")
    put.add_argument(
        "--api-base", metavar="URL", help="API address (default https://api.cloudbeds.com/api/v1.3)"
    )
    put.add_argument("--no-verify", action="store_true", help="store without asking Cloudbeds first")
    show = sub.add_parser("show", help="show which credentials are stored (hints only)")
    show.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")
    clear = sub.add_parser("clear", help="forget the stored credentials (back to demo mode)")
    clear.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")


def _secret_arg(value: str | None) -> str | None:
    if value == "-":
        return sys.stdin.readline().strip()
    return value


def _detect_property(api_base: str, api_key: str, property_id: str | None) -> str | None:
    """Ask Cloudbeds which properties the key reaches; refuse a key it does not accept."""
    from pms.cloudbeds import ApiKeyAuth, CloudbedsClient
    from pms.errors import ConfigurationError

    with CloudbedsClient(api_base, ApiKeyAuth(api_key), property_id=property_id) as client:
        hotels = client.get_hotels().all()
    ids = [h.property_id for h in hotels]
    if property_id is None:
        if len(ids) == 1:
            return ids[0]
        raise ConfigurationError(
            f"This key reaches {len(ids)} properties ({', '.join(ids[:10])}): choose one with --property-id.",
            key="cloudbed_property_id",
        )
    if ids and property_id not in ids:
        raise ConfigurationError(
            f"This key does not reach property {property_id}; it reaches {', '.join(ids[:10])}.",
            key="cloudbed_property_id",
        )
    return property_id


def run(args: argparse.Namespace) -> int:
    from pms.config import database_url
    from pms.db.credentials import DEFAULT_API_BASE, CredentialStore, check_api_key, check_property_id
    from pms.db.engine import make_engine
    from pms.db.setup import ensure_schema

    engine = make_engine(database_url(args.db))
    try:
        ensure_schema(engine)
        store = CredentialStore(engine)
        if args.action == "show":
            creds = store.load()
            if creds is None:
                print("no Cloudbeds credentials stored: demo mode")
                return 0
            for key, value in creds.hints().items():
                if value:
                    print(f"{key}: {value}")
            return 0
        if args.action == "clear":
            store.clear()
            print("credentials removed: demo mode")
            return 0
        api_base = args.api_base or DEFAULT_API_BASE
        if args.api_key:
            key = check_api_key(_secret_arg(args.api_key) or "")  # local checks first: nothing odd goes out
            property_id = check_property_id(args.property_id)
            if not args.no_verify:
                property_id = _detect_property(api_base, key, property_id)
            creds = store.save_api_key(key, property_id=property_id, api_base=api_base)
        elif args.client_id:
            secret = _secret_arg(args.client_secret) or ""
            creds = store.save_oauth_app(
                args.client_id, secret, property_id=args.property_id, api_base=api_base
            )
            print(
                "OAuth app stored; connect it from the dashboard's Connection page (Connect with Cloudbeds)."
            )
        else:
            print("error: give --api-key, or --client-id with --client-secret", file=sys.stderr)
            return 2
        for key, value in creds.hints().items():
            if value:
                print(f"{key}: {value}")
        return 0
    finally:
        engine.dispose()
