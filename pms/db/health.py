"""Sync health: a 0-100 score and the summary behind it, computed in SQL.

The failure hotels complain about most is an integration that silently stopped (domain rule 24),
so staleness of the last successful sync weighs most; failed runs, records stuck in error, a high
API error rate and failing webhook events take the rest. The same summary feeds the dashboard's
Overview, ``/healthz`` and the alerts, so they never disagree. "Today" is the property's day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.settings import Settings
from pms.db.types import UTCDateTime, utcnow
from pms.i18n import Said

__all__ = ["HealthFacts", "HealthSummary", "day_start_utc", "health_summary", "score_health"]


@dataclass(frozen=True)
class HealthSummary:
    score: int
    synced_reservations: int
    pending_push: int  # reservations and guests waiting to be sent to Cloudbeds
    failed_records: int  # reservations and guests in sync_status 'error'
    last_successful_sync: datetime | None
    minutes_since_success: int | None
    failed_syncs_today: int
    api_calls_today: int
    api_errors_today: int
    failed_webhook_events: int
    reasons: tuple[str, ...]  # why points were taken off, for the tooltip (``Said``: any language)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["last_successful_sync"] = (
            self.last_successful_sync.isoformat() if self.last_successful_sync else None
        )
        data["reasons"] = list(self.reasons)
        return data


def day_start_utc(now: datetime, zone: str) -> datetime:
    """Midnight of ``now``'s day in the property's zone, as aware UTC."""
    local = now.astimezone(ZoneInfo(zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _count_if(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class HealthFacts:
    """What the score is computed from: counts read from the database, nothing derived yet."""

    synced_reservations: int
    pending_push: int
    failed_records: int
    last_successful_sync: datetime | None
    failed_syncs_today: int
    api_calls_today: int
    api_errors_today: int
    failed_webhook_events: int


def score_health(
    facts: HealthFacts, now: datetime, *, stale_after_minutes: int, sync_interval_minutes: int
) -> tuple[int, int | None, tuple[str, ...]]:
    """The 0-100 score, the minutes since the last success, and why points were taken off (pure).

    Staleness weighs most (up to 40), then failed runs today (up to 30), API errors (up to 25),
    records in error (up to 20) and failed webhook events (10).
    """
    score, reasons = 100, []
    last_ok = facts.last_successful_sync
    minutes = int((now - last_ok).total_seconds() // 60) if last_ok else None
    if minutes is None:
        score -= 40
        reasons.append(Said("health.never"))
    elif minutes > stale_after_minutes:
        score -= 40
        reasons.append(Said("health.stale", {"n": minutes}))
    elif minutes > 2 * sync_interval_minutes:
        score -= 15
        reasons.append(Said("health.stale", {"n": minutes}))
    if facts.failed_syncs_today:
        score -= min(30, 10 * facts.failed_syncs_today)
        reasons.append(Said("health.failed_runs", {"n": facts.failed_syncs_today}))
    if facts.failed_records:
        score -= min(20, 2 + facts.failed_records)
        reasons.append(Said("health.failed_records", {"n": facts.failed_records}))
    calls, errors = facts.api_calls_today, facts.api_errors_today
    if calls and errors / calls > 0.05:
        score -= 15 if errors / calls <= 0.2 else 25
        reasons.append(Said("health.api_errors", {"errors": errors, "calls": calls}))
    if facts.failed_webhook_events:
        score -= 10
        reasons.append(Said("health.webhooks_failed", {"n": facts.failed_webhook_events}))
    return max(0, min(100, score)), minutes, tuple(reasons)


def _facts(engine: sa.Engine, property_id: str | None, today: datetime) -> HealthFacts:
    def scoped(table: sa.Table):
        return table.c.property_id == property_id if property_id is not None else sa.true()

    res, gst, log, api, ev = (
        schema.reservasi,
        schema.guest,
        schema.cloudbed_sync_log,
        schema.cloudbed_api_log,
        schema.cloudbed_webhook_events,
    )
    with reader(engine).connect() as conn:
        r = conn.execute(
            sa.select(
                _count_if(sa.and_(res.c.sync_status == "synced", res.c.is_deleted.is_(False))),
                _count_if(res.c.sync_status == "pending"),
                _count_if(res.c.sync_status == "error"),
            ).where(scoped(res))
        ).one()
        g = conn.execute(
            sa.select(
                _count_if(gst.c.sync_status == "pending"),
                _count_if(gst.c.sync_status == "error"),
            ).where(scoped(gst))
        ).one()
        last_ok = conn.execute(
            sa.select(sa.func.max(log.c.finished_at)).where(scoped(log), log.c.status == "completed")
        ).scalar()
        failed_today = (
            conn.execute(
                sa.select(sa.func.count()).where(
                    scoped(log), log.c.status == "failed", log.c.started_at >= today
                )
            ).scalar()
            or 0
        )
        calls, errors = conn.execute(
            sa.select(
                sa.func.count(),
                _count_if(sa.or_(api.c.http_status.is_(None), api.c.http_status >= 400)),
            ).where(scoped(api), api.c.created_at >= today)
        ).one()
        failed_events = (
            conn.execute(sa.select(sa.func.count()).where(scoped(ev), ev.c.status == "failed")).scalar() or 0
        )
    if last_ok is not None and not isinstance(last_ok, datetime):  # raw aggregate on SQLite: text
        last_ok = UTCDateTime().process_result_value(last_ok, engine.dialect)
    elif last_ok is not None and last_ok.tzinfo is None:
        last_ok = last_ok.replace(tzinfo=UTC)
    return HealthFacts(
        synced_reservations=int(r[0]),
        pending_push=int(r[1]) + int(g[0]),
        failed_records=int(r[2]) + int(g[1]),
        last_successful_sync=last_ok,
        failed_syncs_today=int(failed_today),
        api_calls_today=int(calls),
        api_errors_today=int(errors),
        failed_webhook_events=int(failed_events),
    )


def health_summary(engine: sa.Engine, property_id: str | None, now: datetime | None = None) -> HealthSummary:
    """The health of the sync for one property (``None``: across all properties)."""
    now = now or utcnow()
    cfg = Settings(engine).get_many(["cloudbed_timezone", "cloudbed_sync_interval", "alert_stale_minutes"])
    facts = _facts(engine, property_id, day_start_utc(now, cfg["cloudbed_timezone"]))
    score, minutes, reasons = score_health(
        facts,
        now,
        stale_after_minutes=cfg["alert_stale_minutes"],
        sync_interval_minutes=cfg["cloudbed_sync_interval"],
    )
    return HealthSummary(
        score=score,
        synced_reservations=facts.synced_reservations,
        pending_push=facts.pending_push,
        failed_records=facts.failed_records,
        last_successful_sync=facts.last_successful_sync,
        minutes_since_success=minutes,
        failed_syncs_today=facts.failed_syncs_today,
        api_calls_today=facts.api_calls_today,
        api_errors_today=facts.api_errors_today,
        failed_webhook_events=facts.failed_webhook_events,
        reasons=reasons,
    )
