"""When an alert is raised and when it clears, evaluated by the worker every minute per property.

An integration that silently stopped is what hotels complain about most (docs/domain.md), so:

- ``sync_failed``: the latest finished sync run failed; resolved when a later run completes.
- ``sync_failures_in_row``: ``alert_consecutive_failures`` automatic syncs failed in a row;
  resolved when an automatic sync completes.
- ``stale_sync``: no sync succeeded for ``alert_stale_minutes``; resolved when one succeeds.
- ``auth_revoked``: Cloudbeds refused the credentials (raised by the worker); resolved when a sync
  completes after it.
- ``webhook_failures``: webhook events ended as failures in the last 24 hours; resolved when none
  are left failed.
- ``connection_disabled``: Cloudbeds reported the app disabled (raised by the processor);
  resolved when it is enabled again.
- ``sync_partial``: the latest finished run finished with some records failed; resolved when a
  later run completes.
- ``records_in_error``: reservations, guests or rate nights are in error (their change could not
  be sent or applied); resolved when none are left.
- ``push_refused``: writes to Cloudbeds were refused by the outbound guard or failed today;
  resolved the next day without new ones.
- ``unmapped_rooms``: booked rooms whose Cloudbeds room type has no mapping, or Cloudbeds bookings
  kept out of the front desk for an unmapped room; resolved when all are mapped.
- ``push_off_waiting``: sending to Cloudbeds is switched off while changes made here wait;
  resolved when it is switched on or nothing waits.
- ``rate_job_stuck``, ``rate_not_applied``: a rate job Cloudbeds did not finish in time, or nights
  that did not take even when sent again (raised by the sync's rate follow-up,
  ``pms.sync.rateverify``); resolved when a later job is read back with every night taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.alerts.store import Alert, raise_alert, resolve_alert
from pms.db import schema
from pms.db.engine import reader
from pms.db.health import health_facts
from pms.db.settings import Settings
from pms.db.types import utcnow

__all__ = ["Evaluation", "evaluate"]

L = schema.cloudbed_sync_log
E = schema.cloudbed_webhook_events


@dataclass
class Evaluation:
    raised: list[Alert]
    resolved: list[Alert]


def _runs(conn: sa.Connection, property_id: str, limit: int = 100):
    return conn.execute(
        sa.select(L.c.id, L.c.trigger, L.c.status, L.c.started_at, L.c.finished_at, L.c.error_details)
        .where(L.c.property_id == property_id, L.c.status != "running")
        .order_by(L.c.started_at.desc(), L.c.id.desc())
        .limit(limit)
    ).all()


def _short(text: str | None, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def evaluate(engine: sa.Engine, property_id: str, now: datetime | None = None) -> Evaluation:
    """Raise and resolve the conditions derived from the sync log and the webhook queue."""
    now = now or utcnow()
    cfg = Settings(engine).get_many(["alert_consecutive_failures", "alert_stale_minutes"])
    with reader(engine).connect() as conn:
        runs = _runs(conn, property_id)
        last_ok = conn.execute(
            sa.select(sa.func.max(L.c.finished_at)).where(
                L.c.property_id == property_id, L.c.status == "completed"
            )
        ).scalar()
        first_run = conn.execute(
            sa.select(sa.func.min(L.c.started_at)).where(L.c.property_id == property_id)
        ).scalar()
        failed_events = (
            conn.execute(
                sa.select(sa.func.count()).where(
                    E.c.property_id == property_id,
                    E.c.status == "failed",
                    E.c.received_at >= now - timedelta(hours=24),
                )
            ).scalar()
            or 0
        )
    facts = health_facts(engine, property_id, now)
    out = Evaluation([], [])

    def want(key: str, active: bool, message: str = "", severity: str = "error") -> None:
        if active:
            alert, new = raise_alert(engine, property_id, key, message, severity=severity, now=now)
            if new:
                out.raised.append(alert)
        else:
            gone = resolve_alert(engine, property_id, key, now=now)
            if gone is not None:
                out.resolved.append(gone)

    if runs:
        latest = runs[0]
        want(
            "sync_failed",
            latest.status == "failed",
            f"The last sync failed: {_short(latest.error_details) or 'see the sync log'}",
        )
        auto = [r for r in runs if r.trigger == "auto"]
        n = int(cfg["alert_consecutive_failures"])
        if auto:
            in_row = 0
            for r in auto:
                if r.status != "failed":
                    break
                in_row += 1
            want(
                "sync_failures_in_row",
                in_row >= n,
                f"{in_row} automatic syncs failed in a row; the latest: {_short(auto[0].error_details)}",
                severity="critical",
            )
        want(
            "sync_partial",
            latest.status == "partial",
            "The last sync finished, but some records failed: "
            f"{_short(latest.error_details) or 'see the failed items on the Monitoring page'}",
            severity="warning",
        )
        if latest.status == "completed":
            want("auth_revoked", False)
    stale_after = timedelta(minutes=int(cfg["alert_stale_minutes"]))
    reference = last_ok or first_run
    stale = reference is not None and now - reference > stale_after
    hours = (now - reference).total_seconds() / 3600 if reference else 0
    want(
        "stale_sync",
        stale,
        f"No sync has succeeded for {hours:.1f} hours." if last_ok else "No sync has succeeded yet.",
        severity="warning" if not runs or runs[0].status != "failed" else "error",
    )
    want(
        "webhook_failures",
        failed_events > 0,
        f"{failed_events} webhook event(s) could not be applied in the last 24 hours; retry them on the "
        "Monitoring page.",
        severity="warning",
    )
    _record_rules(want, facts)
    return out


def _record_rules(want, facts) -> None:
    """The conditions read from the records themselves (the same facts as the health score)."""
    in_error = facts.failed_records + facts.failed_rates
    want(
        "records_in_error",
        in_error > 0,
        f"{facts.failed_records} record(s) and {facts.failed_rates} rate night(s) are in error: their "
        "change was not sent or applied. See the reasons on the Monitoring page and retry them there.",
    )
    want(
        "push_refused",
        facts.refused_pushes_today > 0,
        f"{facts.refused_pushes_today} write(s) to Cloudbeds were refused or failed today; the reasons "
        "are in the outbound log (Monitoring page).",
    )
    unmapped = facts.unmapped_rooms + facts.frontdesk_unmapped
    want(
        "unmapped_rooms",
        unmapped > 0,
        f"{facts.unmapped_rooms} booked room(s) have a Cloudbeds room type without a mapping and "
        f"{facts.frontdesk_unmapped} booking(s) wait for a room mapping; map them on the Room mapping page.",
    )
    want(
        "push_off_waiting",
        facts.push_off_waiting,
        f"Sending to Cloudbeds is switched off while {facts.waiting} change(s) made here wait; switch it "
        "on in Settings (Send hotel-side changes to Cloudbeds).",
        severity="warning",
    )
