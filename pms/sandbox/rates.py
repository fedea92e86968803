"""Asynchronous rate jobs (patchRate / putRate) and their lifecycle.

Cloudbeds queues rate writes: the call returns a ``jobReferenceID`` at once, the change lands later,
and the job ends ``completed`` or ``error`` (an ``api_queue_task/rate_status_changed`` webhook says
which). Here the job is applied ``rate_job_delay`` seconds after it was accepted, on the scheduler
thread; an update for a rate id that does not exist fails the job rather than the call, as a queued
system would. Jobs stay visible for seven days.

Two readings shape them: ``rate_end_date`` (is an interval's ``endDate`` its last night, or the day
after?) and ``rate_job_statuses`` (a job not yet finished is ``in_progress``, as the spec says, or
``queued`` and then ``processing``).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pms.sandbox.clock import SandboxClock, format_local
from pms.sandbox.config import SandboxConfig
from pms.sandbox.pricing import DEFAULT_RESTRICTIONS
from pms.sandbox.scheduler import Scheduler
from pms.sandbox.store import Store

__all__ = ["JOB_TTL", "RateJob", "RateJobs"]

JOB_TTL = timedelta(days=7)


@dataclass
class RateJob:
    job_id: str
    owner_id: str
    created: datetime
    updates: list[dict[str, Any]]  # {"rateID", "startDate", "endDate", "rate", optional restrictions}
    status: str = "in_progress"
    results: list[dict[str, Any]] = field(default_factory=list)
    end_exclusive: bool = False  # the rate_end_date reading when the job was accepted

    def to_json(self, tz, status: str | None = None) -> dict[str, Any]:
        """The getRateJobs item; ``status`` overrides the stored one (the reading's wording)."""
        updates = self.results or [{**u, "action": "in_progress"} for u in self.updates]
        return {
            "jobReferenceID": self.job_id,
            # Typed `date` in the spec but described as a datetime; we send the date (docs/sandbox.md).
            "dateCreated": (format_local(self.created, tz) or "")[:10],
            "status": status or self.status,
            "updates": updates,
        }


class RateJobs:
    """Accepts validated rate updates and applies them later."""

    def __init__(
        self, config: SandboxConfig, clock: SandboxClock, scheduler: Scheduler, store: Callable[[], Store]
    ) -> None:
        self.config = config
        self.clock = clock
        self.scheduler = scheduler
        self._store = store
        self._lock = threading.Lock()
        self.jobs: dict[str, RateJob] = {}

    def submit(self, owner_id: str, updates: list[dict[str, Any]], *, end_exclusive: bool = False) -> RateJob:
        job = RateJob(
            "rj_" + secrets.token_hex(6), owner_id, self.clock.now(), updates, end_exclusive=end_exclusive
        )
        with self._lock:
            self.jobs[job.job_id] = job
        self.scheduler.call_later(float(self.config.rate_job_delay), lambda: self._complete(job))
        return job

    def _complete(self, job: RateJob) -> None:
        store = self._store()
        with store.lock:
            results, failed = [], False
            for update in job.updates:
                plan = store.rate_plans.get(update["rateID"])
                if plan is None:
                    failed = True
                    results.append(
                        {**update, "action": "error", "message": f"Rate {update['rateID']} not found"}
                    )
                    continue
                if plan.is_derived:
                    failed = True
                    results.append(
                        {**update, "action": "error", "message": "Derived rates cannot be updated"}
                    )
                    continue
                self._apply(plan, update, job.end_exclusive)
                results.append({**update, "action": "updated"})
            with self._lock:
                job.results = results
                job.status = "error" if failed else "completed"
            store.touch()
            store.emit(
                "api_queue_task/rate_status_changed", {"queueTaskId": job.job_id, "status": job.status}
            )

    @staticmethod
    def _apply(plan, update: dict[str, Any], end_exclusive: bool) -> None:
        start: date = date.fromisoformat(update["startDate"])
        end: date = date.fromisoformat(update["endDate"])
        if end_exclusive:  # the rate_end_date reading: endDate is the day after the last night
            end -= timedelta(days=1)
        values = {"rate": update["rate"]}
        values.update({k: update[k] for k in DEFAULT_RESTRICTIONS if k in update})
        day = start
        while day <= end:
            plan.overrides.setdefault(day, {}).update(values)
            day += timedelta(days=1)

    def status_names(self) -> tuple[str, ...]:
        """The statuses getRateJobs may report (and filter on) under the reading in force."""
        if self.config.readings.get("rate_job_statuses") == "extended":
            return ("queued", "processing", "in_progress", "completed", "error")
        return ("in_progress", "completed", "error")

    def status_of(self, job: RateJob) -> str:
        """What getRateJobs says of ``job``: under ``extended``, an unfinished job is ``queued``
        for the first half of ``rate_job_delay`` and ``processing`` after it."""
        if job.status != "in_progress" or self.config.readings.get("rate_job_statuses") != "extended":
            return job.status
        waited = (self.clock.now() - job.created).total_seconds()
        return "queued" if waited < float(self.config.rate_job_delay) / 2 else "processing"

    def visible(self, owner_id: str | None, job_id: str | None, status: str | None) -> list[RateJob]:
        """Jobs younger than seven days: one by id, or those of the calling client."""
        horizon = self.clock.now() - JOB_TTL
        with self._lock:
            jobs = [j for j in self.jobs.values() if j.created >= horizon]
        if job_id:
            jobs = [j for j in jobs if j.job_id == job_id]
        else:
            jobs = [j for j in jobs if j.owner_id == owner_id]
        if status:
            jobs = [j for j in jobs if self.status_of(j) == status]
        return sorted(jobs, key=lambda j: j.created, reverse=True)

    def clear(self) -> None:
        with self._lock:
            self.jobs.clear()
