"""The Overview's figures: today's stays, occupancy ahead, where bookings come from, sync activity.

(The health score and its KPIs are ``pms.db.health``; active alerts are ``pms.alerts``.)

Each is one aggregate query bounded by an indexed date range of the active property, so the page
costs about the same for a hotel with a year of history as for one with a week. Cancelled and
no-show bookings (domain rule 6 treats them alike) and rows marked deleted never count as stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import is_mysql, reader
from pms.reporting.paging import frame

__all__ = [
    "INACTIVE_STATUSES",
    "StaysToday",
    "by_source",
    "occupancy",
    "rooms_total",
    "stays_today",
    "sync_activity",
]

INACTIVE_STATUSES = ("canceled", "no_show")

_r = schema.reservasi
_rr = schema.reservasi_room


def _live(table=_r):
    return sa.and_(table.c.status.not_in(INACTIVE_STATUSES), table.c.is_deleted.is_(False))


@dataclass(frozen=True)
class StaysToday:
    arrivals: int
    departures: int
    in_house: int


def stays_today(engine: sa.Engine, property_id: str, today: date) -> StaysToday:
    """Reservations arriving and departing on the property's ``today``, and guests checked in."""
    with reader(engine).connect() as conn:

        def count(*where) -> int:
            query = sa.select(sa.func.count()).select_from(_r).where(_r.c.property_id == property_id, *where)
            return int(conn.execute(query).scalar_one())

        return StaysToday(
            arrivals=count(_r.c.check_in == today, _live()),
            departures=count(_r.c.check_out == today, _live()),
            in_house=count(_r.c.status == "checked_in", _r.c.is_deleted.is_(False)),
        )


def rooms_total(engine: sa.Engine, property_id: str) -> int:
    """Physical rooms of the property: the rooms catalogue, else the unit counts of its room types."""
    rooms, types = schema.cloudbed_rooms, schema.cloudbed_room_types
    with reader(engine).connect() as conn:
        n = conn.execute(
            sa.select(sa.func.count())
            .select_from(rooms)
            .where(rooms.c.property_id == property_id, rooms.c.is_virtual.is_(False))
        ).scalar_one()
        if not n:
            n = conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(types.c.units), 0)).where(
                    types.c.property_id == property_id
                )
            ).scalar_one()
    return int(n or 0)


def occupancy(engine: sa.Engine, property_id: str, start: date, days: int = 30) -> pd.DataFrame:
    """Rooms sold per night from ``start`` for ``days`` nights: ``date, rooms_sold, rooms_total, occupancy``.

    A room counts on night ``d`` when its stay covers it (check-in ≤ d < check-out). SQL returns
    the stays overlapping the window grouped by their (clipped) first and last night, a few
    hundred rows at most, which are then spread over the nights. The stays are found through the
    check-out index from ``start`` on: that side of the calendar is bounded by the hotel's rooms,
    while the history before it grows every day.
    """
    days = max(1, min(int(days), 366))
    end = start + timedelta(days=days)
    room_in = sa.func.coalesce(_rr.c.check_in, _r.c.check_in)
    room_out = sa.func.coalesce(_rr.c.check_out, _r.c.check_out)
    query = (
        sa.select(room_in.label("room_in"), room_out.label("room_out"), sa.func.count().label("rooms"))
        .select_from(_r.join(_rr, _rr.c.reservasi_id == _r.c.id))
        # Only check-out is compared as a bare column, so the planner can only take the check-out
        # index (SQLite without statistics would otherwise walk the check-in one through history).
        .where(
            _r.c.property_id == property_id,
            _r.c.check_out > start,
            room_out > start,
            room_in < end,
            _live(),
            _rr.c.is_deleted.is_(False),
        )
        .group_by(room_in, room_out)
    )
    sold = [0] * days
    with reader(engine).connect() as conn:
        for row in conn.execute(query):
            first = max(_as_date(row.room_in), start)
            last = min(_as_date(row.room_out), end)
            for i in range((first - start).days, (last - start).days):
                sold[i] += int(row.rooms)
    total = rooms_total(engine, property_id)
    nights = [start + timedelta(days=i) for i in range(days)]
    out = pd.DataFrame({"date": nights, "rooms_sold": sold})
    out["rooms_total"] = total
    out["occupancy"] = (out["rooms_sold"] / total).clip(upper=1.0) if total else 0.0
    return out


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def by_source(engine: sa.Engine, property_id: str, start: date, end: date) -> pd.DataFrame:
    """Live reservations with check-in in ``[start, end)`` per source: ``source, payment_collect,
    reservations, revenue`` (grand totals, domain rule 9), largest first."""
    source = sa.func.coalesce(_r.c.source_name, "").label("source")
    collect = sa.func.coalesce(_r.c.payment_collect, "").label("payment_collect")
    query = (
        sa.select(
            source,
            collect,
            sa.func.count().label("reservations"),
            sa.func.coalesce(sa.func.sum(_r.c.total), 0).label("revenue"),
        )
        .where(_r.c.property_id == property_id, _r.c.check_in >= start, _r.c.check_in < end, _live())
        .group_by(source, collect)
        .order_by(sa.func.count().desc())
    )
    with reader(engine).connect() as conn:
        out = frame(conn.execute(query))
    if not out.empty:
        out["revenue"] = out["revenue"].map(lambda v: float(v or 0))
    return out


def _hour_bucket(conn: sa.Connection, column) -> sa.ColumnElement:
    if is_mysql(conn):
        return sa.func.date_format(column, "%Y-%m-%d %H:00:00")
    return sa.func.strftime("%Y-%m-%d %H:00:00", column)


def sync_activity(engine: sa.Engine, property_id: str, since: datetime, zone: str) -> pd.DataFrame:
    """Sync runs per property-local day since ``since``: ``day, runs, processed, successful, failed,
    failed_runs, api_calls``.

    SQL groups by UTC hour (the same on SQLite and MariaDB); the few hundred hour rows are then
    moved into the property's zone and summed per local day.
    """
    log = schema.cloudbed_sync_log
    with reader(engine).connect() as conn:
        bucket = _hour_bucket(conn, log.c.started_at).label("hour")
        query = (
            sa.select(
                bucket,
                sa.func.count().label("runs"),
                sa.func.coalesce(sa.func.sum(log.c.processed), 0).label("processed"),
                sa.func.coalesce(sa.func.sum(log.c.successful), 0).label("successful"),
                sa.func.coalesce(sa.func.sum(log.c.failed), 0).label("failed"),
                sa.func.coalesce(sa.func.sum(sa.case((log.c.status == "failed", 1), else_=0)), 0).label(
                    "failed_runs"
                ),
                sa.func.coalesce(sa.func.sum(log.c.api_calls), 0).label("api_calls"),
            )
            .where(log.c.property_id == property_id, log.c.started_at >= since)
            .group_by(bucket)
        )
        hours = frame(conn.execute(query))
    columns = ["day", "runs", "processed", "successful", "failed", "failed_runs", "api_calls"]
    if hours.empty:
        return pd.DataFrame(columns=columns)
    tz = ZoneInfo(zone)
    hours["day"] = [
        datetime.fromisoformat(str(h)).replace(tzinfo=UTC).astimezone(tz).date() for h in hours["hour"]
    ]
    numeric = columns[1:]
    hours[numeric] = hours[numeric].astype("int64")
    return hours.groupby("day", as_index=False)[numeric].sum()[columns]
