"""Hotel rates → Cloudbeds (``patchRate``), and following the asynchronous jobs to their end.

Rate edits are rows of ``cloudbed_rate_sync`` with ``direction = to_cloudbed`` and ``status =
pending``. Consecutive nights of one rate at one price become one interval; up to 30 intervals go
in one patchRate call (Cloudbeds' limit), through the outbound guard. Cloudbeds answers with a job
id only; the rows become ``queued`` and ``follow_rate_jobs`` reads ``getRateJobs`` (one call for all
of this client's jobs) until each job is ``completed`` (the Cloudbeds rate is then the hotel's) or
``error`` (the message is kept on the row). Derived rates cannot be written in Cloudbeds: refused.
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
from pms.db.types import utcnow
from pms.errors import CloudbedsError, PushRefusedError
from pms.sync.guard import OutboundGuard
from pms.sync.runstate import RunState

__all__ = ["follow_jobs", "intervals", "push_rates"]

T = schema.cloudbed_rate_sync


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
        _set(run, stale, status="expired", error="not sent: kept failing, dropped (rule 17)")
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
            run.warn("rates", rate, f"would not be sent: {policy}")
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
            run.result.errors.append(f"patchRate: {exc}")
            _set(run, ids, status="error", error=str(exc)[:4000])
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
            run.result.errors.append(f"patchRate: {exc}")
            _set(run, ids, status="error", error=str(exc)[:4000])
            continue
        _set(run, ids, status="queued", job_reference_id=job[:64], pushed_at=utcnow(), error=None)
        counts.updated += len(ids)
        for u in updates:
            run.action(
                "push_rate", "rates", u.rate_id, f"{u.start_date}..{u.end_date} → {u.rate} (job {job})"
            )


def follow_jobs(run: RunState, *, wait_s: float = 0.0, poll_s: float = 1.0) -> int:
    """Settle queued rate rows from ``getRateJobs``; returns how many jobs are still running."""
    deadline = time.monotonic() + wait_s
    while True:
        with run.engine.connect() as conn:
            queued = defaultdict(list)
            for row in conn.execute(
                sa.select(T.c.id, T.c.job_reference_id, T.c.rate_id, T.c.adf_rate).where(
                    T.c.property_id == run.property_id,
                    T.c.status == "queued",
                    T.c.job_reference_id.is_not(None),
                )
            ):
                queued[row.job_reference_id].append(row)
        if not queued:
            return 0
        jobs = {j.job_reference_id: j for j in run.client.get_rate_jobs()}
        open_jobs = 0
        counts = run.result.entity("rate_jobs")
        for job_id, rows in queued.items():
            job = jobs.get(job_id) or run.client.get_rate_job(job_id)
            if job is None:
                _set(
                    run,
                    [r.id for r in rows],
                    status="error",
                    error=f"Cloudbeds no longer knows rate job {job_id} (jobs are kept 7 days)",
                )
                counts.failed += len(rows)
                continue
            if not job.finished:
                open_jobs += 1
                continue
            failed_rates = {u.rate_id: u.message for u in job.updates if u.action == "error"}
            ok = [r for r in rows if job.status == "completed" and r.rate_id not in failed_rates]
            bad = [r for r in rows if r not in ok]
            with run.engine.begin() as conn:
                for r in ok:
                    conn.execute(
                        sa.update(T)
                        .where(T.c.id == r.id)
                        .values(status="completed", cloudbed_rate=r.adf_rate, error=None)
                    )
                if bad:
                    message = (
                        "; ".join(m for m in failed_rates.values() if m)
                        or f"rate job {job_id} ended in error"
                    )
                    conn.execute(
                        sa.update(T)
                        .where(T.c.id.in_([r.id for r in bad]))
                        .values(status="error", error=message[:4000])
                    )
            counts.updated += len(ok)
            counts.failed += len(bad)
            if bad:
                run.result.errors.append(f"rate job {job_id}: {len(bad)} night(s) failed")
        if open_jobs == 0 or time.monotonic() >= deadline:
            return open_jobs
        time.sleep(poll_s)
