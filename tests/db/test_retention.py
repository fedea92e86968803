"""Retention removes old finished log rows and keeps anything still needing attention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.retention import prune
from pms.db.settings import Settings
from pms.db.setup import setup_database

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _count(engine, table, where=None):
    where = sa.true() if where is None else where
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar()


def test_prune_by_age_and_status(engine):
    setup_database(engine)
    Settings(engine).set("cloudbed_retention_api_log_days", 7)
    old, recent = NOW - timedelta(days=40), NOW - timedelta(days=1)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_api_log),
            [
                {"endpoint": "getReservations", "method": "GET", "created_at": t}
                for t in [old] * 30 + [recent] * 5
            ],
        )
        conn.execute(
            sa.insert(schema.cloudbed_webhook_events),
            [
                {
                    "event": "reservation/created",
                    "dedupe_key": f"k{i}",
                    "payload": "{}",
                    "received_at": old,
                    "status": status,
                }
                for i, status in enumerate(["processed", "ignored", "failed", "pending"])
            ],
        )
        conn.execute(
            sa.insert(schema.cloudbed_sync_log),
            [
                {"sync_type": "reservations", "started_at": old - timedelta(days=365), "status": s}
                for s in ("completed", "running")
            ],
        )
    deleted = prune(engine, now=NOW)
    assert deleted["cloudbed_api_log"] == 30
    assert deleted["cloudbed_webhook_events"] == 2
    assert deleted["cloudbed_sync_log"] == 1
    assert _count(engine, schema.cloudbed_api_log) == 5
    with engine.connect() as conn:
        statuses = {r[0] for r in conn.execute(sa.select(schema.cloudbed_webhook_events.c.status))}
    assert statuses == {"failed", "pending"}
    assert prune(engine, now=NOW)["cloudbed_api_log"] == 0


def test_prune_in_chunks_removes_everything_due(engine, monkeypatch):
    from pms.db import retention

    setup_database(engine)
    monkeypatch.setattr(retention, "CHUNK", 7)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_api_log),
            [{"endpoint": "getHotels", "method": "GET", "created_at": NOW - timedelta(days=90)}] * 50,
        )
    assert prune(engine, now=NOW)["cloudbed_api_log"] == 50
    assert _count(engine, schema.cloudbed_api_log) == 0
