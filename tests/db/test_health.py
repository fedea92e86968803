"""The health score and summary follow what is in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.health import day_start_utc, health_summary
from pms.db.setup import setup_database

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 12:00 in Jakarta
PID = "254042"


def _reservation(i, status="synced", pid=PID):
    return {
        "property_id": pid,
        "cloudbed_reservation_id": str(i),
        "check_in": date(2026, 12, 1),
        "check_out": date(2026, 12, 2),
        "sync_status": status,
    }


def test_empty_database_scores_low_for_never_having_synced(engine):
    setup_database(engine)
    h = health_summary(engine, PID, now=NOW)
    assert h.score == 60
    assert h.last_successful_sync is None
    assert "no successful sync yet" in h.reasons


def test_healthy_property_scores_100_and_counts_are_scoped(engine):
    setup_database(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.reservasi),
            [_reservation(i) for i in range(5)]
            + [_reservation(9, "pending"), _reservation(99, "synced", pid="1")],
        )
        conn.execute(
            sa.insert(schema.cloudbed_sync_log).values(
                property_id=PID,
                sync_type="reservations",
                status="completed",
                started_at=NOW - timedelta(minutes=11),
                finished_at=NOW - timedelta(minutes=10),
            )
        )
        conn.execute(
            sa.insert(schema.cloudbed_api_log),
            [
                {
                    "property_id": PID,
                    "endpoint": "getReservations",
                    "method": "GET",
                    "http_status": 200,
                    "created_at": NOW - timedelta(minutes=10),
                }
            ]
            * 4,
        )
    h = health_summary(engine, PID, now=NOW)
    assert (h.score, h.synced_reservations, h.pending_push, h.api_calls_today) == (100, 5, 1, 4)
    assert h.minutes_since_success == 10
    assert h.last_successful_sync == NOW - timedelta(minutes=10)


def test_failures_stale_sync_and_api_errors_take_points_off(engine):
    setup_database(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.reservasi), [_reservation(i, "error") for i in range(3)])
        conn.execute(
            sa.insert(schema.cloudbed_sync_log),
            [
                {
                    "property_id": PID,
                    "sync_type": "reservations",
                    "status": "completed",
                    "started_at": NOW - timedelta(hours=6),
                    "finished_at": NOW - timedelta(hours=6),
                },
                {
                    "property_id": PID,
                    "sync_type": "reservations",
                    "status": "failed",
                    "started_at": NOW - timedelta(hours=1),
                    "finished_at": None,
                },
            ],
        )
        conn.execute(
            sa.insert(schema.cloudbed_api_log),
            [
                {
                    "property_id": PID,
                    "endpoint": "getReservations",
                    "method": "GET",
                    "http_status": s,
                    "created_at": NOW - timedelta(hours=1),
                }
                for s in (200, 500, None, 429)
            ],
        )
    h = health_summary(engine, PID, now=NOW)
    assert (h.failed_syncs_today, h.failed_records, h.api_errors_today) == (1, 3, 3)
    assert h.score == 100 - 40 - 10 - 5 - 25


def test_today_is_the_property_day():
    assert day_start_utc(NOW, "Asia/Jakarta") == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def test_the_score_is_a_pure_function_of_the_facts():
    from pms.db.health import HealthFacts, score_health

    calm = HealthFacts(120, 0, 0, NOW - timedelta(minutes=4), 0, 500, 2, 0)
    assert score_health(calm, NOW, stale_after_minutes=120, sync_interval_minutes=5) == (100, 4, ())
    late = HealthFacts(120, 3, 7, NOW - timedelta(minutes=30), 2, 100, 30, 1)
    score, minutes, reasons = score_health(late, NOW, stale_after_minutes=120, sync_interval_minutes=5)
    # 15 for a stale-ish sync, 20 for two failed runs, 9 for records in error, 25 for 30 % API errors,
    # 10 for a failed webhook event.
    assert (score, minutes) == (100 - 15 - 20 - 9 - 25 - 10, 30)
    assert len(reasons) == 5 and "7 record(s) in error" in reasons
    never = HealthFacts(0, 0, 0, None, 5, 0, 0, 0)
    assert score_health(never, NOW, stale_after_minutes=120, sync_interval_minutes=5)[0] == 100 - 40 - 30
