"""What a run did: counts per entity, warnings, errors, API cost; and the ``--json`` contract.

Counts are truthful, not estimates: they are decided inside the transaction that writes the rows.
Warnings are capped in number (a broken folio on every row of a 100,000-booking pull must not
fill memory) but always counted, so the dashboard can say "and 312 more".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["MAX_MESSAGES", "EntityCounts", "Outcome", "SyncResult"]

MAX_MESSAGES = 200


@dataclass
class EntityCounts:
    """Per entity: rows created, updated, left unchanged, marked deleted, and records that failed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: int = 0

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.unchanged + self.deleted + self.failed

    @property
    def successful(self) -> int:
        return self.created + self.updated + self.unchanged + self.deleted

    def add(self, other: EntityCounts) -> EntityCounts:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.failed += other.failed
        return self

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "failed": self.failed,
        }


@dataclass(frozen=True)
class Outcome:
    """What one action did with its own records, as a person is told it.

    ``changed`` (created, updated or deleted) and ``unchanged`` are kept apart, so an apply that
    only re-read 128 identical records says "128 unchanged", as its preview said "nothing to do".
    ``reasons`` hold why each failure failed (the fatal error first).
    """

    status: str
    changed: int
    unchanged: int
    failed: int
    reasons: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Nothing failed: neither the run nor any of its records."""
        return self.status != "failed" and self.failed == 0


@dataclass
class SyncResult:
    """The outcome of ``run_sync`` (and of refreshes, retries and rate-job follow-ups).

    Attributes:
        status: ``completed``, ``partial`` (finished, some records failed) or ``failed`` (stopped
            early: what was committed before stays, the cursor did not move past it).
        counts: ``EntityCounts`` per entity (``reservations``, ``rooms``, ``guests``, ``rates``,
            ``availability``, ``catalog``, ``push``).
        linked: local reservations linked to their Cloudbeds twin (domain rule 3).
        warnings: up to ``MAX_MESSAGES`` messages; ``warning_count`` counts them all.
        errors: up to ``MAX_MESSAGES`` per-record or fatal error messages.
        error: the fatal error's message when ``status`` is ``failed``.
        error_kind: that error's class name (``AuthenticationError``, ``RateLimitError``,
            ``SyncLockedError``, ``OperationalError`` ...), for callers that react to the kind.
        api_calls, rate_limited: HTTP attempts and 429 answers during the run.
        sync_log_id: the ``cloudbed_sync_log`` row.
    """

    mode: str = ""
    direction: str = "pull"
    trigger: str = "manual"
    entities: tuple[str, ...] = ()
    status: str = "completed"
    counts: dict[str, EntityCounts] = field(default_factory=dict)
    linked: int = 0
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    errors: list[str] = field(default_factory=list)
    error: str | None = None
    error_kind: str | None = None
    api_calls: int = 0
    rate_limited: int = 0
    started_at: datetime | None = None
    duration_s: float = 0.0
    sync_log_id: int | None = None
    front_desk: dict[str, int] | None = None  # the ADF front desk's actions (pms.adf), when it has one
    failures: list[tuple[str, str]] = field(default_factory=list)  # (entity, why), as in ``errors``

    def entity(self, name: str) -> EntityCounts:
        if name not in self.counts:
            self.counts[name] = EntityCounts()
        return self.counts[name]

    def warn(self, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_MESSAGES:
            self.warnings.append(message)

    def fail_record(self, entity: str, message: str) -> None:
        self.entity(entity).failed += 1
        self.error_for(entity, message)

    def error_for(self, entity: str, message: str) -> None:
        """Why a record of ``entity`` failed (its count is kept by the caller)."""
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(message)
            self.failures.append((entity, message))

    def outcome(self, entities: tuple[str, ...] | None = None) -> Outcome:
        """The result for ``entities`` only (all when None): an action reports its own records."""
        names = self.counts.keys() if entities is None else [e for e in entities if e in self.counts]
        counts = EntityCounts()
        for name in names:
            counts.add(self.counts[name])
        reasons = [m for e, m in self.failures if entities is None or e in entities]
        if self.status == "failed" and self.error:
            reasons.insert(0, self.error)
        return Outcome(
            status=self.status,
            changed=counts.created + counts.updated + counts.deleted,
            unchanged=counts.unchanged,
            failed=counts.failed,
            reasons=tuple(reasons),
        )

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def processed(self) -> int:
        return sum(c.processed for c in self.counts.values())

    @property
    def successful(self) -> int:
        return sum(c.successful for c in self.counts.values())

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.counts.values())

    def finish_status(self) -> None:
        """``partial`` when records failed in a run that otherwise finished."""
        if self.status != "failed":
            self.status = "partial" if self.failed else "completed"

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` object (its keys are a contract the benchmarks read)."""
        empty = EntityCounts().as_dict()
        out: dict[str, Any] = {
            "status": "failed" if self.status == "failed" else "completed",
            "api_calls": self.api_calls,
            "rate_limited": self.rate_limited,
            "duration_s": round(self.duration_s, 3),
            "reservations": self.counts["reservations"].as_dict() if "reservations" in self.counts else empty,
            "guests": self.counts["guests"].as_dict() if "guests" in self.counts else empty,
            "warnings": self.warning_count,
        }
        for name, counts in self.counts.items():
            if name not in out:
                out[name] = counts.as_dict()
        out.update(
            {
                "mode": self.mode,
                "direction": self.direction,
                "linked": self.linked,
                "run_status": self.status,
                "sync_log_id": self.sync_log_id,
            }
        )
        if self.front_desk is not None:
            out["front_desk"] = dict(self.front_desk)
        if self.error:
            out["error"] = self.error
            out["error_kind"] = self.error_kind
        return out
