"""Sync health: a 0-100 score and the summary behind it, computed in SQL.

The failure hotels complain about most is an integration that silently stopped (domain rule 24),
so staleness of the last successful sync weighs most; failed and partly failed runs, records stuck
in error, writes to Cloudbeds that were refused or failed, booked rooms whose room type is not
mapped, sending switched off while changes wait, a high API error rate and failing webhook events
take the rest. A score of 100 means none of these: any one of them takes at least 5 points off.
The same facts feed the dashboard's Overview (with ``pms.reporting.attention``), ``/healthz`` and
the alert rules (``pms.alerts.rules``), so they never disagree. "Today" is the property's day.
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

__all__ = [
    "HealthFacts",
    "HealthSummary",
    "day_start_utc",
    "health_facts",
    "health_summary",
    "score_health",
]


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
    pending_rates: int = 0  # rate nights edited here, waiting to be sent
    failed_rates: int = 0  # rate nights whose sending failed (status 'error')
    refused_pushes_today: int = 0  # writes to Cloudbeds refused by the guard or failed, today
    partial_runs_today: int = 0  # runs that finished with some records failed, today
    unmapped_rooms: int = 0  # booked rooms whose Cloudbeds room type has no active mapping
    frontdesk_unmapped: int = 0  # Cloudbeds bookings kept out of the front desk: room not mapped
    frontdesk_todos: int = 0  # the front desk's other open problems (conflicts, rooms to assign ...)
    push_enabled: bool = True
    stale: bool = False  # synced before, but not for ``alert_stale_minutes``
    api_errors_high: bool = False  # more than 5 % of today's API calls failed

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
    pending_rates: int = 0
    failed_rates: int = 0
    refused_pushes_today: int = 0
    partial_runs_today: int = 0
    unmapped_rooms: int = 0
    frontdesk_unmapped: int = 0
    frontdesk_todos: int = 0
    push_enabled: bool = True

    @property
    def waiting(self) -> int:
        """Everything waiting to be sent: records and rate nights (never those in error)."""
        return self.pending_push + self.pending_rates

    @property
    def push_off_waiting(self) -> bool:
        """Sending is switched off while changes made here wait for it."""
        return not self.push_enabled and self.waiting > 0


def _api_errors_high(facts: HealthFacts) -> bool:
    return bool(facts.api_calls_today) and facts.api_errors_today / facts.api_calls_today > 0.05


def score_health(
    facts: HealthFacts, now: datetime, *, stale_after_minutes: int, sync_interval_minutes: int
) -> tuple[int, int | None, tuple[str, ...]]:
    """The 0-100 score, the minutes since the last success, and why points were taken off (pure).

    Staleness weighs most (up to 40), then failed runs today (up to 30), records in error (10 + 2
    each, up to 30), unmapped booked rooms (15, up to 25), API errors (up to 25), refused or failed
    writes to Cloudbeds (10 + 1 each, up to 20), sending switched off with changes waiting (15),
    partly failed runs (5 each, up to 15), open front-desk to-dos (5, up to 10) and failed webhook
    events (10).
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
    if facts.partial_runs_today:
        score -= min(15, 5 * facts.partial_runs_today)
        reasons.append(Said("health.partial_runs", {"n": facts.partial_runs_today}))
    in_error = facts.failed_records + facts.failed_rates
    if in_error:
        score -= min(30, 10 + 2 * in_error)
        reasons.append(Said("health.failed_records", {"n": in_error}))
    if facts.refused_pushes_today:
        score -= min(20, 10 + facts.refused_pushes_today)
        reasons.append(Said("health.refused", {"n": facts.refused_pushes_today}))
    unmapped = facts.unmapped_rooms + facts.frontdesk_unmapped
    if unmapped:
        score -= min(25, 15 + unmapped // 10)
        reasons.append(Said("health.unmapped", {"n": unmapped}))
    if facts.frontdesk_todos:
        score -= min(10, 5 + facts.frontdesk_todos // 10)
        reasons.append(Said("health.frontdesk_todos", {"n": facts.frontdesk_todos}))
    if facts.push_off_waiting:
        score -= 15
        reasons.append(Said("health.push_off_waiting", {"n": facts.waiting}))
    calls, errors = facts.api_calls_today, facts.api_errors_today
    if _api_errors_high(facts):
        score -= 15 if errors / calls <= 0.2 else 25
        reasons.append(Said("health.api_errors", {"errors": errors, "calls": calls}))
    if facts.failed_webhook_events:
        score -= 10
        reasons.append(Said("health.webhooks_failed", {"n": facts.failed_webhook_events}))
    return max(0, min(100, score)), minutes, tuple(reasons)


def _facts(engine: sa.Engine, property_id: str | None, today: datetime, push_enabled: bool) -> HealthFacts:
    def scoped(table: sa.Table):
        return table.c.property_id == property_id if property_id is not None else sa.true()

    res, rr, gst, log, api, ev = (
        schema.reservasi,
        schema.reservasi_room,
        schema.guest,
        schema.cloudbed_sync_log,
        schema.cloudbed_api_log,
        schema.cloudbed_webhook_events,
    )
    rates, out, mapping, link = (
        schema.cloudbed_rate_sync,
        schema.cloudbed_outbound_log,
        schema.cloudbed_room_mapping,
        schema.cloudbed_booking_link,
    )
    live = res.c.is_deleted.is_(False)
    with reader(engine).connect() as conn:
        r = conn.execute(
            sa.select(
                _count_if(sa.and_(res.c.sync_status == "synced", live)),
                _count_if(sa.and_(res.c.sync_status == "pending", live)),
                _count_if(sa.and_(res.c.sync_status == "error", live)),
            ).where(scoped(res))
        ).one()
        g = conn.execute(
            sa.select(
                _count_if(gst.c.sync_status == "pending"),
                _count_if(gst.c.sync_status == "error"),
            ).where(scoped(gst))
        ).one()
        rate_pending, rate_error = conn.execute(
            sa.select(_count_if(rates.c.status == "pending"), _count_if(rates.c.status == "error")).where(
                scoped(rates), rates.c.direction == "to_cloudbed", rates.c.adf_rate.is_not(None)
            )
        ).one()
        last_ok = conn.execute(
            sa.select(sa.func.max(log.c.finished_at)).where(scoped(log), log.c.status == "completed")
        ).scalar()
        failed_today, partial_today = conn.execute(
            sa.select(_count_if(log.c.status == "failed"), _count_if(log.c.status == "partial")).where(
                scoped(log), log.c.started_at >= today
            )
        ).one()
        calls, errors = conn.execute(
            sa.select(
                sa.func.count(),
                _count_if(sa.or_(api.c.http_status.is_(None), api.c.http_status >= 400)),
            ).where(scoped(api), api.c.created_at >= today)
        ).one()
        failed_events = (
            conn.execute(sa.select(sa.func.count()).where(scoped(ev), ev.c.status == "failed")).scalar() or 0
        )
        refused = (
            conn.execute(
                sa.select(sa.func.count()).where(
                    scoped(out),
                    out.c.created_at >= today,
                    sa.or_(out.c.decision == "refused", out.c.success.is_(False)),
                )
            ).scalar()
            or 0
        )
        unmapped = _unmapped_rooms(conn, scoped(rr), scoped(mapping))
        desk = dict(
            conn.execute(
                sa.select(link.c.problem_kind == "unmapped", sa.func.count())
                .where(scoped(link), link.c.problem.is_not(None))
                .group_by(link.c.problem_kind == "unmapped")
            ).all()
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
        pending_rates=int(rate_pending),
        failed_rates=int(rate_error),
        refused_pushes_today=int(refused),
        partial_runs_today=int(partial_today),
        unmapped_rooms=int(unmapped),
        frontdesk_unmapped=int(sum(n for unmapped, n in desk.items() if unmapped)),
        frontdesk_todos=int(sum(n for unmapped, n in desk.items() if not unmapped)),
        push_enabled=bool(push_enabled),
    )


def _unmapped_rooms(conn: sa.Connection, rooms_scope, mapping_scope) -> int:
    """Booked rooms (not deleted) whose Cloudbeds room type has no active mapping: the rooms the
    Room mapping page counts as "booked" for a type (``pms.sync.mapping_data``).

    The types in use come from the (property, type) index and are compared in Python; only the
    rooms of unmapped types are then counted, so a fully mapped hotel pays one index scan.
    """
    rr, mapping = schema.reservasi_room, schema.cloudbed_room_mapping
    used = {
        (r[0], r[1])
        for r in conn.execute(
            sa.select(rr.c.property_id, rr.c.cloudbed_room_type_id)
            .where(rooms_scope, rr.c.cloudbed_room_type_id.is_not(None))
            .distinct()
        )
    }
    mapped = {
        (r[0], r[1])
        for r in conn.execute(
            sa.select(mapping.c.property_id, mapping.c.cloudbed_room_type_id).where(
                mapping_scope, mapping.c.is_active.is_(True), mapping.c.cloudbed_room_type_id.is_not(None)
            )
        )
    }
    missing = sorted(used - mapped)
    total = 0
    for pid in {p for p, _ in missing}:
        types = [t for p, t in missing if p == pid]
        for start in range(0, len(types), 500):
            total += (
                conn.execute(
                    sa.select(sa.func.count()).where(
                        rr.c.property_id == pid,
                        rr.c.cloudbed_room_type_id.in_(types[start : start + 500]),
                        rr.c.is_deleted.is_(False),
                    )
                ).scalar()
                or 0
            )
    return int(total)


_CONFIG = ["cloudbed_timezone", "cloudbed_sync_interval", "alert_stale_minutes", "cloudbed_push_enabled"]


def health_facts(engine: sa.Engine, property_id: str | None, now: datetime | None = None) -> HealthFacts:
    """The counts the score, the Overview's to-do list and the alert rules are made of."""
    now = now or utcnow()
    cfg = Settings(engine).get_many(_CONFIG)
    return _facts(
        engine, property_id, day_start_utc(now, cfg["cloudbed_timezone"]), cfg["cloudbed_push_enabled"]
    )


def health_summary(engine: sa.Engine, property_id: str | None, now: datetime | None = None) -> HealthSummary:
    """The health of the sync for one property (``None``: across all properties)."""
    now = now or utcnow()
    cfg = Settings(engine).get_many(_CONFIG)
    facts = _facts(
        engine, property_id, day_start_utc(now, cfg["cloudbed_timezone"]), cfg["cloudbed_push_enabled"]
    )
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
        pending_rates=facts.pending_rates,
        failed_rates=facts.failed_rates,
        refused_pushes_today=facts.refused_pushes_today,
        partial_runs_today=facts.partial_runs_today,
        unmapped_rooms=facts.unmapped_rooms,
        frontdesk_unmapped=facts.frontdesk_unmapped,
        frontdesk_todos=facts.frontdesk_todos,
        push_enabled=facts.push_enabled,
        stale=minutes is not None and minutes > cfg["alert_stale_minutes"],
        api_errors_high=_api_errors_high(facts),
    )
