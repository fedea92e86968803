"""Statistics of recent sync runs, for the Sync page's charts and the latest-run summary."""

from __future__ import annotations

import json

import pandas as pd
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.reporting.paging import frame

__all__ = ["recent_runs", "run_record"]

_log = schema.cloudbed_sync_log


def recent_runs(engine: sa.Engine, property_id: str, limit: int = 50) -> pd.DataFrame:
    """The last ``limit`` runs, oldest first (for charts): ``id, started_at, mode, direction, trigger,
    status, processed, successful, failed, warnings, api_calls, rate_limited, duration_ms``."""
    query = (
        sa.select(
            _log.c.id,
            _log.c.started_at,
            _log.c.mode,
            _log.c.direction,
            _log.c.trigger,
            _log.c.status,
            _log.c.processed,
            _log.c.successful,
            _log.c.failed,
            _log.c.warnings,
            _log.c.api_calls,
            _log.c.rate_limited,
            _log.c.duration_ms,
        )
        .where(_log.c.property_id == property_id)
        .order_by(_log.c.started_at.desc(), _log.c.id.desc())
        .limit(max(1, min(int(limit), 500)))
    )
    with reader(engine).connect() as conn:
        out = frame(conn.execute(query))
    return out.iloc[::-1].reset_index(drop=True)


def run_record(engine: sa.Engine, property_id: str, run_id: int) -> dict | None:
    """One run with its per-entity statistics decoded (``stats``), or None."""
    with reader(engine).connect() as conn:
        row = conn.execute(
            sa.select(_log).where(_log.c.property_id == property_id, _log.c.id == int(run_id))
        ).first()
    if row is None:
        return None
    record = dict(row._mapping)
    try:
        record["stats"] = json.loads(record["stats"]) if record.get("stats") else {}
    except ValueError:
        record["stats"] = {}
    return record
