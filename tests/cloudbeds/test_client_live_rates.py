"""Rates, rate jobs, availability and webhook subscriptions against the sandbox."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest

from pms.cloudbeds import RateInterval, RateUpdate
from pms.errors import APIError, NotFoundError, ValidationError

from .helpers import make_client


def today(admin):
    return date.fromisoformat(admin.state()["today"])


def wait_for_job(client, job_id, attempts=100):
    """Poll until the sandbox's scheduler has applied the job (it is told to do so at once)."""
    for _ in range(attempts):
        job = client.get_rate_job(job_id)
        if job is not None and job.finished:
            return job
        time.sleep(0.02)
    raise AssertionError(f"rate job {job_id} did not finish")


@pytest.fixture
def quick_jobs(admin):
    admin.config(rate_job_delay=0)


def test_rate_plans_with_nightly_detail(client, admin):
    start = today(admin) + timedelta(days=10)
    plans = client.get_rate_plans(start_date=start, end_date=start + timedelta(days=3))
    assert plans and {p.is_derived for p in plans} == {False, True}
    base = next(p for p in plans if not p.is_derived)
    assert base.room_type_id and base.daily and all(d.rate > 0 for d in base.daily)
    assert next(d.date for d in base.daily) == start
    one = client.get_rate(base.room_type_id, start_date=start, end_date=start + timedelta(days=3))
    assert one.room_type_id == base.room_type_id and one.rate_id and one.daily[0].rate > 0


def test_patch_rate_job_completes_and_prices_change(client, admin, quick_jobs):
    start = today(admin) + timedelta(days=20)
    base = next(
        p
        for p in client.get_rate_plans(start_date=start, end_date=start + timedelta(days=1))
        if not p.is_derived
    )
    job_id = client.patch_rate(
        [
            RateUpdate(
                base.rate_id,
                start,
                start + timedelta(days=1),
                Decimal("987000"),
                min_los=2,
                closed_to_arrival=False,
            )
        ]
    )
    assert job_id
    job = wait_for_job(client, job_id)
    assert job.status == "completed" and job.updates[0].rate_id == base.rate_id
    # the interval includes its end date; the read window is a stay (its end date is the departure)
    after = client.get_rate_plans(
        start_date=start, end_date=start + timedelta(days=3), rate_ids=[base.rate_id]
    )
    prices = {d.date: d.rate for d in after[0].daily}
    assert prices[start] == prices[start + timedelta(days=1)] == Decimal(987000)
    assert prices[start + timedelta(days=2)] != Decimal(987000)
    assert after[0].daily[0].min_los == 2
    assert job_id in {j.job_reference_id for j in client.get_rate_jobs()}


def test_put_rate_with_several_intervals(client, admin, quick_jobs):
    start = today(admin) + timedelta(days=30)
    base = next(p for p in client.get_rate_plans(start_date=start, end_date=start) if not p.is_derived)
    job_id = client.put_rate(
        {
            base.rate_id: [
                RateInterval(start, start, 500000),
                RateInterval(start + timedelta(days=1), start + timedelta(days=1), 600000),
            ]
        }
    )
    assert wait_for_job(client, job_id).status == "completed"
    after = client.get_rate_plans(
        start_date=start, end_date=start + timedelta(days=2), rate_ids=[base.rate_id]
    )
    assert [d.rate for d in after[0].daily] == [Decimal(500000), Decimal(600000)]
    sent = next(r.params for r in client.records if r.endpoint == "putRate")
    assert sent["rates[0][interval][1][startDate]"] == str(start + timedelta(days=1))
    assert sent["rates[0][interval][1][rate]"] == "600000"


def test_rate_writes_are_checked_before_sending(client, admin):
    start = today(admin)
    with pytest.raises(ValidationError, match="at most 30"):
        client.patch_rate([RateUpdate("1", start, start, 1)] * 31)
    with pytest.raises(ValidationError, match="zero or more"):
        client.patch_rate([RateUpdate("1", start, start, -5)])
    with pytest.raises(ValidationError, match="before the start date"):
        client.put_rate({"1": [RateInterval(start, start - timedelta(days=1), 5)]})
    assert client.stats.calls == 0


def test_derived_rates_are_refused_by_cloudbeds(client, admin):
    start = today(admin) + timedelta(days=5)
    derived = next(p for p in client.get_rate_plans(start_date=start, end_date=start) if p.is_derived)
    with pytest.raises(APIError, match="derived"):
        client.patch_rate([RateUpdate(derived.rate_id, start, start, 100)])


def test_available_room_types(client, admin):
    start = today(admin) + timedelta(days=90)
    offered = client.get_available_room_types(
        start_date=start, end_date=start + timedelta(days=2), adults=2, detailed_rates=True
    ).all()
    assert offered and all(t.rooms_available and t.rooms_available > 0 for t in offered)
    assert all(t.currency == "IDR" and len(t.daily) == 2 and t.room_rate > 0 for t in offered)
    rooms = {r.room_id: r.room_type_id for r in client.get_rooms()}
    assert all(
        t.individual_room_ids and all(rooms[i] == t.room_type_id for i in t.individual_room_ids)
        for t in offered
    )


def test_webhook_subscribe_list_unsubscribe(client):
    sub_id = client.post_webhook("reservation", "created", "https://pms.example/webhooks/cloudbeds/t0k3n")
    subs = client.get_webhooks()
    assert [(s.subscription_id, s.event, s.endpoint_url) for s in subs] == [
        (sub_id, "reservation/created", "https://pms.example/webhooks/cloudbeds/t0k3n")
    ]
    client.delete_webhook(sub_id)
    assert client.get_webhooks() == []
    with pytest.raises(NotFoundError):
        client.delete_webhook(sub_id)


def test_timed_out_subscribe_is_not_doubled(box, admin, fake_time):
    c = make_client(box, fake_time, timeout=0.4)
    admin.fault("postWebhook", "timeout", times=1, delay=1.5)
    sub_id = c.post_webhook("guest", "details_changed", "https://pms.example/hook")
    assert [s.subscription_id for s in c.get_webhooks()] == [sub_id]
