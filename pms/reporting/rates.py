"""The rate and availability calendar: per room type and night, the nightly rate and rooms left.

Rates come from ``cloudbed_rate_sync`` (base plans only: derived plans follow their parent in
Cloudbeds and are never edited directly), availability from ``cloudbed_availability``. A rate the
hotel edited and has not pushed yet shows its ``adf_rate`` and status ``pending``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.reporting.paging import frame

__all__ = ["MAX_DAYS", "availability_calendar", "rate_calendar", "rate_jobs"]

MAX_DAYS = 62


def _window(start: date, end: date) -> tuple[date, date]:
    if end < start:
        raise ValueError("the end date is before the start date")
    return start, min(end, start + timedelta(days=MAX_DAYS - 1))


def rate_calendar(engine: sa.Engine, property_id: str, start: date, end: date) -> pd.DataFrame:
    """Base-plan rates for nights ``start..end`` (inclusive, at most ``MAX_DAYS``): ``rate_id,
    room_type_id, room_type_name, rate_plan_name, rate_date, cloudbed_rate, adf_rate, rate, status,
    job_reference_id, error``; ``rate`` is what the hotel will have (its edit, else Cloudbeds')."""
    start, end = _window(start, end)
    rs, rt = schema.cloudbed_rate_sync, schema.cloudbed_room_types
    query = (
        sa.select(
            rs.c.rate_id,
            rs.c.room_type_id,
            rt.c.name.label("room_type_name"),
            rs.c.rate_plan_name,
            rs.c.rate_date,
            rs.c.cloudbed_rate,
            rs.c.adf_rate,
            rs.c.status,
            rs.c.job_reference_id,
            rs.c.error,
        )
        .select_from(
            rs.outerjoin(
                rt, sa.and_(rt.c.property_id == rs.c.property_id, rt.c.room_type_id == rs.c.room_type_id)
            )
        )
        .where(
            rs.c.property_id == property_id,
            rs.c.rate_date >= start,
            rs.c.rate_date <= end,
            rs.c.is_derived.is_(False),
        )
        .order_by(rt.c.name, rs.c.rate_id, rs.c.rate_date)
    )
    with reader(engine).connect() as conn:
        out = frame(conn.execute(query))
    if not out.empty:
        pending = out["status"].isin(["pending", "queued", "correcting", "error"]) & out["adf_rate"].notna()
        out["rate"] = out["cloudbed_rate"].where(~pending, out["adf_rate"])
        out["room_type_name"] = out["room_type_name"].fillna(out["room_type_id"])
    else:
        out["rate"] = []
    return out


def availability_calendar(engine: sa.Engine, property_id: str, start: date, end: date) -> pd.DataFrame:
    """Rooms left per room type and night: ``room_type_id, room_type_name, stay_date, rooms_available,
    rooms_total``."""
    start, end = _window(start, end)
    av, rt = schema.cloudbed_availability, schema.cloudbed_room_types
    query = (
        sa.select(
            av.c.room_type_id,
            rt.c.name.label("room_type_name"),
            av.c.stay_date,
            av.c.rooms_available,
            av.c.rooms_total,
        )
        .select_from(
            av.outerjoin(
                rt, sa.and_(rt.c.property_id == av.c.property_id, rt.c.room_type_id == av.c.room_type_id)
            )
        )
        .where(av.c.property_id == property_id, av.c.stay_date >= start, av.c.stay_date <= end)
        .order_by(rt.c.name, av.c.stay_date)
    )
    with reader(engine).connect() as conn:
        out = frame(conn.execute(query))
    if not out.empty:
        out["room_type_name"] = out["room_type_name"].fillna(out["room_type_id"])
    return out


def rate_jobs(engine: sa.Engine, property_id: str, limit: int = 20) -> pd.DataFrame:
    """Rate pushes waiting for or finished by Cloudbeds' asynchronous jobs, and nights that could
    not be sent at all (no job, ``status = error``, with the reason): errors first, then newest."""
    rs = schema.cloudbed_rate_sync
    failed = sa.func.max(sa.case((rs.c.status == "error", 1), else_=0))
    query = (
        sa.select(
            rs.c.job_reference_id,
            rs.c.status,
            sa.func.count().label("nights"),
            sa.func.min(rs.c.rate_date).label("first_night"),
            sa.func.max(rs.c.rate_date).label("last_night"),
            sa.func.max(rs.c.pushed_at).label("pushed_at"),
            sa.func.max(rs.c.error).label("error"),
        )
        .where(
            rs.c.property_id == property_id,
            sa.or_(rs.c.job_reference_id.is_not(None), rs.c.status == "error"),
        )
        .group_by(rs.c.job_reference_id, rs.c.status)
        .order_by(failed.desc(), sa.func.max(rs.c.pushed_at).desc())
        .limit(limit)
    )
    with reader(engine).connect() as conn:
        return frame(conn.execute(query))
