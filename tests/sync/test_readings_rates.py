"""Rate pushes that land exactly, whichever way Cloudbeds reads what its documentation leaves open.

- ``rate_end_date``: is an interval's ``endDate`` its last night or the day after? Every night
  asked for must carry the hotel's rate afterwards, and no other night may change.
- A completed job is read back night by night; a night that did not take is sent again, and if
  it still did not take it is an error with an alert, never recorded as done.
- ``rate_job_statuses``: statuses outside the documented set count as not finished; the wait for
  them is bounded, then the nights are given up with an alert.

Each scenario runs under every value of its reading, on SQLite and on MariaDB.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pms import alerts
from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.edits import RateEdit, set_rates
from pms.sync import SyncRequest, follow_rate_jobs, run_sync

from .helpers import Admin, make_ctx, rows, today_of

T = schema.cloudbed_rate_sync
DELUXE = "25404202"  # Deluxe Double in the seed-42 sandbox


@pytest.fixture
def rates_ctx(db, sandbox_factory):
    """``start(delay, **readings)``: a sandbox under those readings and a synced context with push on."""
    made = []

    def start(delay: float = 0.05, **readings):
        box = sandbox_factory(rate_limit=None, reservations=40, rate_job_delay=delay, readings=readings)
        ctx = make_ctx(db, box)
        made.append(ctx)
        assert run_sync(ctx, SyncRequest(mode="full", entities="catalog,rates")).status == "completed"
        Settings(db).set_push_enabled(True)
        return ctx, Admin(box)

    yield start
    for ctx in made:
        ctx.client.close()


def _base_rate(ctx) -> str:
    found = rows(ctx.engine, T, T.c.room_type_id == DELUXE, T.c.is_derived.is_(False))
    return found[0]["rate_id"]


def _cloudbeds(ctx, rate_id: str, first: date, nights: int) -> dict[date, Decimal]:
    plans = ctx.client.get_rate_plans(
        start_date=first, end_date=first + timedelta(days=nights), rate_ids=[rate_id], detailed_rates=True
    )
    return {n.date: n.rate for p in plans for n in p.daily}


def _edit(ctx, admin, rate_id: str, prices: dict[date, int]) -> None:
    changed = set_rates(
        ctx.engine, ctx.property_id, [RateEdit(rate_id, d, p) for d, p in prices.items()], today_of(admin)
    )
    assert changed == len(prices)


def _night_rows(ctx, rate_id: str, days) -> dict[date, dict]:
    found = rows(ctx.engine, T, T.c.rate_id == rate_id, T.c.rate_date.in_(list(days)))
    return {r["rate_date"]: r for r in found}


def _push_and_follow(ctx, rounds: int = 3):
    result = run_sync(ctx, SyncRequest(mode="incremental", entities="rates", direction="push"))
    assert result.status in ("completed", "partial"), result.error
    for _ in range(rounds):  # a correction is a second job: follow until nothing is in flight
        follow_rate_jobs(ctx, wait_s=15, poll_s=0.05)
    return result


@pytest.mark.parametrize("statuses", ["documented", "extended"])
@pytest.mark.parametrize("reading", ["inclusive", "exclusive"])
def test_every_night_asked_for_lands_and_no_other(rates_ctx, reading, statuses):
    ctx, admin = rates_ctx(rate_end_date=reading, rate_job_statuses=statuses)
    rate_id = _base_rate(ctx)
    day = today_of(admin) + timedelta(days=20)
    before = _cloudbeds(ctx, rate_id, day, 8)
    wanted = {day: 111_000, day + timedelta(days=3): 222_000, day + timedelta(days=4): 222_000}
    wanted[day + timedelta(days=5)] = 222_000
    _edit(ctx, admin, rate_id, wanted)
    _push_and_follow(ctx)
    after = _cloudbeds(ctx, rate_id, day, 8)
    for night in after:
        assert after[night] == wanted.get(night, before[night]), night
    stored = _night_rows(ctx, rate_id, wanted)
    assert {r["status"] for r in stored.values()} == {"completed"}
    assert all(r["cloudbed_rate"] == wanted[d] for d, r in stored.items())
    assert Settings(ctx.engine).get("cloudbed_rate_end_date") == reading  # what the client learnt
    assert not alerts.active_alerts(ctx.engine, ctx.property_id)


@pytest.mark.parametrize("reading", ["inclusive", "exclusive"])
def test_a_run_of_nights_is_read_back_and_its_untaken_last_night_corrected(rates_ctx, reading):
    # Only multi-night intervals: nothing is refused, so under "exclusive" the client's first belief
    # (inclusive) leaves each run's last night untouched, and only the read-back can notice.
    ctx, admin = rates_ctx(rate_end_date=reading)
    rate_id = _base_rate(ctx)
    day = today_of(admin) + timedelta(days=30)
    before = _cloudbeds(ctx, rate_id, day, 5)
    wanted = {day + timedelta(days=i): 333_000 for i in (1, 2, 3)}
    _edit(ctx, admin, rate_id, wanted)
    _push_and_follow(ctx)
    after = _cloudbeds(ctx, rate_id, day, 5)
    assert [after[day + timedelta(days=i)] for i in range(5)] == [
        before[day],
        333_000,
        333_000,
        333_000,
        before[day + timedelta(days=4)],
    ]
    assert {r["status"] for r in _night_rows(ctx, rate_id, wanted).values()} == {"completed"}
    sent = rows(
        ctx.engine, schema.cloudbed_outbound_log, schema.cloudbed_outbound_log.c.operation == "patchRate"
    )
    assert len(sent) == (1 if reading == "inclusive" else 2)  # the correction is a second, logged write


@pytest.mark.parametrize("reading", ["inclusive", "exclusive"])
def test_a_night_that_never_takes_is_an_error_with_an_alert_never_done(rates_ctx, reading):
    ctx, admin = rates_ctx(rate_end_date=reading)
    rate_id = _base_rate(ctx)
    day = today_of(admin) + timedelta(days=40)
    wanted = {day: 444_000, day + timedelta(days=1): 444_000}
    _edit(ctx, admin, rate_id, wanted)
    # Cloudbeds reports the jobs completed, but the read-back shows no rate for these nights, twice.
    admin.fault("getRatePlans", "nulls", times=2, fields=["rateBase"])
    _push_and_follow(ctx)
    stored = _night_rows(ctx, rate_id, wanted)
    assert {r["status"] for r in stored.values()} == {"error"}
    assert all("did not take" in r["error"] for r in stored.values())
    assert all(r["cloudbed_rate"] != Decimal(444_000) for r in stored.values())
    keys = {a.key for a in alerts.active_alerts(ctx.engine, ctx.property_id)}
    assert "rate_not_applied" in keys


@pytest.mark.parametrize(
    ("statuses", "unfinished"), [("documented", "in_progress"), ("extended", "processing")]
)
def test_unfinished_jobs_are_waited_for_a_bounded_time_then_given_up_with_an_alert(
    rates_ctx, statuses, unfinished
):
    ctx, admin = rates_ctx(delay=3600, rate_job_statuses=statuses)  # the job never finishes here
    rate_id = _base_rate(ctx)
    day = today_of(admin) + timedelta(days=50)
    wanted = {day: 555_000, day + timedelta(days=1): 555_000}
    _edit(ctx, admin, rate_id, wanted)
    run_sync(ctx, SyncRequest(mode="incremental", entities="rates", direction="push"))
    follow_rate_jobs(ctx, wait_s=1.0, poll_s=0.6)  # the unknown status is "not finished": still waiting
    assert {r["status"] for r in _night_rows(ctx, rate_id, wanted).values()} == {"queued"}
    assert ctx.client.get_rate_jobs()[0].status in ("queued", unfinished)
    with ctx.engine.begin() as conn:  # an hour and a half later (the bound is 60 minutes)
        conn.execute(
            sa.update(T).where(T.c.status == "queued").values(pushed_at=utcnow() - timedelta(minutes=90))
        )
    follow_rate_jobs(ctx)
    stored = _night_rows(ctx, rate_id, wanted)
    assert {r["status"] for r in stored.values()} == {"error"}
    assert all("had not finished" in r["error"] for r in stored.values())
    stuck = [a for a in alerts.active_alerts(ctx.engine, ctx.property_id) if a.key == "rate_job_stuck"]
    assert len(stuck) == 1 and "60 minutes" in stuck[0].message
    # A later job that is read back clean resolves it.
    admin.config(rate_job_delay=0.05)
    _edit(ctx, admin, rate_id, {day + timedelta(days=5): 556_000})
    _push_and_follow(ctx)
    assert not [a for a in alerts.active_alerts(ctx.engine, ctx.property_id) if a.key == "rate_job_stuck"]
