"""The client against every reading of what Cloudbeds leaves undocumented (no database here).

- getRooms paging: every room, under each of the three readings, and at what cost;
- error shapes: Cloudbeds' documented 400 / HTTP 200 ``success:false`` and REST's 404 / 403 become
  the same errors;
- documented filters only: the timed-out-create look-up never sends ``thirdPartyIdentifier``, and
  matches the identifier the answers carry; rate writes carry ``rates`` only;
- rate ``endDate``: one night lands under either reading.
"""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import pytest

from pms.cloudbeds import ApiKeyAuth, RateUpdate, RoomRequest
from pms.errors import NotFoundError, PermissionDeniedError

from .helpers import Admin, make_client


def _box(sandbox_factory, **readings):
    return sandbox_factory(rate_limit=None, reservations=40, rate_job_delay=0.05, readings=readings)


@pytest.mark.parametrize(("paging", "calls"), [("rooms", 2), ("properties", 2), ("rooms_property_totals", 3)])
def test_get_rooms_returns_every_room_under_each_paging(sandbox_factory, fake_time, paging, calls):
    box = sandbox_factory(rate_limit=None, reservations=10, rooms=150, readings={"rooms_paging": paging})
    records = []
    client = make_client(box, fake_time, on_call=records.append)
    rooms = client.get_rooms()
    found = rooms.all()
    assert len(found) == len({r.room_id for r in found}) == 150
    assert rooms.complete is True and not client.warnings
    assert [r.endpoint for r in records] == ["getRooms"] * calls
    small = sandbox_factory(rate_limit=None, reservations=10, readings={"rooms_paging": paging})
    records.clear()
    client = make_client(small, fake_time, on_call=records.append)
    assert len(client.get_rooms().all()) == 33
    # A hotel whose rooms fit in one page costs one call when the counters count rooms.
    assert len(records) == (1 if paging == "rooms" else 2)


@pytest.mark.parametrize(
    ("errors", "missing", "denied"), [("documented", 400, 200), ("status_codes", 404, 403)]
)
def test_both_error_shapes_become_the_same_errors(sandbox_factory, fake_time, errors, missing, denied):
    box = _box(sandbox_factory, errors=errors)
    client = make_client(box, fake_time)
    for call in (
        lambda: client.get_reservation("9999999999"),
        lambda: client.get_guest(guest_id="9999999999"),
        lambda: client.put_reservation("9999999999", status="confirmed"),
        lambda: client.delete_webhook("ws_nothere"),
    ):
        with pytest.raises(NotFoundError, match="no such record") as info:
            call()
        assert info.value.status == missing
    limited = make_client(box, fake_time, auth=ApiKeyAuth(Admin(box).api_key(["read:hotel"])))
    with pytest.raises(PermissionDeniedError, match="'read:guest'") as info:
        limited.get_guest_list().all()
    assert info.value.status == denied


def _book(client, day: date, ref: str):
    room_type = min(client.get_room_types().all(), key=lambda t: t.room_type_id).room_type_id
    return client.post_reservation(
        start_date=day,
        end_date=day + timedelta(days=1),
        guest_first_name="Putu",
        guest_last_name="Wijaya",
        guest_email="putu@example.id",
        guest_country="ID",
        guest_zip="80361",
        rooms=[RoomRequest(room_type, adults=1)],
        third_party_identifier=ref,
    )


def test_the_timed_out_create_lookup_uses_documented_filters_only(sandbox_factory, fake_time):
    box = _box(sandbox_factory)
    admin = Admin(box)
    records = []
    client = make_client(box, fake_time, timeout=0.4, on_call=records.append)
    day = date.fromisoformat(admin.state()["today"]) + timedelta(days=12)
    admin.fault("postReservation", "timeout", times=1, delay=1.5)
    ref = uuid.uuid4().hex
    created = _book(client, day, ref)
    assert created.recovered and created.third_party_identifier == ref
    lookups = [r.params for r in records if r.endpoint == "getReservations"]
    assert lookups and all("thirdPartyIdentifier" not in p for p in lookups)
    assert {(p["checkInFrom"], p["checkInTo"]) for p in lookups} == {(day.isoformat(), day.isoformat())}
    # Without the arrival day, the bookings created in the last two days are searched (resultsFrom).
    records.clear()
    found = client.find_reservation_by_third_party_id(ref)
    assert found is not None and found.reservation_id == created.reservation_id
    assert all("resultsFrom" in r.params and "thirdPartyIdentifier" not in r.params for r in records)
    assert client.find_reservation_by_third_party_id(uuid.uuid4().hex, check_in=day) is None


@pytest.mark.parametrize("reading", ["inclusive", "exclusive"])
def test_one_night_lands_under_either_end_date_reading(sandbox_factory, fake_time, reading):
    box = _box(sandbox_factory, rate_end_date=reading)
    records = []
    client = make_client(box, fake_time, on_call=records.append)
    day = date.fromisoformat(Admin(box).state()["today"]) + timedelta(days=15)
    plan = next(p for p in client.get_rate_plans(start_date=day, end_date=day) if not p.is_derived)
    job = client.patch_rate([RateUpdate(plan.rate_id, day, day, 777_000)])
    assert client.rate_end_date == reading  # learnt from the refusal under "exclusive"
    deadline = time.monotonic() + 10
    while not client.get_rate_job(job).finished:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    after = client.get_rate_plans(start_date=day, end_date=day + timedelta(days=2), rate_ids=[plan.rate_id])
    nightly = {n.date: n.rate for n in after[0].daily}
    assert nightly[day] == 777_000 and nightly[day + timedelta(days=1)] != 777_000
    for r in records:
        if r.endpoint == "patchRate":  # the spec lists rates only in these bodies
            assert "propertyID" not in r.params and any(k.startswith("rates[0]") for k in r.params)
    assert [r.endpoint for r in records].count("patchRate") == (1 if reading == "inclusive" else 2)
