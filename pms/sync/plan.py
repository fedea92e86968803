"""A frozen preview of a sync: typed actions with counts and a few samples each, no writes.

``plan_sync`` fetches from Cloudbeds and compares with the database exactly as ``run_sync`` does,
page by page, but never writes; what it keeps is bounded (counts, and at most ``SAMPLES`` actions of
each kind), so previewing a 100,000-booking full sync costs no more memory than a small one. The
apply that follows recomputes every page inside its own write transaction (domain rule 22), so it
only executes what is still true by then. Warnings are shown, never executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pms.sync.result import EntityCounts

__all__ = ["ACTION_KINDS", "FRONT_DESK_KINDS", "SAMPLES", "PlanAction", "SyncPlan"]

ACTION_KINDS = ("create", "update", "cancel", "link", "push_create", "push_update", "push_rate", "warn")
# What the sync would do in the hotel's ADF front desk (pms.adf), counted apart from the mirror's.
FRONT_DESK_KINDS = ("link", "create", "update", "move", "cancel", "warn")
SAMPLES = 10


@dataclass(frozen=True)
class PlanAction:
    """One thing the sync would do.

    Attributes:
        kind: one of ``ACTION_KINDS``.
        entity: ``reservations``, ``guests``, ``rooms``, ``rates``, ``availability``, ``catalog``.
        key: the Cloudbeds id (or local id for pushes) it is about.
        summary: one line for a manager ("canceled in Cloudbeds", "Rp 1,200,000 → Rp 1,350,000").
    """

    kind: str
    entity: str
    key: str
    summary: str = ""


@dataclass
class SyncPlan:
    """Counts and samples of the actions a run would take.

    Attributes:
        counts: actions per kind (``create``, ``update`` ... ``warn``).
        samples: up to ``SAMPLES`` actions per kind.
        entities: predicted ``EntityCounts`` per entity (what ``run_sync`` would report).
        api_calls: calls the preview itself cost.
    """

    description: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTION_KINDS, 0))
    samples: dict[str, list[PlanAction]] = field(default_factory=lambda: {k: [] for k in ACTION_KINDS})
    entities: dict[str, EntityCounts] = field(default_factory=dict)
    api_calls: int = 0
    rate_limited: int = 0
    duration_s: float = 0.0
    status: str = "completed"
    error: str | None = None
    front_desk: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FRONT_DESK_KINDS, 0))
    front_desk_samples: dict[str, list[PlanAction]] = field(
        default_factory=lambda: {k: [] for k in FRONT_DESK_KINDS}
    )

    def add_front_desk(self, kind: str, key: str, summary: str = "") -> None:
        """An action on the hotel's front desk (``FRONT_DESK_KINDS``), with its samples."""
        if kind not in self.front_desk:
            raise ValueError(f"unknown front-desk action {kind!r}")
        self.front_desk[kind] += 1
        if len(self.front_desk_samples[kind]) < SAMPLES:
            self.front_desk_samples[kind].append(PlanAction(kind, "front_desk", str(key), summary))

    def add(self, kind: str, entity: str, key: str, summary: str = "") -> None:
        if kind not in self.counts:
            raise ValueError(f"unknown plan action {kind!r}")
        self.counts[kind] += 1
        if len(self.samples[kind]) < SAMPLES:
            self.samples[kind].append(PlanAction(kind, entity, str(key), summary))

    @property
    def warnings(self) -> list[str]:
        return [a.summary for a in self.samples["warn"]]

    @property
    def total_actions(self) -> int:
        return sum(n for k, n in self.counts.items() if k != "warn")

    def lines(self) -> list[str]:
        """The plan as text, for ``--dry-run`` and the dashboard's preview."""
        out = [f"Plan: {self.description}"]
        for kind in ACTION_KINDS:
            n = self.counts[kind]
            if not n:
                continue
            out.append(f"  {kind:<12} {n}")
            for action in self.samples[kind]:
                out.append(f"      {action.entity} {action.key}: {action.summary}".rstrip(": "))
            if n > len(self.samples[kind]):
                out.append(f"      ... and {n - len(self.samples[kind])} more")
        if self.total_actions == 0:
            out.append("  nothing to do")
        if any(self.front_desk.values()):
            out.append("Front desk (ADF):")
            for kind in FRONT_DESK_KINDS:
                n = self.front_desk[kind]
                if not n:
                    continue
                out.append(f"  {kind:<12} {n}")
                for action in self.front_desk_samples[kind]:
                    out.append(f"      {action.key}: {action.summary}".rstrip(": "))
                if n > len(self.front_desk_samples[kind]):
                    out.append(f"      ... and {n - len(self.front_desk_samples[kind])} more")
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "failed" if self.status == "failed" else "completed",
            "dry_run": True,
            "api_calls": self.api_calls,
            "rate_limited": self.rate_limited,
            "duration_s": round(self.duration_s, 3),
            "reservations": self.entities.get("reservations", EntityCounts()).as_dict(),
            "guests": self.entities.get("guests", EntityCounts()).as_dict(),
            "warnings": self.counts["warn"],
            "actions": dict(self.counts),
            "samples": {k: [a.__dict__ for a in v] for k, v in self.samples.items() if v},
            "front_desk": {
                "actions": dict(self.front_desk),
                "samples": {k: [a.__dict__ for a in v] for k, v in self.front_desk_samples.items() if v},
            },
            **({"error": self.error} if self.error else {}),
        }
