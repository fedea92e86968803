"""Failures a manager must see, kept in ``cloudbed_alerts``: raised once, resolved with a notice.

An integration that silently stopped is what hotels complain about most (DOMAIN rule 24), so the
worker evaluates these conditions every minute for each property it holds:

| key | raised when | resolved when |
|---|---|---|
| ``sync_failed`` | the latest finished sync run failed | a later run completes |
| ``sync_failures_in_row`` | ``alert_consecutive_failures`` automatic syncs failed in a row | an automatic sync completes |
| ``stale_sync`` | no sync succeeded for ``alert_stale_minutes`` | a sync succeeds |
| ``auth_revoked`` | Cloudbeds refused the credentials (raised by the worker) | a sync completes after it |
| ``webhook_failures`` | webhook events ended as failures in the last 24 hours | none are left failed |
| ``connection_disabled`` | Cloudbeds reported the app disabled (raised by the processor) | it is enabled again |

An alert row is active until its condition clears; while active it is not raised again (only its
``occurrences`` and ``last_seen_at`` move), so a manager gets one notice per problem and one
recovery notice. Delivery (JSON POST and/or e-mail) is in ``pms.alerts_delivery``. The dashboard's
banner and Monitoring page read ``active_alerts`` / ``recent_alerts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.settings import Settings
from pms.db.types import utcnow

__all__ = ["Alert", "Evaluation", "KEYS", "active_alerts", "recent_alerts", "raise_alert", "resolve_alert",
           "evaluate"]

A = schema.cloudbed_alerts
L = schema.cloudbed_sync_log
E = schema.cloudbed_webhook_events

KEYS = ("sync_failed", "sync_failures_in_row", "stale_sync", "auth_revoked", "webhook_failures",
        "connection_disabled")


@dataclass(frozen=True)
class Alert:
    id: int
    property_id: str | None
    key: str
    severity: str
    message: str
    status: str  # active | resolved
    occurrences: int
    first_seen_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None
    notified_at: datetime | None
    recovery_notified_at: datetime | None


def _alert(row) -> Alert:
    return Alert(row.id, row.property_id, row.alert_key, row.severity, row.message, row.status, row.occurrences,
                 row.first_seen_at, row.last_seen_at, row.resolved_at, row.notified_at, row.recovery_notified_at)


def active_alerts(engine: sa.Engine, property_id: str | None = None) -> list[Alert]:
    """Alerts still active, most severe and newest first (the dashboard banner)."""
    query = sa.select(A).where(A.c.status == "active")
    if property_id is not None:
        query = query.where(sa.or_(A.c.property_id == property_id, A.c.property_id.is_(None)))
    with reader(engine).connect() as conn:
        rows = conn.execute(query.order_by(A.c.last_seen_at.desc(), A.c.id.desc())).all()
    order = {"critical": 0, "error": 1, "warning": 2}
    return sorted((_alert(r) for r in rows), key=lambda a: order.get(a.severity, 3))


def recent_alerts(engine: sa.Engine, property_id: str | None = None, limit: int = 100) -> list[Alert]:
    """Active and resolved alerts, newest first (the Monitoring page)."""
    query = sa.select(A)
    if property_id is not None:
        query = query.where(sa.or_(A.c.property_id == property_id, A.c.property_id.is_(None)))
    with reader(engine).connect() as conn:
        rows = conn.execute(query.order_by(A.c.first_seen_at.desc(), A.c.id.desc()).limit(limit)).all()
    return [_alert(r) for r in rows]


def _active_row(conn: sa.Connection, property_id: str | None, key: str):
    pid = A.c.property_id.is_(None) if property_id is None else A.c.property_id == property_id
    return conn.execute(sa.select(A).where(pid, A.c.alert_key == key, A.c.status == "active")
                        .order_by(A.c.id.desc()).limit(1)).first()


def raise_alert(engine: sa.Engine, property_id: str | None, key: str, message: str, *,
                severity: str = "error", now: datetime | None = None) -> tuple[Alert, bool]:
    """Make the alert active; returns it and whether it is new (an active one is only touched)."""
    now = now or utcnow()
    message = message[:2000]
    with engine.begin() as conn:
        row = _active_row(conn, property_id, key)
        if row is not None:
            conn.execute(sa.update(A).where(A.c.id == row.id).values(
                occurrences=A.c.occurrences + 1, last_seen_at=now, message=message, severity=severity))
            new, alert_id = False, row.id
        else:
            alert_id = conn.execute(sa.insert(A).values(
                property_id=property_id, alert_key=key, severity=severity, message=message, status="active",
                occurrences=1, first_seen_at=now, last_seen_at=now)).inserted_primary_key[0]
            new = True
        stored = conn.execute(sa.select(A).where(A.c.id == alert_id)).one()
    return _alert(stored), new


def resolve_alert(engine: sa.Engine, property_id: str | None, key: str,
                  now: datetime | None = None) -> Alert | None:
    """Resolve the active alert, if any; returns it (now resolved)."""
    now = now or utcnow()
    with engine.begin() as conn:
        row = _active_row(conn, property_id, key)
        if row is None:
            return None
        conn.execute(sa.update(A).where(A.c.id == row.id).values(status="resolved", resolved_at=now))
        return _alert(conn.execute(sa.select(A).where(A.c.id == row.id)).one())


@dataclass
class Evaluation:
    raised: list[Alert]
    resolved: list[Alert]


def _runs(conn: sa.Connection, property_id: str, limit: int = 100):
    return conn.execute(
        sa.select(L.c.id, L.c.trigger, L.c.status, L.c.started_at, L.c.finished_at, L.c.error_details)
        .where(L.c.property_id == property_id, L.c.status != "running")
        .order_by(L.c.started_at.desc(), L.c.id.desc()).limit(limit)).all()


def _short(text: str | None, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def evaluate(engine: sa.Engine, property_id: str, now: datetime | None = None) -> Evaluation:
    """Raise and resolve the conditions derived from the sync log and the webhook queue."""
    now = now or utcnow()
    cfg = Settings(engine).get_many(["alert_consecutive_failures", "alert_stale_minutes"])
    with reader(engine).connect() as conn:
        runs = _runs(conn, property_id)
        last_ok = conn.execute(sa.select(sa.func.max(L.c.finished_at)).where(
            L.c.property_id == property_id, L.c.status == "completed")).scalar()
        first_run = conn.execute(sa.select(sa.func.min(L.c.started_at)).where(
            L.c.property_id == property_id)).scalar()
        failed_events = conn.execute(sa.select(sa.func.count()).where(
            E.c.property_id == property_id, E.c.status == "failed",
            E.c.received_at >= now - timedelta(hours=24))).scalar() or 0
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
        want("sync_failed", latest.status == "failed",
             f"The last sync failed: {_short(latest.error_details) or 'see the sync log'}")
        auto = [r for r in runs if r.trigger == "auto"]
        n = int(cfg["alert_consecutive_failures"])
        if auto:
            in_row = 0
            for r in auto:
                if r.status != "failed":
                    break
                in_row += 1
            want("sync_failures_in_row", in_row >= n,
                 f"{in_row} automatic syncs failed in a row; the latest: {_short(auto[0].error_details)}",
                 severity="critical")
        if latest.status == "completed":
            want("auth_revoked", False)
    stale_after = timedelta(minutes=int(cfg["alert_stale_minutes"]))
    reference = last_ok or first_run
    stale = reference is not None and now - reference > stale_after
    hours = (now - reference).total_seconds() / 3600 if reference else 0
    want("stale_sync", stale,
         f"No sync has succeeded for {hours:.1f} hours." if last_ok else "No sync has succeeded yet.",
         severity="warning" if not runs or runs[0].status != "failed" else "error")
    want("webhook_failures", failed_events > 0,
         f"{failed_events} webhook event(s) could not be applied in the last 24 hours; retry them on the "
         "Monitoring page.", severity="warning")
    return out
