"""Rates and availability from Cloudbeds: ``getRatePlans`` with nightly detail, one call per year.

Each rate plan's nights become ``cloudbed_rate_sync`` rows (the Cloudbeds rate, restrictions and
rooms left). The same answer gives availability: the base (not derived) plan of each room type
says how many rooms are left each night, which fills ``cloudbed_availability`` with the room type's
size from the catalogue beside it. So rates and availability cost one call for the whole window,
not one per night. The hotel's own rate (``adf_rate``), its direction and push status are never
touched by a pull: an edit waiting to be pushed survives.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.sync.compare import write
from pms.sync.records import cut, money
from pms.sync.runstate import RunState

__all__ = ["MAX_CALL_DAYS", "pull_rates", "rate_window"]

MAX_CALL_DAYS = 365
_RATE_KEY = ("property_id", "rate_id", "rate_date")
_AVAIL_KEY = ("property_id", "room_type_id", "stay_date")


def rate_window(run: RunState) -> tuple[date, date]:
    """The nights to read: the request's window, else today and the configured days ahead."""
    if run.req.mode == "window":
        return run.req.date_from, run.req.date_to  # type: ignore[return-value]
    today = run.today
    return today, today + timedelta(days=run.settings.rate_days - 1)


def _plans(run: RunState, first: date, last: date):
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=MAX_CALL_DAYS - 1))
        # endDate is the departure: the nights read are start .. endDate - 1.
        yield from run.client.get_rate_plans(
            start_date=start, end_date=end + timedelta(days=1), detailed_rates=True
        )
        start = end + timedelta(days=1)


def pull_rates(run: RunState, *, rates: bool = True, availability: bool = True) -> None:
    """Read rate plans for the window and write rates and/or availability in one transaction."""
    first, last = rate_window(run)
    pid = run.property_id
    rate_rows: list[dict] = []
    avail: dict[tuple[str, date], dict] = {}
    for plan in _plans(run, first, last):
        name = cut(plan.name_public or plan.name_private, 255)
        for night in plan.daily:
            if not first <= night.date <= last:
                continue
            rate_rows.append(
                {
                    "property_id": pid,
                    "rate_id": plan.rate_id,
                    "rate_date": night.date,
                    "room_type_id": plan.room_type_id,
                    "rate_plan_name": name,
                    "is_derived": bool(plan.is_derived),
                    "cloudbed_rate": money(night.rate, f"rate {plan.rate_id} {night.date}"),
                    "rooms_available": night.rooms_available,
                    "min_los": night.min_los,
                    "max_los": night.max_los,
                    "closed_to_arrival": bool(night.closed_to_arrival),
                    "closed_to_departure": bool(night.closed_to_departure),
                    "blocked": bool(night.blocked),
                }
            )
            if plan.is_derived or not plan.room_type_id:
                continue
            key = (plan.room_type_id, night.date)
            current = avail.get(key)
            if current is None or (
                night.rooms_available is not None
                and current["rooms_available"] is not None
                and night.rooms_available < current["rooms_available"]
            ):
                avail[key] = {
                    "property_id": pid,
                    "room_type_id": plan.room_type_id,
                    "stay_date": night.date,
                    "rooms_available": night.rooms_available,
                    "rate": money(night.rate, f"rate {plan.rate_id} {night.date}"),
                }
    with run.engine.begin() as conn:
        if run.apply and run.lease is not None:
            run.lease.renew(conn)
        if rates:
            compare = [c for c in (rate_rows[0] if rate_rows else {}) if c not in _RATE_KEY]
            _count(
                run,
                "rates",
                write(
                    conn,
                    schema.cloudbed_rate_sync,
                    rate_rows,
                    key=_RATE_KEY,
                    compare=compare,
                    apply=run.apply,
                ),
            )
        if availability:
            t = schema.cloudbed_room_types
            units = {
                r.room_type_id: r.units
                for r in conn.execute(sa.select(t.c.room_type_id, t.c.units).where(t.c.property_id == pid))
            }
            rows = [{**row, "rooms_total": units.get(row["room_type_id"])} for row in avail.values()]
            compare = ["rooms_available", "rooms_total", "rate"]
            _count(
                run,
                "availability",
                write(
                    conn, schema.cloudbed_availability, rows, key=_AVAIL_KEY, compare=compare, apply=run.apply
                ),
            )
    run.done += len(rate_rows)
    run.progress(None, "rates and availability")


def _count(run: RunState, entity: str, res) -> None:
    counts = run.result.entity(entity)
    counts.created += res.created
    counts.updated += res.updated
    counts.unchanged += res.unchanged
    if res.created:
        run.action("create", entity, f"{res.created} night(s)", "new")
    if res.updated:
        run.action("update", entity, f"{res.updated} night(s)", "changed in Cloudbeds")
