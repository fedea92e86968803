"""One measured figure: value, baseline, ratio, goal, verdict, and why a goal was missed.

A figure that could not be measured (a product piece not merged yet, MariaDB unreachable) is still
a row in the table, with ``met=None`` and the reason, so a reader never mistakes a gap for a pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Figure", "not_measured"]


@dataclass
class Figure:
    """A row of the results table.

    Attributes:
        name: what is measured.
        how: what was run, with sizes.
        value: the figure itself, already formatted with its unit.
        baseline: the baseline it is compared with (measured in the same run), formatted.
        ratio: value ÷ baseline where the goal is a ratio, formatted.
        goal: the goal, in words.
        met: True / False, or None when it was not measured.
        note: the cause of a miss and the next step, or why it was not measured.
        raw: the numbers behind the row (kept in the JSON dump, not in the table).
    """

    name: str
    how: str
    value: str = "—"
    baseline: str = "—"
    ratio: str = "—"
    goal: str = ""
    met: bool | None = None
    note: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**missed**", None: "not measured"}[self.met]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def not_measured(name: str, how: str, goal: str, reason: str) -> Figure:
    """A row for a figure whose prerequisite is missing, saying which and why."""
    return Figure(name=name, how=how, goal=goal, met=None, note=reason)
