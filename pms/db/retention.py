"""Pruning of operational logs, like the seed's cleanup procedure, run by the worker.

API logs grow by a row per Cloudbeds call; on a busy hotel that is tens of thousands a day. Only
what is old enough and finished is removed: webhook events that are still pending or failed are
kept whatever their age (a failure must stay visible until someone looks at it), and the running
sync's log row is never touched. Deletes run in bounded chunks so a first prune of a large table
does not hold a lock for minutes on MySQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow

__all__ = ["CHUNK", "prune"]

CHUNK = 5000


def _delete_chunked(engine: sa.Engine, table: sa.Table, where) -> int:
    pk = next(iter(table.primary_key.columns))
    total = 0
    while True:
        with engine.begin() as conn:
            ids = [r[0] for r in conn.execute(sa.select(pk).where(where).limit(CHUNK))]
            if not ids:
                return total
            total += conn.execute(sa.delete(table).where(pk.in_(ids))).rowcount
        if len(ids) < CHUNK:
            return total


def prune(
    engine: sa.Engine, now: datetime | None = None, days: dict[str, int] | None = None
) -> dict[str, int]:
    """Delete log rows older than their retention (settings ``cloudbed_retention_*_days``).

    Args:
        engine: the hotel database.
        now: the reference time (aware UTC; default now).
        days: override the retention per kind (``api_log``, ``webhook``, ``sync_log``, ``outbound``).

    Returns:
        Deleted rows per table.
    """
    now = now or utcnow()
    keep = Settings(engine).retention_days()
    keep.update(days or {})

    def before(kind: str) -> datetime:
        return now - timedelta(days=keep[kind])

    api = schema.cloudbed_api_log
    events = schema.cloudbed_webhook_events
    runs = schema.cloudbed_sync_log
    outbound = schema.cloudbed_outbound_log
    alerts = schema.cloudbed_alerts
    return {
        api.name: _delete_chunked(engine, api, api.c.created_at < before("api_log")),
        events.name: _delete_chunked(
            engine,
            events,
            sa.and_(events.c.received_at < before("webhook"), events.c.status.in_(("processed", "ignored"))),
        ),
        runs.name: _delete_chunked(
            engine, runs, sa.and_(runs.c.started_at < before("sync_log"), runs.c.status != "running")
        ),
        outbound.name: _delete_chunked(engine, outbound, outbound.c.created_at < before("outbound")),
        alerts.name: _delete_chunked(
            engine, alerts, sa.and_(alerts.c.status == "resolved", alerts.c.resolved_at < before("sync_log"))
        ),
    }
