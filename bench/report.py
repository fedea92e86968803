"""The results table: printed to the terminal and written to ``docs/benchmarks.md``.

The page says on which machine and when the figures were taken, then the table, then for every
missed or unmeasured goal its cause and next step, so the page alone answers "is the sync close
to the limit, and if not, why".
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bench.figures import Figure

__all__ = ["machine", "render_markdown", "render_text"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    return "unknown"


def machine(mysql_version: str | None, load_at_start: tuple[float, ...] | None = None) -> dict[str, str]:
    """What the figures were measured on, and how busy the machine was (it is shared)."""
    load = os.getloadavg()
    return {
        "load": (
            f"1-min load average {load_at_start[0]:.1f} at the start, {load[0]:.1f} at the end "
            f"(other work shared the {os.cpu_count()} cores; timings are best-of-n where repeated)"
            if load_at_start
            else f"1-min load average {load[0]:.1f}"
        ),
        "cpu": f"{_cpu_model()}, {os.cpu_count()} cores",
        "ram": _ram_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "mariadb": mysql_version or "not reachable",
    }


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(
    figures: list[Figure],
    info: dict[str, str],
    mode: str,
    started: datetime,
    seconds: float,
    rerun: dict[str, str] | None = None,
    rerun_load: dict[str, str] | None = None,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`, the harness in `bench/`); do not edit by hand.",
        "Every figure is a ratio against a baseline measured in the same run, against the sandbox",
        "(a subprocess) and real databases (SQLite, MariaDB); heavy parts run in their own subprocess",
        "so each peak RSS belongs to one run. Goals are in each row.",
        "",
        f"- **Date**: {started.astimezone(UTC):%Y-%m-%d %H:%M} UTC (run took {seconds / 60:.1f} min)",
        f"- **Mode**: {mode}",
    ]
    if rerun:
        loads = rerun_load or {}
        lines.append(
            "- **Re-run since** (`python -m bench --only`; their rows replace the full run's): "
            + "; ".join(
                f"the {name} suite at {at[:16].replace('T', ' ')} UTC"
                + (f" ({loads[name].split(' (')[0]})" if loads.get(name) else "")
                for name, at in rerun.items()
            )
        )
    lines += [
        f"- **{k.upper() if k in ('cpu', 'ram', 'os') else k.capitalize()}**: {v}" for k, v in info.items()
    ]
    lines += [
        "",
        "| figure | how | value | baseline | ratio | goal | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            "| "
            + " | ".join(_cell(x) for x in (f.name, f.how, f.value, f.baseline, f.ratio, f.goal, f.verdict))
            + " |"
        )
    notes = [f for f in figures if f.note]
    if notes:
        lines += ["", "## Notes: causes of misses, gaps and next steps", ""]
        for f in notes:
            lines.append(f"- **{f.name}** ({f.verdict}): {f.note}")
    lines += [
        "",
        "## Raw numbers",
        "",
        "```json",
        json.dumps([{"name": f.name, **f.raw} for f in figures], indent=1, default=str),
        "```",
        "",
    ]
    return "\n".join(lines)


def render_text(figures: list[Figure]) -> str:
    """A plain table for the terminal."""
    cols = [("figure", 44), ("value", 22), ("baseline", 22), ("ratio", 14), ("goal", 26), ("verdict", 12)]
    out = ["  ".join(name.ljust(w) for name, w in cols)]
    for f in figures:
        vals = [f.name, f.value, f.baseline, f.ratio, f.goal, f.verdict.replace("*", "")]
        out.append("  ".join(str(v)[:w].ljust(w) for v, (_, w) in zip(vals, cols, strict=True)))
    return "\n".join(out)
