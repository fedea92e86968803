"""``python -m pms settings show|set``: what the Settings page does, for operations' scripts.

``show [--json] [--all]`` lists every declared setting with its value (secrets as hints such as
``cbat_••••abcd``, never in full; ``--all`` adds the ones the system writes itself). ``set KEY
VALUE`` validates the value against the setting's declaration (kind, range, choices) and stores it;
a refused value changes nothing and says why. A secret's value may be given as ``-`` to read it
from standard input, so it stays out of the shell history.
"""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="<action>", required=True)
    show = sub.add_parser("show", help="list the settings (secrets as hints)")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.add_argument("--all", action="store_true", help="include the settings the system writes itself")
    put = sub.add_parser("set", help="validate and store one setting")
    put.add_argument("key", metavar="KEY")
    put.add_argument(
        "value", metavar="VALUE", help="the new value ('' clears it; '-' reads a secret from stdin)"
    )
    for p in (show, put):
        p.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")


def run(args: argparse.Namespace) -> int:
    from pms.config import database_url
    from pms.db.engine import make_engine
    from pms.db.settings import SPECS, Settings
    from pms.db.setup import ensure_schema
    from pms.errors import SettingsError

    engine = make_engine(database_url(args.db))
    try:
        ensure_schema(engine)
        settings = Settings(engine)
        if args.action == "show":
            rows = settings.describe(include_internal=args.all)
            if args.json:
                print(json.dumps({r["key"]: r["value"] for r in rows}, ensure_ascii=False, default=str))
            else:
                width = max(len(r["key"]) for r in rows)
                for r in rows:
                    value = "" if r["value"] is None else r["value"]
                    print(f"{r['key']:<{width}}  {value}")
            return 0
        spec = SPECS.get(args.key)
        if spec is None:
            print(
                f"error: unknown setting {args.key!r}; `python -m pms settings show` lists them",
                file=sys.stderr,
            )
            return 64
        value = args.value
        if spec.kind == "secret" and value == "-":
            value = sys.stdin.readline().strip()
        try:
            settings.set(args.key, value)
        except SettingsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 64
        shown = settings.secret_hint(args.key) if spec.kind == "secret" else settings.get(args.key)
        print(f"{args.key} = {shown}")
        return 0
    finally:
        engine.dispose()
