"""Hotel rates → Cloudbeds (``patchRate``), and following the asynchronous jobs to their end.

Rate edits are rows of ``cloudbed_rate_sync`` with ``direction = to_cloudbed`` and ``status =
pending``. Consecutive nights of one rate at one price become one interval; up to 30 intervals go
in one patchRate call (Cloudbeds' limit), through the outbound guard. Cloudbeds answers with a job
id only; the rows become ``queued`` and ``follow_jobs`` reads ``getRateJobs`` (one call for all of
this client's jobs) until each job is finished. A job that ends in ``error`` keeps its message on
the rows; one that ``completed`` is read back night by night (``rateverify``): a night that took
is ``completed``, one that did not is sent again once (``correcting``) and then, if it still did
not take, is an ``error`` with an alert. A job that never finishes (any status but ``completed``
and ``error`` counts as running) is given up after ``cloudbed_rate_job_timeout_minutes``, with an
alert. Derived rates cannot be written in Cloudbeds: refused.

How Cloudbeds reads an interval's ``endDate`` is undocumented; the client learns it from
Cloudbeds' answers, and what it learnt is kept in the ``cloudbed_rate_end_date`` setting.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pms.cloudbeds.methods_rates import MAX_RATE_INTERVALS, RateUpdate
from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.errors import CloudbedsError, PushRefusedError
from pms.i18n import Said
from pms.sync import rateverify
from pms.sync.guard import OutboundGuard
from pms.sync.runstate import RunState

__all__ = ["IN_FLIGHT", "follow_jobs", "intervals", "push_rates"]

T = schema.cloudbed_rate_sync
# Rows whose job Cloudbeds has not finished: first sent, and sent again after a night did not take.
IN_FLIGHT = ("queued", "correcting")


def intervals(rows: list[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Group one rate's rows into runs of consecutive nights at the same price."""
    out: list[tuple[str, list[Mapping[str, Any]]]] = []
    by_rate: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_rate[row["rate_id"]].append(row)
    for rate_id, items in by_rate.items():
        items.sort(key=lambda r: r["rate_date"])
        run: list[Mapping[str, Any]] = []
        for row in items:
            if run and (
                row["rate_date"] != run[-1]["rate_date"] + timedelta(days=1)
                or Decimal(str(row["adf_rate"])) != Decimal(str(run[-1]["adf_rate"]))
            ):
                out.append((rate_id, run))
                run = []
            run.append(row)
        if run:
            out.append((rate_id, run))
    return out


def _pending(conn: sa.Connection, run: RunState) -> list[Mapping[str, Any]]:
    q = sa.select(T).where(
        T.c.property_id == run.property_id,
        T.c.direction == "to_cloudbed",
        T.c.status.in_(("pending", "error")),
        T.c.adf_rate.is_not(None),
    )
    return list(conn.execute(q.order_by(T.c.rate_id, T.c.rate_date).limit(5000)).mappings())


def _set(run: RunState, ids: list[int], **values) -> None:
    with run.engine.begin() as conn:
        conn.execute(sa.update(T).where(T.c.id.in_(ids)).values(**values))


def push_rates(run: RunState, guard: OutboundGuard) -> None:
    """Send pending rate edits as patchRate jobs (30 intervals per call)."""
    with run.engine.connect() as conn:
        rows = _pending(conn, run)
    limit = run.started_at - timedelta(minutes=run.settings.edit_expiry_minutes)
    stale = [
        r["id"]
        for r in rows
        if r["status"] == "error" and (r["local_modified_at"] or r["created_at"]) < limit
    ]
    if stale and run.apply:  # rule 17: an edit that kept failing expires
        _set(run, stale, status="expired", error="not sent: kept failing, dropped")
        run.warn("rates", f"{len(stale)} night(s)", "rate edits that kept failing expired and were dropped")
    rows = [r for r in rows if r["id"] not in set(stale)]
    counts = run.result.entity("rates_push")
    groups = []
    for rate, items in intervals(rows):
        ids = [r["id"] for r in items]
        changed = min((r["local_modified_at"] or r["created_at"]) for r in items)
        refuse = None
        if any(r["is_derived"] for r in items):
            refuse = f"rate {rate} is derived in Cloudbeds: change its parent rate instead"
        elif any(Decimal(str(r["adf_rate"])) < 0 for r in items):
            refuse = f"rate {rate}: a price below zero cannot be sent"
        policy = refuse or guard.policy(changed)
        if policy is None:
            groups.append((rate, items))
            continue
        if not run.apply:
            run.warn("rates", rate, Said("sync.warn.not_sent", {"why": policy}))
            continue
        try:  # refused: the guard records it, the rows keep the reason
            guard.send(
                "patchRate",
                lambda: None,
                local_table="cloudbed_rate_sync",
                local_id=ids[0],
                changed_at=changed,
                payload={"rateID": rate, "nights": len(ids)},
                refuse=refuse,
            )
        except PushRefusedError as exc:
            counts.failed += len(ids)
            run.result.error_for("rates_push", f"patchRate: {exc}")
            _set(run, ids, status="error", error=str(exc)[:4000])
    _send(run, guard, groups, status="queued")


