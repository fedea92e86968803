"""Alerts kept in ``cloudbed_alerts``: raised once while active, resolved with a notice.

An alert row is active until its condition clears; while active it is not raised again (only its
``occurrences`` and ``last_seen_at`` move), so a manager gets one notice per problem and one
recovery notice. The conditions are in ``pms.alerts.rules``; delivery in ``pms.alerts.delivery``.
The dashboard's banner and Monitoring page read ``active_alerts`` / ``recent_alerts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.types import utcnow

__all__ = [
    "KEYS",
    "Alert",
    "active_alerts",
    "alert_from_row",
    "raise_alert",
    "recent_alerts",
    "resolve_alert",
]

A = schema.cloudbed_alerts

KEYS = (
    "sync_failed",
    "sync_failures_in_row",
    "stale_sync",
    "auth_revoked",
    "webhook_failures",
    "connection_disabled",
    "rate_job_stuck",
    "rate_not_applied",
    "sync_partial",
    "records_in_error",
    "push_refused",
    "unmapped_rooms",
    "push_off_waiting",
)


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


def alert_from_row(row) -> Alert:
    """An ``Alert`` from a ``cloudbed_alerts`` row."""
    return Alert(
        row.id,
        row.property_id,
        row.alert_key,
        row.severity,
        row.message,
        row.status,
        row.occurrences,
        row.first_seen_at,
        row.last_seen_at,
        row.resolved_at,
        row.notified_at,
        row.recovery_notified_at,
    )


def active_alerts(engine: sa.Engine, property_id: str | None = None) -> list[Alert]:
    """Alerts still active, most severe and newest first (the dashboard banner)."""
    query = sa.select(A).where(A.c.status == "active")
    if property_id is not None:
        query = query.where(sa.or_(A.c.property_id == property_id, A.c.property_id.is_(None)))
    with reader(engine).connect() as conn:
        rows = conn.execute(query.order_by(A.c.last_seen_at.desc(), A.c.id.desc())).all()
    order = {"critical": 0, "error": 1, "warning": 2}
    return sorted((alert_from_row(r) for r in rows), key=lambda a: order.get(a.severity, 3))


def recent_alerts(engine: sa.Engine, property_id: str | None = None, limit: int = 100) -> list[Alert]:
    """Active and resolved alerts, newest first (the Monitoring page)."""
    query = sa.select(A)
    if property_id is not None:
        query = query.where(sa.or_(A.c.property_id == property_id, A.c.property_id.is_(None)))
    with reader(engine).connect() as conn:
        rows = conn.execute(query.order_by(A.c.first_seen_at.desc(), A.c.id.desc()).limit(limit)).all()
    return [alert_from_row(r) for r in rows]


def _active_row(conn: sa.Connection, property_id: str | None, key: str):
    pid = A.c.property_id.is_(None) if property_id is None else A.c.property_id == property_id
    return conn.execute(
        sa.select(A).where(pid, A.c.alert_key == key, A.c.status == "active").order_by(A.c.id.desc()).limit(1)
    ).first()


def raise_alert(
    engine: sa.Engine,
    property_id: str | None,
    key: str,
    message: str,
    *,
    severity: str = "error",
    now: datetime | None = None,
) -> tuple[Alert, bool]:
    """Make the alert active; returns it and whether it is new (an active one is only touched)."""
    now = now or utcnow()
    message = message[:2000]
    with engine.begin() as conn:
        row = _active_row(conn, property_id, key)
        if row is not None:
            conn.execute(
                sa.update(A)
                .where(A.c.id == row.id)
                .values(occurrences=A.c.occurrences + 1, last_seen_at=now, message=message, severity=severity)
            )
            new, alert_id = False, row.id
        else:
            alert_id = conn.execute(
                sa.insert(A).values(
                    property_id=property_id,
                    alert_key=key,
                    severity=severity,
                    message=message,
                    status="active",
                    occurrences=1,
                    first_seen_at=now,
                    last_seen_at=now,
                )
            ).inserted_primary_key[0]
            new = True
        stored = conn.execute(sa.select(A).where(A.c.id == alert_id)).one()
    return alert_from_row(stored), new


def resolve_alert(
    engine: sa.Engine, property_id: str | None, key: str, now: datetime | None = None
) -> Alert | None:
    """Resolve the active alert, if any; returns it (now resolved)."""
    now = now or utcnow()
    with engine.begin() as conn:
        row = _active_row(conn, property_id, key)
        if row is None:
            return None
        conn.execute(sa.update(A).where(A.c.id == row.id).values(status="resolved", resolved_at=now))
        return alert_from_row(conn.execute(sa.select(A).where(A.c.id == row.id)).one())
