"""``python -m pms mapping show|suggest|set``: Cloudbeds ⇄ the hotel's front desk, for cron and scripts.

- ``show [--json]``: every Cloudbeds room type, room and source with its ADF side (or ``-``), and
  the conflicts to settle;
- ``suggest [--accept]``: the suggestions for what is not mapped yet; ``--accept`` stores every
  suggestion without a conflict;
- ``set room-type|room|source CLOUDBEDS_ID ADF_VALUE [--detail WORD]``: one mapping, checked
  against the hotel's catalogue (``-`` as ADF_VALUE removes it).

The same as the Room mapping page; every action accepts ``--db``.
"""

from __future__ import annotations

import argparse
import json

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="<action>", required=True)
    show = sub.add_parser("show", help="list the mappings and their conflicts")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    suggest = sub.add_parser("suggest", help="print the suggestions for what is not mapped yet")
    suggest.add_argument("--accept", action="store_true", help="store every suggestion that has no conflict")
    suggest.add_argument("--json", action="store_true", help="print one JSON object")
    put = sub.add_parser("set", help="store one mapping")
    put.add_argument("kind", choices=("room-type", "room", "source"))
    put.add_argument("cloudbed_id", metavar="CLOUDBEDS_ID")
    put.add_argument(
        "adf_value", metavar="ADF_VALUE", help="ADF type name, room number or source word; - removes"
    )
    put.add_argument("--detail", metavar="WORD", help="ota_source_detail for a source (agoda, booking …)")
    for p in (show, suggest, put):
        p.add_argument("--db", metavar="URL", help="SQLAlchemy database URL")
        p.add_argument("--property-id", metavar="ID", help="Cloudbeds property (default: the connected one)")


def active_property(engine, explicit: str | None) -> str | None:
    """The property a command acts on: the one given, the connected one, else the demo's."""
    import sqlalchemy as sa

    from pms.connection.properties import primary_property
    from pms.db import schema
    from pms.db.settings import Settings

    if explicit:
        return explicit
    pid = primary_property(engine) or Settings(engine).get("pms_demo_property_id")
    if pid:
        return str(pid)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.select(schema.cloudbed_properties.c.property_id))]
    return ids[0] if len(ids) == 1 else None


def _lines(view) -> list[str]:
    out = []
    if not view.catalog.found:
        out.append(
            "no ADF front desk in this database: only room types are mapped "
            "(to the names in cloudbed_room_mapping)"
        )
    for title, rows in (("room types", view.room_types), ("rooms", view.rooms), ("sources", view.sources)):
        out.append(f"{title}:")
        for r in rows:
            adf = r["adf_value"] or "-"
            if r.get("adf_detail"):
                adf += f" ({r['adf_detail']})"
            extra = f"  [{r['collect']} collect]" if r.get("collect") else ""
            out.append(f"  {r['cloudbed_id']:<14} {r['cloudbed_name'] or ''!s:<32} → {adf}{extra}")
    for issue in view.issues:
        out.append(f"conflict: {issue}")
    return out


def run(args: argparse.Namespace) -> int:
    from pms.adf.mapping import accept_suggestions, load_view, set_mapping
    from pms.config import database_url
    from pms.db.engine import make_engine
    from pms.db.setup import ensure_schema

    engine = make_engine(database_url(args.db))
    try:
        ensure_schema(engine)
        pid = active_property(engine, args.property_id)
        if pid is None:
            print("error: no Cloudbeds property yet: connect one (or run a sync in demo mode) first")
            return 1
        if args.action == "set":
            value = None if args.adf_value == "-" else args.adf_value
            set_mapping(engine, pid, args.kind, args.cloudbed_id, value, args.detail)
            print(f"{args.kind} {args.cloudbed_id} → {value or '(removed)'}")
            return 0
        view = load_view(engine, pid)
        if args.action == "show":
            print(
                json.dumps(view.to_json(), ensure_ascii=False, default=str)
                if args.json
                else "\n".join(_lines(view))
            )
            return 0
        stored = accept_suggestions(engine, pid, view) if args.accept else 0
        if args.json:
            print(
                json.dumps(
                    {"suggestions": [s.__dict__ for s in view.suggestions], "accepted": stored},
                    ensure_ascii=False,
                )
            )
            return 0
        for s in view.suggestions:
            adf = s.adf_value or "-"
            if s.adf_detail:
                adf += f" ({s.adf_detail})"
            flag = f"  CONFLICT: {s.conflict}" if s.conflict else ""
            print(
                f"{s.kind:<9} {s.cloudbed_id:<14} {s.cloudbed_name or ''!s:<32} → {adf:<20} {s.reason}{flag}"
            )
        if not view.suggestions:
            print("nothing to suggest: everything is mapped")
        if args.accept:
            print(f"stored {stored} suggestion(s) without a conflict")
        return 0
    finally:
        engine.dispose()
