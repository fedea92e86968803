"""``python -m pms sync``: one sync run from the command line (cron, systemd, benchmarks).

    python -m pms sync [--db URL] (--full | --incremental | --from YYYY-MM-DD --to YYYY-MM-DD)
                       [--entities reservations,guests,rates,availability,catalog] [--push]
                       [--dry-run] [--json] [--wait]

Contract (benchmarks rely on it): with ``--json`` the last line printed on stdout is one JSON
object ``{"status": "completed"|"failed", "api_calls": n, "rate_limited": n, "duration_s": x,
"reservations": {...}, "guests": {...}, "warnings": n, ...}``; the exit code is non-zero when the
run failed (1), or was refused because another sync runs (2), or the input was invalid (64).
The database is set up first if needed, so a clean database works.
"""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["EXIT_FAILED", "EXIT_LOCKED", "EXIT_USAGE", "add_arguments", "run"]

EXIT_FAILED = 1
EXIT_LOCKED = 2
EXIT_USAGE = 64


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="URL", help="database URL (default: PMS_DATABASE_URL or data/pms.sqlite3)"
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--full", action="store_true", help="everything; marks bookings gone from Cloudbeds deleted"
    )
    mode.add_argument("--incremental", action="store_true", help="changes since the last run (a few calls)")
    mode.add_argument(
        "--from", dest="date_from", metavar="YYYY-MM-DD", help="stays overlapping this window ..."
    )
    parser.add_argument(
        "--to", dest="date_to", metavar="YYYY-MM-DD", help="... up to this date (with --from)"
    )
    parser.add_argument(
        "--entities",
        default="",
        help="comma list of reservations,guests,rates,availability,catalog (default: by mode)",
    )
    parser.add_argument("--push", action="store_true", help="also send hotel-side changes to Cloudbeds first")
    parser.add_argument("--dry-run", action="store_true", help="show the plan; write nothing")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object (last line)")
    parser.add_argument("--wait", action="store_true", help="wait for a running sync instead of refusing")


def _emit(args: argparse.Namespace, payload: dict, lines: list[str]) -> None:
    if args.json:
        for line in lines:
            print(line, file=sys.stderr)
        print(json.dumps(payload, ensure_ascii=False, default=str), flush=True)
    else:
        for line in lines:
            print(line)


def _failed(args: argparse.Namespace, message: str, code: int) -> int:
    _emit(
        args,
        {
            "status": "failed",
            "api_calls": 0,
            "rate_limited": 0,
            "duration_s": 0.0,
            "reservations": {},
            "guests": {},
            "warnings": 0,
            "error": message,
        },
        [f"error: {message}"],
    )
    return code


def _progress(done: int, expected: int | None, label: str) -> None:
    if sys.stderr.isatty():
        of = f"/{expected}" if expected else ""
        print(f"\r{label}: {done}{of}   ", end="", file=sys.stderr, flush=True)


def _summary(result) -> list[str]:
    out = [
        f"sync {result.mode} {result.direction}: {result.status} in {result.duration_s:.1f} s, "
        f"{result.api_calls} API call(s), {result.rate_limited} rate-limited"
    ]
    for name, c in result.counts.items():
        out.append(
            f"  {name:<13} created {c.created}, updated {c.updated}, unchanged {c.unchanged}, "
            f"deleted {c.deleted}, failed {c.failed}"
        )
    if result.linked:
        out.append(f"  linked {result.linked} hotel booking(s) to their Cloudbeds twin")
    for w in result.warnings[:20]:
        out.append(f"  warning: {w}")
    if result.warning_count > 20:
        out.append(f"  ... and {result.warning_count - 20} more warning(s)")
    for e in result.errors[:20]:
        out.append(f"  failed: {e}")
    if result.error:
        out.append(f"error: {result.error}")
    return out


def run(args: argparse.Namespace) -> int:
    from pms.config import database_url
    from pms.connection import build_client, detect_property
    from pms.db.engine import make_engine
    from pms.db.setup import ensure_schema
    from pms.errors import ConfigurationError, PMSError, SyncError, SyncLockedError
    from pms.sync import SyncContext, SyncRequest, plan_sync, run_sync

    try:
        if args.date_to and not args.date_from:
            raise SyncError("--to needs --from (a window sync): --from YYYY-MM-DD --to YYYY-MM-DD")
        mode = "full" if args.full else "incremental" if args.incremental else "window"
        req = SyncRequest(
            mode=mode,
            date_from=args.date_from,
            date_to=args.date_to,
            entities=args.entities,
            direction="both" if args.push else "pull",
            trigger="cli",
            wait_for_lease=args.wait,
        )
    except SyncError as exc:
        return _failed(args, str(exc), EXIT_USAGE)

    engine = make_engine(database_url(args.db))
    try:
        ensure_schema(engine)
        client = build_client(engine)
        ctx = SyncContext(engine, client, detect_property(engine, client), progress=_progress)
        if args.dry_run:
            plan = plan_sync(ctx, req)
            _emit(args, plan.to_json(), plan.lines() + ([f"error: {plan.error}"] if plan.error else []))
            return EXIT_FAILED if plan.status == "failed" else 0
        result = run_sync(ctx, req)
    except SyncLockedError as exc:
        return _failed(args, str(exc), EXIT_LOCKED)
    except (ConfigurationError, PMSError) as exc:
        return _failed(args, str(exc), EXIT_FAILED)
    finally:
        if sys.stderr.isatty():
            print("", file=sys.stderr)
        engine.dispose()
    _emit(args, result.to_json(), _summary(result))
    return EXIT_FAILED if result.status == "failed" else 0
