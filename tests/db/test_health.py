"""The health score and summary follow what is in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.health import day_start_utc, health_facts, health_summary
from pms.db.settings import Settings
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
    Settings(engine).set_push_enabled(True, now=NOW - timedelta(days=1))
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
    assert h.score == 100 - 40 - 10 - (10 + 2 * 3) - 25
    from pms.reporting.attention import problems

    found = {p.key: (p.count, p.page) for p in problems(h)}
    assert found["stale_sync"] == (1, "sync") and found["api_errors"] == (3, "connection")
    assert found["failed_runs"] == (1, "monitoring") and found["records_in_error"] == (3, "monitoring")


def test_today_is_the_property_day():
    assert day_start_utc(NOW, "Asia/Jakarta") == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def test_the_score_is_a_pure_function_of_the_facts():
    from pms.db.health import HealthFacts, score_health

    calm = HealthFacts(120, 0, 0, NOW - timedelta(minutes=4), 0, 500, 2, 0)
    assert score_health(calm, NOW, stale_after_minutes=120, sync_interval_minutes=5) == (100, 4, ())
    late = HealthFacts(120, 3, 7, NOW - timedelta(minutes=30), 2, 100, 30, 1)
    score, minutes, reasons = score_health(late, NOW, stale_after_minutes=120, sync_interval_minutes=5)
    # 15 for a stale-ish sync, 20 for two failed runs, 24 for seven records in error, 25 for 30 % API errors,
    # 10 for a failed webhook event.
    assert (score, minutes) == (100 - 15 - 20 - 24 - 25 - 10, 30)
    assert len(reasons) == 5 and "7 record(s) in error" in reasons
    never = HealthFacts(0, 0, 0, None, 5, 0, 0, 0)
    assert score_health(never, NOW, stale_after_minutes=120, sync_interval_minutes=5)[0] == 100 - 40 - 30


def _troubled_world(engine) -> None:
    """What a manager saw beside "94/100" and "No active alerts": records in error, partly failed
    runs, refused writes, booked rooms of an unmapped type, sending off while a change waits."""
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.reservasi),
            [_reservation(i, "error") for i in range(4)] + [_reservation(10, "pending"), _reservation(11)],
        )
        ids = [r.id for r in conn.execute(sa.select(schema.reservasi.c.id).order_by(schema.reservasi.c.id))]
        conn.execute(
            sa.insert(schema.reservasi_room),
            [
                {
                    "reservasi_id": rid,
                    "property_id": PID,
                    "sub_reservation_id": f"{rid}-0",
                    "cloudbed_room_type_id": "rt-unmapped" if k < 3 else "rt-mapped",
                }
                for k, rid in enumerate(ids)
            ],
        )
        conn.execute(
            sa.insert(schema.cloudbed_room_mapping).values(
                property_id=PID, adf_room_type="Deluxe", cloudbed_room_type_id="rt-mapped", is_active=True
            )
        )
        conn.execute(
            sa.insert(schema.cloudbed_sync_log),
            [
                {
                    "property_id": PID,
                    "sync_type": "reservations",
                    "status": status,
                    "started_at": NOW - timedelta(minutes=m + 1),
                    "finished_at": NOW - timedelta(minutes=m),
                    "failed": 2 if status == "partial" else 0,
                    "error_details": "postReservation refused: no e-mail" if status == "partial" else None,
                }
                for status, m in (("completed", 30), ("partial", 20), ("partial", 3))
            ],
        )
        conn.execute(
            sa.insert(schema.cloudbed_outbound_log),
            [
                {
                    "property_id": PID,
                    "operation": "postReservation",
                    "decision": decision,
                    "success": success,
                    "reason": "push to Cloudbeds is switched off" if decision == "refused" else None,
                    "created_at": NOW - timedelta(minutes=5),
                }
                for decision, success in (("refused", None), ("sent", False), ("sent", True))
            ],
        )


def test_records_in_error_refusals_unmapped_rooms_and_push_off_take_points_off(engine):
    from pms.reporting.attention import problems

    setup_database(engine)
    _troubled_world(engine)
    h = health_summary(engine, PID, now=NOW)
    assert (h.failed_records, h.pending_push) == (4, 1)  # errors are never counted as waiting
    assert (h.partial_runs_today, h.refused_pushes_today, h.unmapped_rooms) == (2, 2, 3)
    assert h.push_enabled is False
    assert h.score == 100 - 10 - (10 + 2 * 4) - (10 + 2) - 15 - 15 == 30
    assert "sending is switched off while 1 change(s) wait" in h.reasons
    found = {p.key: (p.count, p.page) for p in problems(health_facts(engine, PID, now=NOW))}
    assert found == {
        "records_in_error": (4, "monitoring"),
        "refused_pushes": (2, "monitoring"),
        "push_off_waiting": (1, "settings"),
        "unmapped_rooms": (3, "room_mapping"),
        "partial_runs": (2, "monitoring"),
    }
    assert problems(h) == problems(health_facts(engine, PID, now=NOW))  # the Overview reads the summary


def test_mapping_the_type_and_switching_sending_on_clear_those_problems(engine):
    from pms.reporting.attention import problems

    setup_database(engine)
    _troubled_world(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_room_mapping).values(
                property_id=PID, adf_room_type="Family", cloudbed_room_type_id="rt-unmapped", is_active=True
            )
        )
    Settings(engine).set_push_enabled(True, now=NOW)
    keys = {p.key for p in problems(health_facts(engine, PID, now=NOW))}
    assert keys == {"records_in_error", "refused_pushes", "partial_runs"}
    assert health_summary(engine, PID, now=NOW).unmapped_rooms == 0


def test_front_desk_problems_count_unmapped_rooms_and_other_to_dos_apart(engine):
    from pms.db import tables_adf
    from pms.reporting.attention import problems

    setup_database(engine)
    Settings(engine).set_push_enabled(True, now=NOW - timedelta(days=1))
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_sync_log).values(
                property_id=PID,
                sync_type="reservations",
                status="completed",
                started_at=NOW - timedelta(minutes=2),
                finished_at=NOW - timedelta(minutes=1),
            )
        )
        conn.execute(
            sa.insert(tables_adf.cloudbed_booking_link),
            [
                {
                    "property_id": PID,
                    "cloudbed_reservation_id": str(i),
                    "cloudbed_sub_reservation_id": f"{i}-1",
                    "problem_kind": kind,
                    "problem": text,
                }
                for i, (kind, text) in enumerate(
                    [
                        ("unmapped", "Cloudbeds room 203 is not mapped to an ADF room"),
                        ("unmapped", "Cloudbeds room 204 is not mapped to an ADF room"),
                        ("conflict", "ADF room 101 is held by booking B-77 on 2 Dec"),
                        (None, None),
                    ]
                )
            ],
        )
    h = health_summary(engine, PID, now=NOW)
    assert (h.frontdesk_unmapped, h.frontdesk_todos) == (2, 1)
    assert h.score == 100 - 15 - 5
    found = {p.key: (p.count, p.page) for p in problems(h)}
    assert found == {"frontdesk_unmapped": (2, "room_mapping"), "frontdesk_todos": (1, "frontdesk")}
