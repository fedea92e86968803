"""``python -m bench.child <task> '<json>'``: one measured run in a fresh interpreter.

The parent reads the last stdout line (a JSON object) and takes the peak RSS from ``wait4``, so
every number belongs to this one run.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

__all__ = ["main"]


def _write(args: dict[str, Any]) -> dict[str, Any]:
    from bench import writes
    from bench.rows import make_rows

    rows = make_rows(args["n"])
    engine = writes.prepare(args["url"])
    try:
        if args["how"] == "upsert":
            out = writes.write_upsert(engine, rows)
            if args.get("again"):  # the same rows once more: nothing changed, nothing rewritten
                out["again"] = writes.write_upsert(engine, rows)
        elif args["how"] == "bare":
            out = writes.write_bare(engine, *writes.with_ids(rows))
        else:
            raise ValueError(args["how"])
    finally:
        engine.dispose()
    out["rows"] = {
        "guests": len(rows.guests),
        "reservations": len(rows.reservations),
        "rooms": len(rows.rooms),
    }
    return out


def _pull(args: dict[str, Any]) -> dict[str, Any]:
    from bench import pulls

    return pulls.run(args)


def _sync_write(args: dict[str, Any]) -> dict[str, Any]:
    from bench import syncwrite

    return syncwrite.run(args)


def _writer_only(args: dict[str, Any]) -> dict[str, Any]:
    from bench import syncwrite

    return syncwrite.writer_only(args)


def _sync(args: dict[str, Any]) -> dict[str, Any]:
    from bench import syncrun

    return syncrun.run_in_process(args)


def _dashboard(args: dict[str, Any]) -> dict[str, Any]:
    from bench import dashrender

    return dashrender.run(args)


def _cli(args: dict[str, Any]) -> dict[str, Any]:
    from bench import remotecli

    return remotecli.run(args)


TASKS = {
    "cli": _cli,
    "dashboard": _dashboard,
    "write": _write,
    "pull": _pull,
    "sync_write": _sync_write,
    "sync": _sync,
    "writer_only": _writer_only,
}


def main(argv: list[str]) -> int:
    task, raw = argv[0], argv[1] if len(argv) > 1 else "{}"
    out = TASKS[task](json.loads(raw))
    out["child_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(out, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