def _use_learnt_end_date(run: RunState) -> None:
    """Give the client what earlier runs learnt about rate intervals' ``endDate``."""
    run.client.rate_end_date = Settings(run.engine).get("cloudbed_rate_end_date")


def _keep_learnt_end_date(run: RunState) -> None:
    if run.client.rate_end_date != Settings(run.engine).get("cloudbed_rate_end_date"):
        Settings(run.engine).set("cloudbed_rate_end_date", run.client.rate_end_date)
        run.warn("rates", "", f"Cloudbeds reads a rate interval's end date as {run.client.rate_end_date}")


def _send(run: RunState, guard: OutboundGuard, groups: list, *, status: str) -> None:
    """Send runs of nights as patchRate jobs, 30 intervals per call; rows become ``status``."""
    counts = run.result.entity("rates_push")
    _use_learnt_end_date(run)
    for start in range(0, len(groups), MAX_RATE_INTERVALS):
        batch = groups[start : start + MAX_RATE_INTERVALS]
        ids = [r["id"] for _, items in batch for r in items]
        changed = min((r["local_modified_at"] or r["created_at"]) for _, items in batch for r in items)
        updates = [
            RateUpdate(rate, items[0]["rate_date"], items[-1]["rate_date"], items[0]["adf_rate"])
            for rate, items in batch
        ]
        payload = {
            "rates": [
                {"rateID": u.rate_id, "startDate": u.start_date, "endDate": u.end_date, "rate": u.rate}
                for u in updates
            ]
        }
        if not run.apply:
            for u in updates:
                run.action("push_rate", "rates", u.rate_id, f"{u.start_date}..{u.end_date} → {u.rate}")
            continue
        try:
            job = guard.send(
                "patchRate",
                lambda updates=updates: run.client.patch_rate(updates),
                local_table="cloudbed_rate_sync",
                local_id=ids[0],
                changed_at=changed,
                payload=payload,
            )
        except (PushRefusedError, CloudbedsError) as exc:
            counts.failed += len(ids)
            run.result.error_for("rates_push", f"patchRate: {exc}")
            _set(run, ids, status="error", error=str(exc)[:4000])
            continue
        finally:
            _keep_learnt_end_date(run)
        _set(run, ids, status=status, job_reference_id=job[:64], pushed_at=utcnow(), error=None)
        counts.updated += len(ids)
        for u in updates:
            run.action(
                "push_rate", "rates", u.rate_id, f"{u.start_date}..{u.end_date} → {u.rate} (job {job})"
            )


def _in_flight(run: RunState) -> dict[str, list[Mapping[str, Any]]]:
    """Rows waiting for their job, by job id."""
    by_job: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    with run.engine.connect() as conn:
        for row in conn.execute(
            sa.select(T).where(
                T.c.property_id == run.property_id,
                T.c.status.in_(IN_FLIGHT),
                T.c.job_reference_id.is_not(None),
            )
        ).mappings():
            by_job[row["job_reference_id"]].append(row)
    return by_job


