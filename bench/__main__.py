"""``python -m bench [--quick] [--only SUITE ...] [--out PATH]``: run the benchmarks, print the table.

The full run (``make bench``) writes ``docs/benchmarks.md``; a quick run (smoke sizes) writes only
where ``--out`` says, so a smoke test never replaces the real figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    suite_adf,
    suite_adfpush,
    suite_dashboard,
    suite_db,
    suite_remote,
    suite_sync,
    suite_webhooks,
    suite_workers,
)
from bench.config import BenchConfig
from bench.databases import DEFAULT_MYSQL_URL, mysql_available
from bench.figures import Figure, not_measured
from bench.procs import ROOT
from bench.report import machine, render_markdown, render_text

__all__ = ["main"]

SUITES = {
    "sync": suite_sync.run,
    "db": suite_db.run,
    "webhooks": suite_webhooks.run,
    "dashboard": suite_dashboard.run,
    "adf": suite_adf.run,
    "workers": suite_workers.run,
    "remote": suite_remote.run,
    "adfpush": suite_adfpush.run,
}


def _mysql_version(url: str) -> str | None:
    if mysql_available(url):
        return None
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT VERSION()").scalar()
    finally:
        engine.dispose()


def _figure(d: dict) -> Figure:
    return Figure(**{k: v for k, v in d.items() if k in Figure.__dataclass_fields__})


def _rewrite(out: Path, quiet: bool = False) -> int:
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    full = data["full_run"]
    reruns = {n: v["at"] for n, v in data["suites"].items() if v["at"][:19] > _end(full)}
    figures = [_figure(d) for n in SUITES if n in data["suites"] for d in data["suites"][n]["figures"]]
    loads = {n: data["suites"][n].get("load", "") for n in reruns}
    out.write_text(
        render_markdown(
            figures,
            full["machine"],
            data["mode"],
            datetime.fromisoformat(full["started"]),
            full["seconds"],
            rerun=reruns or None,
            rerun_load=loads,
        ),
        encoding="utf-8",
    )
    if not quiet:
        print(render_text(figures))
    return 0


def _end(full: dict) -> str:
    from datetime import timedelta

    # Suites are stamped when they finish; a minute's slack keeps the full run's last suite its own.
    return (datetime.fromisoformat(full["started"]) + timedelta(seconds=full["seconds"] + 60)).isoformat()[
        :19
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes (not the published figures)")
    parser.add_argument("--only", nargs="+", choices=sorted(SUITES), help="run only these suites")
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the Markdown table "
        "(default docs/benchmarks.md for a full run, nowhere for --quick)",
    )
    parser.add_argument(
        "--mysql-url", default=DEFAULT_MYSQL_URL, help="MariaDB server for throwaway databases"
    )
    parser.add_argument("--no-mysql", action="store_true", help="SQLite only")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="sample the server with py-spy during the webhook burst; collapsed stacks are written to DIR",
    )
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="re-render the page from its .json sidecar without measuring anything",
    )
    args = parser.parse_args(argv)
    if args.rewrite:
        return _rewrite(args.out or ROOT / "docs" / "benchmarks.md")
    cfg = BenchConfig(
        quick=args.quick,
        mysql_url=args.mysql_url,
        databases=("sqlite",) if args.no_mysql else ("sqlite", "mysql"),
        profile_dir=args.profile,
    )
    out = args.out or (None if args.quick else ROOT / "docs" / "benchmarks.md")
    started = datetime.now(UTC)
    load_at_start = os.getloadavg()
    t0 = time.perf_counter()
    figures: list[Figure] = []
    by_suite: dict[str, dict] = {}
    failed = 0
    for name in args.only or list(SUITES):
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        s0 = time.perf_counter()
        try:
            got = SUITES[name](cfg)
        except Exception as exc:
            failed += 1
            traceback.print_exc()
            got = [
                not_measured(
                    f"{name} suite",
                    "—",
                    "",
                    f"the benchmark itself failed: {type(exc).__name__}: {exc}"[:500],
                )
            ]
        figures.extend(got)
        by_suite[name] = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - s0, 1),
            "figures": [f.as_dict() for f in got],
        }
        print(f"bench: {name} done in {time.perf_counter() - s0:.0f} s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - t0
    print(render_text(figures))
    if out:
        info = machine(_mysql_version(cfg.mysql_url) if "mysql" in cfg.databases else None, load_at_start)
        out.parent.mkdir(parents=True, exist_ok=True)
        sidecar = out.with_suffix(".json")
        run_info = {
            "started": started.isoformat(timespec="seconds"),
            "seconds": round(seconds, 1),
            "machine": info,
        }
        full_run, rerun = run_info, None
        if args.only and sidecar.exists():  # re-running some suites: keep the other suites' rows
            old = json.loads(sidecar.read_text(encoding="utf-8"))
            if old.get("mode") == cfg.mode:
                rerun = {n: by_suite[n]["at"] for n in by_suite}
                by_suite = {**old["suites"], **by_suite}
                full_run = old.get("full_run") or run_info
                figures = [_figure(d) for n in SUITES if n in by_suite for d in by_suite[n]["figures"]]
        out.write_text(
            render_markdown(
                figures,
                full_run["machine"],
                cfg.mode,
                datetime.fromisoformat(full_run["started"]),
                full_run["seconds"],
                rerun=rerun,
                rerun_load=dict.fromkeys(rerun or {}, info["load"]),
            ),
            encoding="utf-8",
        )
        if rerun:
            for name in rerun:
                by_suite[name]["load"] = info["load"]
        sidecar.write_text(
            json.dumps({"mode": cfg.mode, "full_run": full_run, "suites": by_suite}, indent=1, default=str)
            + "\n",
            encoding="utf-8",
        )
        if rerun:
            _rewrite(out, quiet=True)
        print(f"bench: wrote {out} and {sidecar.name}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
