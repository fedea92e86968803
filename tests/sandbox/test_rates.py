"""Rate plans, availability and asynchronous rate jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .helpers import Api, wait_for


@pytest.fixture
def fast(sandbox_factory):
    box = sandbox_factory(rate_limit=None, rate_job_delay=0.05)
    return box, Api(box, key=box.api_key)


def _dates(box, ahead: int = 30, nights: int = 3) -> tuple[str, str]:
    start = box.backend.clock.today() + timedelta(days=ahead)
    return start.isoformat(), (start + timedelta(days=nights)).isoformat()


def test_rate_plans_prices_and_derived_plan(fast):
    box, api = fast
    start, end = _dates(box)
    plans = api.ok("getRatePlans", startDate=start, endDate=end, detailedRates="true")["data"]
    base = {p["rateID"]: p for p in plans if not p["isDerived"]}
    derived = [p for p in plans if p["isDerived"]]
    assert len(base) >= 5 and derived
    child = derived[0]
    parent = base[child["parentRateID"]]
    assert child["roomRate"] < parent["roomRate"] and child["derivedType"] == "percentage"
    assert parent["roomRate"] == sum(d["rateBase"] for d in parent["roomRateDetailed"])
    assert len(parent["roomRateDetailed"]) == 3 and parent["roomRateDetailed"][0]["minLos"] == 1
    twin = next(t for t in api.ok("getRoomTypes")["data"] if t["roomTypeName"] == "Superior Twin")
    twin_rate = next(p for p in base.values() if p["roomTypeID"] == twin["roomTypeID"])
    extra = api.ok("getRatePlans", startDate=start, endDate=end, rateIDs=twin_rate["rateID"], adults=3)[
        "data"
    ][0]
    assert twin["adultsIncluded"] == 2
    assert extra["totalRate"] == extra["roomRate"] + 150_000 * 3  # one extra adult for three nights
    assert api.get("getRatePlans", startDate=start).status_code == 400


def test_get_rate_and_availability_follow_bookings(fast):
    box, api = fast
    start, end = _dates(box, ahead=150, nights=1)
    villa = next(t for t in api.ok("getRoomTypes")["data"] if t["roomTypeName"] == "Joglo Villa")[
        "roomTypeID"
    ]
    before = api.ok("getRate", roomTypeID=villa, startDate=start, endDate=end)["data"]["roomsAvailable"]
    offered = api.ok("getAvailableRoomTypes", startDate=start, endDate=end, rooms=1, adults=2, children=0)
    villas = [r for r in offered["data"][0]["propertyRooms"] if r["roomTypeID"] == villa]
    assert (villas[0]["roomsAvailable"] if villas else 0) == before
    assert offered["roomCount"] == len(offered["data"][0]["propertyRooms"])
    if before:
        api.ok(
            "postReservation",
            "POST",
            data={
                "startDate": start,
                "endDate": end,
                "guestFirstName": "Rina",
                "guestLastName": "Siregar",
                "guestEmail": "rina@example.com",
                "guestCountry": "ID",
                "guestZip": "20111",
                "paymentMethod": "cash",
                "rooms[0][roomTypeID]": villa,
                "rooms[0][quantity]": "1",
                "adults[0][roomTypeID]": villa,
                "adults[0][quantity]": "2",
                "children[0][roomTypeID]": villa,
                "children[0][quantity]": "0",
            },
        )
        after = api.ok("getRate", roomTypeID=villa, startDate=start, endDate=end)["data"]["roomsAvailable"]
        assert after == before - 1
    too_many = api.ok("getAvailableRoomTypes", startDate=start, endDate=end, rooms=1, adults=9, children=0)
    assert too_many["data"][0]["propertyRooms"] == []


def test_patch_rate_job_completes_and_changes_prices(fast):
    box, api = fast
    start, end = _dates(box)
    plan = next(p for p in api.ok("getRatePlans", startDate=start, endDate=end)["data"] if not p["isDerived"])
    job = api.ok(
        "patchRate",
        "POST",
        data={
            "rates[0][rateID]": plan["rateID"],
            "rates[0][interval][startDate]": start,
            "rates[0][interval][endDate]": start,
            "rates[0][interval][rate]": "500000",
            "rates[0][interval][minLos]": "2",
            "rates[0][interval][closedToArrival]": "true",
        },
    )["jobReferenceID"]
    done = wait_for(
        lambda: [j for j in api.ok("getRateJobs", jobReferenceID=job)["data"] if j["status"] != "in_progress"]
    )
    assert done[0]["status"] == "completed" and done[0]["updates"][0]["action"] == "updated"
    night = api.ok(
        "getRatePlans", startDate=start, endDate=end, rateIDs=plan["rateID"], detailedRates="true"
    )["data"][0]["roomRateDetailed"][0]
    assert night["rateBase"] == 500000 and night["minLos"] == 2 and night["closedToArrival"] is True
    child = next(
        p
        for p in api.ok("getRatePlans", startDate=start, endDate=start)["data"]
        if p.get("parentRateID") == plan["rateID"]
    )
    assert child["roomRate"] == 450000  # the derived plan follows its parent


def test_put_rate_takes_interval_arrays_and_unknown_rates_fail_the_job(fast):
    box, api = fast
    start, end = _dates(box)
    job = api.ok(
        "putRate",
        "POST",
        data={
            "rates[0][rateID]": "424242",
            "rates[0][interval][0][startDate]": start,
            "rates[0][interval][0][endDate]": end,
            "rates[0][interval][0][rate]": "600000",
        },
    )["jobReferenceID"]
    done = wait_for(
        lambda: [j for j in api.ok("getRateJobs", status="error")["data"] if j["jobReferenceID"] == job]
    )
    assert done[0]["updates"][0]["action"] == "error"
    # patchRate wants one interval object, putRate an array.
    assert (
        api.post(
            "putRate",
            {
                "rates[0][rateID]": "1",
                "rates[0][interval][startDate]": start,
                "rates[0][interval][endDate]": end,
                "rates[0][interval][rate]": "1",
            },
        ).status_code
        == 400
    )


def test_rate_writes_refuse_derived_rates_and_too_many_intervals(fast):
    box, api = fast
    start, end = _dates(box)
    plans = api.ok("getRatePlans", startDate=start, endDate=end)["data"]
    derived = next(p for p in plans if p["isDerived"])
    resp = api.post(
        "patchRate",
        {
            "rates[0][rateID]": derived["rateID"],
            "rates[0][interval][startDate]": start,
            "rates[0][interval][endDate]": end,
            "rates[0][interval][rate]": "1",
        },
    )
    assert resp.status_code == 200 and resp.json()["success"] is False
    form = {}
    for i in range(31):
        form.update(
            {
                f"rates[0][interval][{i}][startDate]": start,
                f"rates[0][interval][{i}][endDate]": start,
                f"rates[0][interval][{i}][rate]": "100000",
            }
        )
    form["rates[0][rateID]"] = plans[0]["rateID"]
    resp = api.post("putRate", form)
    assert resp.status_code == 400 and "30" in resp.json()["message"]
    resp = api.post("patchRate", {"rates": "[{'rateID': '1'}]"})
    assert resp.status_code == 400


def test_rate_jobs_are_listed_per_client(fast):
    box, api = fast
    start, _ = _dates(box)
    plan = next(
        p for p in api.ok("getRatePlans", startDate=start, endDate=start)["data"] if not p["isDerived"]
    )
    api.ok(
        "patchRate",
        "POST",
        data={
            "rates[0][rateID]": plan["rateID"],
            "rates[0][interval][startDate]": start,
            "rates[0][interval][endDate]": start,
            "rates[0][interval][rate]": "1",
        },
    )
    other = Api(box, key=api.admin("api-keys", {"scopes": ["read:rate"]})["api_key"])
    assert len(api.ok("getRateJobs")["data"]) == 1
    assert other.ok("getRateJobs")["data"] == []