def _settle_failed_job(run: RunState, job_id: str, job, rows: list) -> list:
    """Rows of a finished job that Cloudbeds says failed get its message; returns the others."""
    failed_rates = {u.rate_id: u.message for u in job.updates if u.action == "error"}
    ok = [r for r in rows if job.status == "completed" and r["rate_id"] not in failed_rates]
    bad = [r for r in rows if r not in ok]
    if bad:
        message = "; ".join(m for m in failed_rates.values() if m) or f"rate job {job_id} ended in error"
        _set(run, [r["id"] for r in bad], status="error", error=message[:4000])
        run.result.entity("rate_jobs").failed += len(bad)
        run.result.error_for("rate_jobs", f"rate job {job_id}: {len(bad)} night(s) failed")
    return ok


def _give_up(run: RunState, job_id: str, job, rows: list, minutes: int) -> None:
    """A job still not finished after the bound: its nights are not done; say so loudly."""
    status = job.status if job is not None else None
    _set(
        run,
        [r["id"] for r in rows],
        status="error",
        error=f"Cloudbeds had not finished rate job {job_id} after {minutes} minutes (status {status!r})",
    )
    run.result.entity("rate_jobs").failed += len(rows)
    run.result.error_for("rate_jobs", f"rate job {job_id}: not finished after {minutes} minutes")
    rateverify.alert_stuck(run, job_id, status, len(rows), minutes)


def _verify(run: RunState, rows: list) -> bool:
    """Read finished nights back; record those that took, send the others again once.

    Returns whether every night took.
    """
    took, missed = rateverify.split_taken(rows, rateverify.read_back(run.client, rows))
    with run.engine.begin() as conn:
        for row, value in took:
            conn.execute(
                sa.update(T)
                .where(T.c.id == row["id"])
                .values(status="completed", cloudbed_rate=value, error=None)
            )
    run.result.entity("rate_jobs").updated += len(took)
    again = [r for r in missed if r["status"] == "queued"]
    lost = [r for r in missed if r["status"] != "queued"]
    if again:
        run.warn(
            "rates",
            f"{len(again)} night(s)",
            "did not take in Cloudbeds although the job completed: sent again",
        )
        _send(run, OutboundGuard(run), intervals(again), status="correcting")
    if lost:
        _set(
            run,
            [r["id"] for r in lost],
            status="error",
            error="did not take in Cloudbeds, even after being sent again (read back after the job)",
        )
        run.result.entity("rate_jobs").failed += len(lost)
        run.result.error_for("rate_jobs", f"rates: {len(lost)} night(s) did not take in Cloudbeds")
        rateverify.alert_not_applied(run, lost)
    return not missed


def follow_jobs(run: RunState, *, wait_s: float = 0.0, poll_s: float = 1.0) -> int:
    """Settle in-flight rate rows from ``getRateJobs``; returns how many jobs are still running."""
    deadline = time.monotonic() + wait_s
    minutes = int(Settings(run.engine).get("cloudbed_rate_job_timeout_minutes"))
    while True:
        in_flight = _in_flight(run)
        if not in_flight:
            return 0
        jobs = {j.job_reference_id: j for j in run.client.get_rate_jobs()}
        open_jobs, finished, clean = 0, [], True
        for job_id, rows in in_flight.items():
            job = jobs.get(job_id) or run.client.get_rate_job(job_id)
            if job is None:
                _set(
                    run,
                    [r["id"] for r in rows],
                    status="error",
                    error=f"Cloudbeds no longer knows rate job {job_id} (jobs are kept 7 days)",
                )
                run.result.entity("rate_jobs").failed += len(rows)
                run.result.error_for("rate_jobs", f"rate job {job_id}: Cloudbeds no longer knows it")
                clean = False
            elif not job.finished:  # in_progress, and any status outside the documented ones
                if rateverify.overdue(rows, minutes, utcnow()):
                    _give_up(run, job_id, job, rows, minutes)
                    clean = False
                else:
                    open_jobs += 1
            else:
                ok = _settle_failed_job(run, job_id, job, rows)
                clean = clean and len(ok) == len(rows)
                finished += ok
        if finished:
            clean = _verify(run, finished) and clean
            if clean:
                rateverify.resolve_alerts(run)
        if open_jobs == 0 and not _in_flight(run):
            return 0
        if time.monotonic() >= deadline:
            return open_jobs or len(_in_flight(run))
        time.sleep(poll_s)
