"""Figure: AppTest render time of the Overview and Reservations pages, large ÷ small database."""

from __future__ import annotations

from bench.config import BenchConfig
from bench.figures import not_measured
from bench.procs import ROOT

__all__ = ["run"]

NAME = "dashboard render"


def missing_dashboard() -> str | None:
    for path in ("dashboard.py", "pages"):
        if not (ROOT / path).exists():
            return f"{path} (branch dashboard) is not merged into this branch yet"
    return None


def run(cfg: BenchConfig):
    small, large = cfg.dashboard_n
    reason = missing_dashboard()
    return [not_measured(NAME, f"AppTest render of Overview and Reservations with {large:,} reservations ÷ "
                         f"with {small:,}", "≤ 2.0, and Overview ≤ 1.5 s absolute", reason or "not implemented yet")]
