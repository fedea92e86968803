"""Sync run statistics and the rate/availability calendar."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.reporting import catalog, rates, runs
from tests.reporting.builders import NOW, PID, TODAY, catalogue, sync_run


def test_recent_runs_oldest_first(db):
    with db.begin() as conn:
        for i in range(5):
            sync_run(conn, NOW - timedelta(hours=i), processed=i)
    out = runs.recent_runs(db, PID, limit=3)
    assert out["processed"].tolist() == [2, 1, 0]
    with db.begin() as conn:
        conn.execute(
            sa.update(schema.cloudbed_sync_log).values(stats=json.dumps({"reservations": {"created": 4}}))
        )
    record = runs.run_record(db, PID, int(out["id"].iloc[-1]))
    assert record["stats"] == {"reservations": {"created": 4}}
    assert runs.run_record(db, "nope", int(out["id"].iloc[-1])) is None


def _rates(conn):
    catalogue(conn)
    rows = []
    for i in range(5):
        night = TODAY + timedelta(days=i)
        rows.append(
            {
                "property_id": PID,
                "rate_id": "rate-1",
                "rate_date": night,
                "room_type_id": "rt-1",
                "rate_plan_name": "Standard Rate",
                "cloudbed_rate": Decimal("850000"),
                "is_derived": False,
            }
        )
        rows.append(
            {
                "property_id": PID,
                "rate_id": "rate-1nr",
                "rate_date": night,
                "room_type_id": "rt-1",
                "rate_plan_name": "Non-Refundable",
                "cloudbed_rate": Decimal("765000"),
                "is_derived": True,
            }
        )
    conn.execute(sa.insert(schema.cloudbed_rate_sync), rows)
    conn.execute(
        sa.insert(schema.cloudbed_availability),
        [
            {
                "property_id": PID,
                "room_type_id": "rt-1",
                "stay_date": TODAY + timedelta(days=i),
                "rooms_available": 5 - i,
                "rooms_total": 5,
            }
            for i in range(5)
        ],
    )


def test_rate_calendar_shows_base_plans_and_pending_edits(db):
    with db.begin() as conn:
        _rates(conn)
        conn.execute(
            sa.update(schema.cloudbed_rate_sync)
            .where(
                schema.cloudbed_rate_sync.c.rate_id == "rate-1",
                schema.cloudbed_rate_sync.c.rate_date == TODAY,
            )
            .values(adf_rate=Decimal("900000"), status="pending")
        )
    cal = rates.rate_calendar(db, PID, TODAY, TODAY + timedelta(days=2))
    assert set(cal["rate_id"]) == {"rate-1"} and len(cal) == 3
    assert [float(v) for v in cal["rate"]] == [900000.0, 850000.0, 850000.0]
    assert set(cal["room_type_name"]) == {"Deluxe Double"}
    av = rates.availability_calendar(db, PID, TODAY, TODAY + timedelta(days=10))
    assert av["rooms_available"].tolist() == [5, 4, 3, 2, 1]
    with pytest.raises(ValueError):
        rates.rate_calendar(db, PID, TODAY, TODAY - timedelta(days=1))
    assert rates.rate_calendar(db, PID, TODAY + timedelta(days=100), TODAY + timedelta(days=101)).empty


def test_catalog_pickers(db):
    with db.begin() as conn:
        catalogue(conn)
    assert catalog.room_types(db, PID)["name"].tolist() == ["Deluxe Double", "Family Room"]
    assert catalog.sources(db, PID)["name"].tolist() == ["Walk-In", "Booking.com"]
    assert catalog.room_mappings(db, PID).empty
