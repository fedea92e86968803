"""When the worker syncs: every N minutes incrementally, nightly in full, backing off on failure.

The decision is a pure function of the clock, the settings and the property's sync history as
``cloudbed_sync_log`` records it, so a restarted worker carries on where the last one stopped (a
sync that ran five minutes before the restart is not repeated) and tests need no waiting.

- Incremental: when auto-sync is on and ``cloudbed_sync_interval`` minutes have passed since the
  last automatic run started. After a failure the next try comes sooner, 1, 2, 4 ... minutes
  later, never later than the interval: a passing network fault heals quickly, a lasting one does
  not hammer Cloudbeds.
- Full reconcile: once per day after ``cloudbed_full_sync_hour`` (property time), because some
  changes do not move ``dateModified`` (domain rule 20). A property that was never reconciled gets
  one at once, which is also how demo data appears within a minute of ``make run``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader

__all__ = ["MAX_FULL_TRIES", "History", "Plan", "due_jobs", "failure_backoff", "last_slot", "load_history"]

L = schema.cloudbed_sync_log
MAX_FULL_TRIES = 5  # failed nightly reconciles in a row before waiting for the next night


@dataclass(frozen=True)
class History:
    """What the sync log says about a property's automatic runs."""

    last_auto_started: datetime | None = None  # latest automatic run of any mode
    auto_failures_in_row: int = 0  # failed automatic runs since the last good one
    last_full_started: datetime | None = None  # latest full run, automatic or not
    full_failures_since: list[datetime] | None = None  # start times of failed full runs, newest first
    running: bool = False  # a run is marked running (by this or another process)


@dataclass(frozen=True)
class Plan:
    job: str | None  # "full" | "incremental" | None
    reason: str
    next_check: datetime | None = None


def failure_backoff(failures: int, interval: timedelta) -> timedelta:
    """1, 2, 4, 8 ... minutes after failed runs, capped at the interval."""
    if failures <= 0:
        return interval
    return min(interval, timedelta(minutes=2 ** min(failures - 1, 16)))


def last_slot(now: datetime, hour: int, tz: str) -> datetime:
    """The latest moment at ``hour`` o'clock property time that is not after ``now`` (as UTC)."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    slot = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    return slot.astimezone(UTC)


def load_history(engine: sa.Engine, property_id: str, limit: int = 50) -> History:
    with reader(engine).connect() as conn:
        rows = conn.execute(
            sa.select(L.c.trigger, L.c.mode, L.c.status, L.c.started_at)
            .where(
                L.c.property_id == property_id,
                L.c.trigger.in_(("auto", "manual", "cli")),
                L.c.mode.in_(("incremental", "full")),
            )
            .order_by(L.c.started_at.desc(), L.c.id.desc())
            .limit(limit)
        ).all()
    auto = [r for r in rows if r.trigger == "auto"]
    failures = 0
    for r in auto:
        if r.status == "running":
            continue
        if r.status == "failed":
            failures += 1
        else:
            break
    fulls = [r for r in rows if r.mode == "full"]
    full_failures: list[datetime] = []
    for r in fulls:
        if r.status == "failed":
            full_failures.append(r.started_at)
        elif r.status != "running":
            break
    return History(
        last_auto_started=auto[0].started_at if auto else None,
        auto_failures_in_row=failures,
        last_full_started=fulls[0].started_at if fulls else None,
        full_failures_since=full_failures,
        running=any(r.status == "running" for r in rows[:3]),
    )


def due_jobs(
    now: datetime, history: History, *, auto_sync: bool, interval_minutes: int, full_hour: int, tz: str
) -> Plan:
    """The job to run now, if any."""
    if not auto_sync:
        return Plan(None, "auto-sync is switched off")
    interval = timedelta(minutes=interval_minutes)
    slot = last_slot(now, full_hour, tz)
    failed_fulls = [t for t in (history.full_failures_since or []) if t >= slot]
    if history.last_full_started is None or history.last_full_started < slot:
        return Plan("full", "no full reconcile since " + slot.isoformat())
    if failed_fulls and len(failed_fulls) < MAX_FULL_TRIES and history.last_full_started == failed_fulls[0]:
        retry_at = failed_fulls[0] + failure_backoff(len(failed_fulls), interval)
        if now >= retry_at:
            return Plan("full", f"the full reconcile failed {len(failed_fulls)} time(s); trying again")
    wait = failure_backoff(history.auto_failures_in_row, interval)
    if history.last_auto_started is None:
        return Plan("incremental", "no automatic sync yet")
    next_at = history.last_auto_started + wait
    if now >= next_at:
        return Plan(
            "incremental",
            f"{interval_minutes} min interval"
            if not history.auto_failures_in_row
            else "retrying after a failed sync",
        )
    return Plan(None, "not due", next_at)
