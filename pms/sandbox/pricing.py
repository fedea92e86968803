"""Nightly prices and restrictions of the demo property's rate plans.

Prices are a pure function of (room type, date) until a rate job writes an override, so nothing
per-night has to be stored for the seeded horizon. Weekends and Indonesian peak seasons (school
holidays in July, Christmas to New Year) cost more; a derived plan follows its parent.
"""

from __future__ import annotations

from datetime import date

from pms.sandbox.models import RatePlan, RoomType

__all__ = [
    "DEFAULT_RESTRICTIONS",
    "EXTRA_ADULT",
    "EXTRA_CHILD",
    "base_nightly",
    "night_restrictions",
    "nightly_rate",
]

# Per extra person per night beyond what the room type includes (rupiah).
EXTRA_ADULT = 150_000
EXTRA_CHILD = 75_000

DEFAULT_RESTRICTIONS = {
    "minLos": 1,
    "maxLos": 0,
    "closedToArrival": False,
    "closedToDeparture": False,
    "cutOff": 0,
    "lastMinuteBooking": 0,
    "blocked": False,
}


def _season_factor(day: date) -> float:
    if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 5):
        return 1.35
    if day.month == 7 or (day.month == 6 and day.day >= 20):
        return 1.2
    return 1.0


def base_nightly(room_type: RoomType, day: date) -> int:
    """The list price of one night, rounded to Rp 5,000 like a hotel's price sheet."""
    factor = _season_factor(day) * (1.15 if day.weekday() in (4, 5) else 1.0)  # Fri, Sat nights
    return round(room_type.base_rate * factor / 5000.0) * 5000


def nightly_rate(
    plan: RatePlan, day: date, plans: dict[str, RatePlan], room_types: dict[str, RoomType]
) -> int:
    """The price of ``day`` under ``plan``: an override if a rate job wrote one, else the sheet price."""
    override = plan.overrides.get(day)
    if override is not None and "rate" in override:
        return int(override["rate"])
    if plan.is_derived and plan.parent_rate_id:
        parent = nightly_rate(plans[plan.parent_rate_id], day, plans, room_types)
        if plan.derived_type == "percentage":
            return round(parent * (100 + (plan.derived_value or 0)) / 100 / 1000.0) * 1000
        return max(0, parent + int(plan.derived_value or 0))
    return base_nightly(room_types[plan.room_type_id], day)


def night_restrictions(plan: RatePlan, day: date, plans: dict[str, RatePlan]) -> dict:
    """minLos, closedToArrival ... for ``day``; a derived plan inherits its parent's."""
    source = plans[plan.parent_rate_id] if plan.is_derived and plan.parent_rate_id else plan
    values = dict(DEFAULT_RESTRICTIONS)
    override = source.overrides.get(day)
    if override:
        values.update({k: v for k, v in override.items() if k in DEFAULT_RESTRICTIONS})
    return values
