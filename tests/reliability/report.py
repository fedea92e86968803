"""Render the reliability figures the tests measured as the table in ``docs/reliability.md``.

    python tests/reliability/report.py            print the table of the newest run
    python tests/reliability/report.py --write    also replace the table in docs/reliability.md

The counts come from ``test-artifacts/reliability/counts-<run>-<worker>.json`` (see ``tally.py``):
the newest run's files (all xdist workers of one run share its id) are summed per area. Nothing
here is typed in by hand; a figure that is not measured is not shown.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "reliability"
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
COLUMNS = (
    ("faults_injected", "faults injected"),
    ("runs", "runs"),
    ("records_lost", "records lost"),
    ("duplicates", "duplicates"),
    ("bad_inputs", "bad inputs tried"),
    ("secrets_found", "secrets found"),
    ("places_scanned", "places scanned"),
)


def newest_run(folder: Path = ARTIFACTS) -> tuple[str, list[dict]]:
    files = sorted(folder.glob("counts-*.json"), key=lambda p: p.stat().st_mtime)
    if not files:
        raise SystemExit(f"no counts in {folder}: run `make test` or `make soak` first")
    payloads = [json.loads(p.read_text()) for p in files]
    run = payloads[-1]["run"]
    return run, [p for p in payloads if p["run"] == run]


def table(payloads: list[dict]) -> str:
    areas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for payload in payloads:
        for area, counts in payload["areas"].items():
            for metric, value in counts.items():
                areas[area][metric] += value
    soak = any(p.get("soak") for p in payloads)
    stamp = datetime.fromtimestamp(
        max(p.get("written", 0) for p in payloads) or datetime.now(UTC).timestamp(), UTC
    ).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured by {'`make soak` (PMS_SOAK=1)' if soak else '`make test`'} on {stamp} "
        f"({len(payloads)} test process(es)).",
        "",
        "| area | " + " | ".join(title for _, title in COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    total: dict[str, int] = defaultdict(int)
    for area in sorted(areas):
        row = areas[area]
        for metric, _ in COLUMNS:
            total[metric] += row.get(metric, 0)
        lines.append(f"| {area} | " + " | ".join(str(row.get(m, 0)) for m, _ in COLUMNS) + " |")
    lines.append("| **total** | " + " | ".join(f"**{total[m]}**" for m, _ in COLUMNS) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"replace the table in {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    _, payloads = newest_run()
    text = table(payloads)
    print(text)
    if args.write:
        doc = DOC.read_text()
        if START not in doc or END not in doc:
            print(f"{DOC} has no {START} ... {END} markers", file=sys.stderr)
            return 1
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
