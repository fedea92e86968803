"""Trust, but read back: a finished rate job is checked night by night before a night counts as done.

A rate job that Cloudbeds reports ``completed`` may still not have changed every night asked for:
whether an interval's ``endDate`` is its last night or the day after is undocumented, and under the
other reading the last night of each interval is left as it was. So after a job completes, the
nights it carried are read back with ``getRatePlans`` (one call per year of nights) and compared
with the hotel's rate. A night that took is ``completed``; one that did not is sent once more (the
sync's correction); if it still did not take, it is an ``error`` and the manager gets an alert.
Never is an untaken night recorded as done.

Jobs that do not finish are given up after ``cloudbed_rate_job_timeout_minutes`` (statuses outside
the documented ``in_progress``/``completed``/``error``, such as ``queued`` or ``processing``, count as
not finished), with an alert, rather than being waited for for ever.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pms.alerts import raise_alert, resolve_alert
from pms.sync.runstate import RunState

__all__ = [
    "ALERT_NOT_APPLIED",
    "ALERT_STUCK",
    "alert_not_applied",
    "alert_stuck",
    "overdue",
    "read_back",
    "resolve_alerts",
    "split_taken",
]

ALERT_STUCK = "rate_job_stuck"
ALERT_NOT_APPLIED = "rate_not_applied"
_MAX_SPAN = 365  # nights per getRatePlans call


def read_back(client, rows: Iterable[Mapping[str, Any]]) -> dict[tuple[str, date], Decimal | None]:
    """Cloudbeds' current rate of each (rate id, night) in ``rows``, from ``getRatePlans``."""
    rows = list(rows)
    if not rows:
        return {}
    rate_ids = sorted({str(r["rate_id"]) for r in rows})
    first, last = min(r["rate_date"] for r in rows), max(r["rate_date"] for r in rows)
    found: dict[tuple[str, date], Decimal | None] = {}
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=_MAX_SPAN - 1))
        # getRatePlans' endDate is a departure: the nights read are start .. endDate - 1.
        for plan in client.get_rate_plans(
            start_date=start, end_date=end + timedelta(days=1), rate_ids=rate_ids, detailed_rates=True
        ):
            for night in plan.daily:
                found[(plan.rate_id, night.date)] = night.rate
        start = end + timedelta(days=1)
    return found


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and Decimal(str(a)) == Decimal(str(b))


def split_taken(
    rows: Iterable[Mapping[str, Any]], current: Mapping[tuple[str, date], Decimal | None]
) -> tuple[list[tuple[Mapping[str, Any], Decimal]], list[Mapping[str, Any]]]:
    """The rows whose night now carries the hotel's rate (with the rate read), and the others."""
    took: list[tuple[Mapping[str, Any], Decimal]] = []
    missed: list[Mapping[str, Any]] = []
    for row in rows:
        value = current.get((str(row["rate_id"]), row["rate_date"]))
        if _same(value, row["adf_rate"]):
            took.append((row, value))  # type: ignore[arg-type]
        else:
            missed.append(row)
    return took, missed


def overdue(rows: Iterable[Mapping[str, Any]], minutes: int, now: datetime) -> bool:
    """Whether the job carrying ``rows`` was sent more than ``minutes`` ago."""
    sent = [r.get("pushed_at") or r.get("updated_at") for r in rows]
    sent = [t for t in sent if t is not None]
    return bool(sent) and min(sent) + timedelta(minutes=minutes) <= now


def alert_stuck(run: RunState, job_id: str, status: str | None, nights: int, minutes: int) -> None:
    raise_alert(
        run.engine,
        run.property_id,
        ALERT_STUCK,
        f"Cloudbeds had not finished rate job {job_id} after {minutes} minutes (its status: "
        f"{status or 'unknown'!r}); its {nights} night(s) are not recorded as sent. Check those rates "
        "in Cloudbeds, then push them again from the Rates page.",
        severity="error",
    )


def alert_not_applied(run: RunState, rows: list[Mapping[str, Any]]) -> None:
    sample = ", ".join(f"{r['rate_id']} {r['rate_date']}" for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    raise_alert(
        run.engine,
        run.property_id,
        ALERT_NOT_APPLIED,
        f"{len(rows)} rate night(s) did not take in Cloudbeds even after being sent again ({sample}{more}): "
        "Cloudbeds reported the job done but still shows another price. Set those rates in Cloudbeds "
        "by hand, or push them again.",
        severity="error",
    )


def resolve_alerts(run: RunState) -> None:
    """A job verified without a failure: rate pushes work again."""
    for key in (ALERT_STUCK, ALERT_NOT_APPLIED):
        resolve_alert(run.engine, run.property_id, key)
