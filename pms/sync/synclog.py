"""``cloudbed_sync_log``: one row per run, opened when it starts and closed when it ends.

The row is written in its own short transactions (never inside a batch), so a failed batch that
rolls back cannot take the record of the failure with it. A run killed half-way leaves its row
``running``; the next run that takes the lease closes such rows as interrupted, since while it holds
the lease nothing else can be running. ``last_successful_sync`` answers domain rule 24: when did
data last arrive, and how stale is it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.sync.request import SyncRequest
from pms.sync.result import SyncResult

__all__ = ["LastSync", "close_interrupted", "close_log", "last_successful_sync", "open_log"]

_LOG = schema.cloudbed_sync_log
_INTERRUPTED = "interrupted: the process stopped before the run finished (nothing half-written was kept)"


def open_log(
    bind: sa.Engine | sa.Connection,
    property_id: str,
    req: SyncRequest,
    *,
    mode: str | None = None,
    started_at: datetime | None = None,
    close_interrupted: bool = False,
) -> int | None:
    """Insert the ``running`` row and return its id (None if the log cannot be written).

    Args:
        bind: an engine (its own transaction), or a connection in the caller's transaction (the
            one that takes the lease: a round trip less).
        close_interrupted: first close the rows of runs that died (the caller holds the lease).
    """
    try:
        if isinstance(bind, sa.Connection):
            return _insert_log(bind, property_id, req, mode, started_at, close_interrupted)
        with bind.begin() as conn:
            return _insert_log(conn, property_id, req, mode, started_at, close_interrupted)
    except sa.exc.SQLAlchemyError:
        return None


def _insert_log(conn, property_id, req, mode, started_at, close_interrupted) -> int:
    if close_interrupted:
        _close_interrupted(conn, property_id)
    res = conn.execute(
        sa.insert(_LOG).values(
            property_id=property_id,
            sync_type=",".join(req.entities)[:128] or "none",
            direction=req.direction,
            trigger=req.trigger,
            mode=(mode or req.mode)[:16],
            range_from=req.date_from,
            range_to=req.date_to,
            status="running",
            started_at=started_at or utcnow(),
        )
    )
    return int(res.inserted_primary_key[0])


def close_log(engine: sa.Engine, log_id: int | None, result: SyncResult) -> None:
    """Record how the run ended: counts, cost, errors, duration."""
    if log_id is None:
        return
    details = []
    if result.error:
        details.append(result.error)
    details += result.errors[:50]
    stats = {name: c.as_dict() for name, c in result.counts.items()}
    stats["linked"] = result.linked
    if result.front_desk is not None:
        stats["front_desk"] = result.front_desk
    if result.warnings:
        stats["warning_samples"] = result.warnings[:20]
    with engine.begin() as conn:
        conn.execute(
            sa.update(_LOG)
            .where(_LOG.c.id == log_id)
            .values(
                status=result.status,
                finished_at=utcnow(),
                duration_ms=int(result.duration_s * 1000),
                processed=result.processed,
                successful=result.successful,
                failed=result.failed,
                api_calls=result.api_calls,
                rate_limited=result.rate_limited,
                warnings=result.warning_count,
                error_details="\n".join(details)[:60000] or None,
                stats=json.dumps(stats, ensure_ascii=False, default=str)[:60000],
            )
        )


def close_interrupted(conn: sa.Connection, property_id: str, keep: int | None = None) -> int:
    return _close_interrupted(conn, property_id, keep)


def _close_interrupted(conn: sa.Connection, property_id: str, keep: int | None = None) -> int:
    """Close ``running`` rows left by runs that died; call it while holding the lease."""
    q = sa.update(_LOG).where(_LOG.c.property_id == property_id, _LOG.c.status == "running")
    if keep is not None:
        q = q.where(_LOG.c.id != keep)
    return conn.execute(q.values(status="failed", finished_at=utcnow(), error_details=_INTERRUPTED)).rowcount


@dataclass(frozen=True)
class LastSync:
    """The last run that pulled data successfully, and how long ago that was."""

    finished_at: datetime | None
    mode: str | None
    age: timedelta | None

    def describe(self) -> str:
        if self.finished_at is None:
            return "never synced"
        minutes = int(self.age.total_seconds() // 60) if self.age else 0
        if minutes < 1:
            ago = "just now"
        elif minutes < 120:
            ago = f"{minutes} min ago"
        elif minutes < 2880:
            ago = f"{minutes // 60} h ago"
        else:
            ago = f"{minutes // 1440} days ago"
        return f"last successful sync {self.finished_at:%Y-%m-%d %H:%M} UTC ({ago})"


def last_successful_sync(engine: sa.Engine, property_id: str, now: datetime | None = None) -> LastSync:
    """When a pull last completed for the property (domain rule 24)."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(_LOG.c.finished_at, _LOG.c.mode)
            .where(
                _LOG.c.property_id == property_id,
                _LOG.c.status.in_(("completed", "partial")),
                _LOG.c.direction.in_(("pull", "both")),
                _LOG.c.finished_at.is_not(None),
            )
            .order_by(_LOG.c.finished_at.desc())
            .limit(1)
        ).first()
    if row is None:
        return LastSync(None, None, None)
    return LastSync(row.finished_at, row.mode, (now or utcnow()) - row.finished_at)
