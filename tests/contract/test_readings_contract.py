"""The sandbox keeps to the official spec under every reading of what the spec leaves open.

Each reading (``pms.sandbox.readings``) changes some answers; every value of every reading runs the
endpoints it touches and validates their answers, with the same relaxations as the main contract
suite. A reading without a check here fails, so a new switch cannot skip the contract.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests

from pms.sandbox.readings import READINGS

from .test_sandbox_contract import UNASSIGNED_ROOM, _booking_form, _check, _get, _send, _today, _window

pytestmark = pytest.mark.contract

PAIRS = [(name, value) for name, reading in READINGS.items() for value in reading.values]


@pytest.fixture
def sandbox_config(request) -> dict:
    name, value = request.param
    return {"rate_job_delay": 0.3, "rooms": 150, "readings": {name: value}}


def _rooms(spec, box) -> None:
    page, rooms = 1, 0
    while True:
        body = _get(box, "getRooms", pageNumber=page, pageSize=100)
        _check(spec, "/getRooms", "get", body)
        got = sum(len(p["rooms"]) for p in body["data"])
        if not got:
            break
        rooms, page = rooms + got, page + 1
    assert rooms == 150


def _filters(spec, box) -> None:
    since = f"{(_today(box) - timedelta(days=30)).isoformat()} 00:00:00"
    body = _get(box, "getReservations", modifiedFrom=since, resultsFrom=since, pageSize=20)
    _check(spec, "/getReservations", "get", body, ("data[].rooms[].roomID", UNASSIGNED_ROOM))
    body = _get(box, "getGuestsModified", resultsFrom=since, pageSize=20)
    nullable = {"nullable": True}
    _check(
        spec,
        "/getGuestsModified",
        "get",
        body,
        ("data[].guestBirthDate", nullable),
        ("data[].guestDocumentIssueDate", nullable),
        ("data[].guestDocumentExpirationDate", nullable),
    )


def _rate_jobs(spec, box) -> None:
    start, end = _window(box)
    plan = next(
        p for p in _get(box, "getRatePlans", startDate=start, endDate=end)["data"] if not p["isDerived"]
    )
    form = {
        "rates[0][rateID]": plan["rateID"],
        "rates[0][interval][startDate]": start,
        "rates[0][interval][endDate]": end,
        "rates[0][interval][rate]": "1234000",
    }
    _check(spec, "/patchRate", "post", _send(box, "POST", "patchRate", form))
    _check(spec, "/getRateJobs", "get", _get(box, "getRateJobs"))  # not finished yet
    deadline = time.monotonic() + 10
    while (jobs := _get(box, "getRateJobs"))["data"][0]["status"] not in ("completed", "error"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    _check(spec, "/getRateJobs", "get", jobs)


def _refusals(spec, box) -> None:
    key = requests.post(f"{box.root_url}/_sandbox/api-keys", json={"scopes": ["read:hotel"]}, timeout=30)
    denied = requests.get(
        f"{box.base_url}/getReservations", headers={"x-api-key": key.json()["api_key"]}, timeout=30
    )
    missing = requests.get(
        f"{box.base_url}/getReservation",
        params={"reservationID": "9999999999"},
        headers={"x-api-key": box.api_key},
        timeout=30,
    )
    for resp, path in ((denied, "/getReservations"), (missing, "/getReservation")):
        assert resp.json()["success"] is False
        if resp.status_code == 200:  # the spec describes HTTP 200 answers only
            _check(spec, path, "get", resp.json())


def _tokens(spec, box) -> None:
    redirect = "https://pms.example/oauth/cloudbeds/callback"
    auth = requests.get(
        f"{box.base_url}/oauth",
        params={"client_id": box.client_id, "redirect_uri": redirect, "response_type": "code"},
        allow_redirects=False,
        timeout=30,
    )
    code = auth.headers["Location"].split("code=")[1].split("&")[0]
    form = {"client_id": box.client_id, "client_secret": box.client_secret}
    tokens = requests.post(
        f"{box.base_url}/access_token",
        data={**form, "grant_type": "authorization_code", "redirect_uri": redirect, "code": code},
        timeout=30,
    ).json()
    renewed = requests.post(
        f"{box.base_url}/access_token",
        data={**form, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        timeout=30,
    ).json()
    for body in (tokens, renewed):
        _check(spec, "/access_token", "post", body)


def _guest_events(spec, box) -> None:
    # Webhook payloads are not in the spec; the writes that fire them are.
    room_type = _get(box, "getRoomTypes")["data"][1]["roomTypeID"]
    _check(
        spec, "/postReservation", "post", _send(box, "POST", "postReservation", _booking_form(box, room_type))
    )


def _booking_zip(spec, box) -> None:
    room_type = _get(box, "getRoomTypes")["data"][1]["roomTypeID"]
    resp = requests.post(
        f"{box.base_url}/postReservation",
        data=_booking_form(box, room_type, guestZip=""),
        headers={"x-api-key": box.api_key},
        timeout=30,
    )
    if resp.status_code == 200:
        _check(spec, "/postReservation", "post", resp.json())
    else:
        assert resp.status_code == 400 and resp.json()["success"] is False
    _check(
        spec, "/postReservation", "post", _send(box, "POST", "postReservation", _booking_form(box, room_type))
    )


CHECKS = {
    "modified_filter_tz": _filters,
    "rate_end_date": _rate_jobs,
    "rooms_paging": _rooms,
    "guest_webhook": _guest_events,
    "errors": _refusals,
    "refresh_tokens": _tokens,
    "rate_job_statuses": _rate_jobs,
    "empty_guest_zip": _booking_zip,
}


def test_every_reading_has_a_contract_check():
    assert set(CHECKS) == set(READINGS)


@pytest.mark.parametrize("sandbox_config", PAIRS, indirect=True, ids=[f"{n}={v}" for n, v in PAIRS])
def test_answers_keep_to_the_spec_under_the_reading(spec, box, sandbox_config):
    (name,) = sandbox_config["readings"]
    assert box.config.readings[name] == sandbox_config["readings"][name]
    CHECKS[name](spec, box)
