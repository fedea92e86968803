"""Every sandbox endpoint's responses validate against the official Cloudbeds spec.

Where the spec is wrong or silent, the test relaxes exactly that field, with the reason beside it;
docs/sandbox.md lists the same deviations. Everything else is validated as the spec states it,
including formats (with Cloudbeds' ``YYYY-MM-DD HH:MM:SS`` for date-time, see ``oas``).
"""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .oas import relax

pytestmark = pytest.mark.contract

# --- the known deviations, one constant each (docs/sandbox.md explains them) -------------------

# An unassigned room has no roomID; API.md §8.6 says null, the spec says non-nullable string.
UNASSIGNED_ROOM = {"nullable": True}
# reservationCheckIn/Out are typed date-time but hold dates (API.md §10.3).
DATE_NOT_DATETIME = {"format": "date"}
# oneOf [date, string]: any valid date matches both branches, which oneOf forbids; unknown dates are
# null (API.md §10.3). anyOf + nullable is what the spec means.
DATE_OR_TEXT = {"any_of": True, "nullable": True}
# Guest dates are unknown for many guests; Cloudbeds sends null/""/"0000-00-00" (API.md §10.3).
NULLABLE = {"nullable": True}


@pytest.fixture
def sandbox_config() -> dict:
    return {"rate_job_delay": 0.05}


def _get(box, method: str, **params) -> dict:
    resp = requests.get(
        f"{box.base_url}/{method}", params=params, headers={"x-api-key": box.api_key}, timeout=30
    )
    assert resp.status_code == 200, resp.text[:300]
    return resp.json()


def _send(box, verb: str, method: str, data: dict) -> dict:
    resp = requests.request(
        verb, f"{box.base_url}/{method}", data=data, headers={"x-api-key": box.api_key}, timeout=30
    )
    assert resp.status_code == 200, resp.text[:300]
    body = resp.json()
    assert body.get("success") is True, body
    return body


def _check(spec, path: str, verb: str, body: dict, *relaxations: tuple[str, dict]) -> None:
    schema = spec.response_schema(path, verb)
    for dotted, changes in relaxations:
        relax(schema, dotted, **changes)
    spec.validate(schema, body)


def _today(box):
    return box.backend.clock.today()


# --- catalogue ----------------------------------------------------------------------------------


def test_catalogue(spec, box):
    _check(spec, "/getHotels", "get", _get(box, "getHotels"))
    _check(spec, "/getHotelDetails", "get", _get(box, "getHotelDetails"))
    _check(spec, "/getRoomTypes", "get", _get(box, "getRoomTypes", pageSize=100))
    _check(spec, "/getRooms", "get", _get(box, "getRooms", includeRoomRelations=1))
    start = _today(box) + timedelta(days=2)
    _check(
        spec,
        "/getRooms",
        "get",
        _get(box, "getRooms", startDate=start.isoformat(), endDate=(start + timedelta(days=2)).isoformat()),
    )
    _check(spec, "/getSources", "get", _get(box, "getSources"))


# --- reservations -------------------------------------------------------------------------------


def _all(box, method: str, **params) -> list[dict]:
    bodies, page = [], 1
    while True:
        body = _get(box, method, pageNumber=page, pageSize=100, **params)
        bodies.append(body)
        if body["count"] == 0 or (page - 1) * 100 + body["count"] >= body["total"]:
            return bodies
        page += 1


def test_get_reservations(spec, box):
    for body in _all(
        box,
        "getReservations",
        includeGuestsDetails="true",
        includeAllRooms="true",
        includeCustomFields="true",
    ):
        _check(spec, "/getReservations", "get", body, ("data[].rooms[].roomID", UNASSIGNED_ROOM))
    _check(spec, "/getReservations", "get", _get(box, "getReservations", pageSize=5))


def test_get_reservations_with_rate_details(spec, box):
    requests.post(
        f"{box.root_url}/_sandbox/mutate", json={"count": 3, "kinds": ["delete", "cancel"]}, timeout=30
    )
    for body in _all(
        box,
        "getReservationsWithRateDetails",
        includeGuestsDetails="true",
        includeCustomFields="true",
        includeDeleted="true",
    ):
        _check(
            spec,
            "/getReservationsWithRateDetails",
            "get",
            body,
            ("data[].rooms[].roomID", UNASSIGNED_ROOM),
            ("data[].reservationCheckIn", DATE_NOT_DATETIME),
            ("data[].reservationCheckOut", DATE_NOT_DATETIME),
        )


def test_get_reservation_assigned_and_unassigned(spec, box):
    truth = requests.get(f"{box.root_url}/_sandbox/reservations", timeout=30).json()["data"]
    with_room = next(r for r in truth if all(x["roomID"] for x in r["rooms"]))
    without = next(r for r in truth if not any(x["roomID"] for x in r["rooms"]))
    for res in (with_room, without):
        body = _get(box, "getReservation", reservationID=res["reservationID"])
        _check(
            spec,
            "/getReservation",
            "get",
            body,
            ("data.guestList{}.guestBirthdate", DATE_OR_TEXT),
            ("data.guestList{}.guestDocumentIssueDate", DATE_OR_TEXT),
            ("data.guestList{}.guestDocumentExpirationDate", DATE_OR_TEXT),
        )


# --- guests -------------------------------------------------------------------------------------


GUEST_DATES = [
    ("data.birthDate", DATE_OR_TEXT),
    ("data.documentIssueDate", DATE_OR_TEXT),
    ("data.documentExpirationDate", DATE_OR_TEXT),
]


def test_guests(spec, box):
    for body in _all(box, "getGuestList", includeGuestInfo="true"):
        _check(spec, "/getGuestList", "get", body)
    since = (_today(box) - timedelta(days=400)).isoformat()
    for body in _all(box, "getGuestsModified", resultsFrom=f"{since} 00:00:00"):
        _check(
            spec,
            "/getGuestsModified",
            "get",
            body,
            ("data[].guestBirthDate", NULLABLE),
            ("data[].guestDocumentIssueDate", NULLABLE),
            ("data[].guestDocumentExpirationDate", NULLABLE),
        )
    guest_ids = list(_get(box, "getGuestList", pageSize=20)["data"])
    for guest_id in guest_ids:
        _check(spec, "/getGuest", "get", _get(box, "getGuest", guestID=guest_id), *GUEST_DATES)


# --- rates and availability ---------------------------------------------------------------------


def _window(box, nights: int = 3) -> tuple[str, str]:
    start = _today(box) + timedelta(days=10)
    return start.isoformat(), (start + timedelta(days=nights)).isoformat()


def test_rates_and_availability(spec, box):
    start, end = _window(box)
    body = _get(box, "getRatePlans", startDate=start, endDate=end, detailedRates="true", adults=3, children=1)
    # The spec types roomTypeName as an integer; it is the room type's name (API.md §10.9).
    _check(spec, "/getRatePlans", "get", body, ("data[].roomTypeName", {"type": "string"}))
    room_type = body["data"][0]["roomTypeID"]
    _check(
        spec,
        "/getRate",
        "get",
        _get(box, "getRate", roomTypeID=room_type, startDate=start, endDate=end, detailedRates="true"),
    )
    body = _get(
        box,
        "getAvailableRoomTypes",
        startDate=start,
        endDate=end,
        rooms=1,
        adults=2,
        children=0,
        detailedRates="true",
    )
    assert body["data"][0]["propertyRooms"]
    # individualRooms[].roomName is typed number but is a name; the extra charges are typed arrays
    # but are maps from guest count to surcharge (API.md §8.16, §10.9).
    _check(
        spec,
        "/getAvailableRoomTypes",
        "get",
        body,
        ("data[].propertyRooms[].individualRooms[].roomName", {"type": "string"}),
        ("data[].propertyRooms[].adultsExtraCharge", {"type": "object", "items": None}),
        ("data[].propertyRooms[].childrenExtraCharge", {"type": "object", "items": None}),
    )


def test_rate_jobs(spec, box):
    start, end = _window(box)
    plan = next(
        p for p in _get(box, "getRatePlans", startDate=start, endDate=end)["data"] if not p["isDerived"]
    )
    patch = _send(
        box,
        "POST",
        "patchRate",
        {
            "rates[0][rateID]": plan["rateID"],
            "rates[0][interval][startDate]": start,
            "rates[0][interval][endDate]": end,
            "rates[0][interval][rate]": "1234000",
            "rates[0][interval][minLos]": "2",
            "rates[0][interval][closedToArrival]": "false",
        },
    )
    _check(spec, "/patchRate", "post", patch)
    put = _send(
        box,
        "POST",
        "putRate",
        {
            "rates[0][rateID]": plan["rateID"],
            "rates[0][interval][0][startDate]": start,
            "rates[0][interval][0][endDate]": end,
            "rates[0][interval][0][rate]": "1250000",
        },
    )
    _check(spec, "/putRate", "post", put)
    _check(spec, "/getRateJobs", "get", _get(box, "getRateJobs"))  # in progress
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        jobs = _get(box, "getRateJobs")
        if all(j["status"] != "in_progress" for j in jobs["data"]):
            break
        time.sleep(0.05)
    assert {j["status"] for j in jobs["data"]} == {"completed"}
    _check(spec, "/getRateJobs", "get", jobs)


# --- writes -------------------------------------------------------------------------------------


def _booking_form(box, room_type: str, **extra) -> dict:
    start, end = _window(box, 2)
    return {
        "startDate": start,
        "endDate": end,
        "guestFirstName": "Élodie",
        "guestLastName": "Lefèvre",
        "guestEmail": "elodie@example.com",
        "guestCountry": "FR",
        "guestZip": "75011",
        "paymentMethod": "credit",
        "rooms[0][roomTypeID]": room_type,
        "rooms[0][quantity]": "1",
        "adults[0][roomTypeID]": room_type,
        "adults[0][quantity]": "2",
        "children[0][roomTypeID]": room_type,
        "children[0][quantity]": "0",
        "sendEmailConfirmation": "false",
        **extra,
    }


def test_reservation_and_guest_writes(spec, box):
    room_type = _get(box, "getRoomTypes")["data"][1]["roomTypeID"]
    created = _send(
        box, "POST", "postReservation", _booking_form(box, room_type, thirdPartyIdentifier="ct-1")
    )
    _check(spec, "/postReservation", "post", created)
    rid = created["reservationID"]
    updated = _send(
        box,
        "PUT",
        "putReservation",
        {"reservationID": rid, "status": "confirmed", "estimatedArrivalTime": "17:45"},
    )
    _check(spec, "/putReservation", "put", updated)
    guest = _send(
        box,
        "POST",
        "postGuest",
        {
            "reservationID": rid,
            "guestFirstName": "Ahmad",
            "guestLastName": "Faiz",
            "guestEmail": "af@example.com",
            "guestCountry": "MY",
            "guestDocumentType": "passport",
        },
    )
    _check(spec, "/postGuest", "post", guest)
    changed = _send(
        box,
        "PUT",
        "putGuest",
        {"guestID": guest["guestID"], "guestDocumentType": "driver_licence", "guestPhone": "+60 12 345 6789"},
    )
    _check(spec, "/putGuest", "put", changed)


def test_webhook_management(spec, box):
    made = _send(
        box,
        "POST",
        "postWebhook",
        {
            "object": "reservation",
            "action": "status_changed",
            "endpointUrl": "https://hooks.example/cb/t0k3n",
        },
    )
    _check(spec, "/postWebhook", "post", made)
    _check(spec, "/getWebhooks", "get", _get(box, "getWebhooks"))
    resp = requests.delete(
        f"{box.base_url}/deleteWebhook",
        params={"subscriptionID": made["data"]["subscriptionID"]},
        headers={"x-api-key": box.api_key},
        timeout=30,
    )
    _check(spec, "/deleteWebhook", "delete", resp.json())


# --- OAuth and identity -------------------------------------------------------------------------


def test_oauth_and_identity(spec, box):
    redirect = "https://pms.example/oauth/cloudbeds/callback"
    token_url = f"{box.base_url}/access_token"
    for grant in ("authorization_code", "urn:ietf:params:oauth:grant-type:api-key"):
        auth = requests.get(
            f"{box.base_url}/oauth",
            params={
                "client_id": box.client_id,
                "redirect_uri": redirect,
                "response_type": "code",
                "state": "s1",
            },
            allow_redirects=False,
            timeout=30,
        )
        code = parse_qs(urlsplit(auth.headers["Location"]).query)["code"][0]
        tokens = requests.post(
            token_url,
            data={
                "grant_type": grant,
                "client_id": box.client_id,
                "client_secret": box.client_secret,
                "redirect_uri": redirect,
                "code": code,
            },
            timeout=30,
        ).json()
        _check(spec, "/access_token", "post", tokens)
    refreshed = requests.post(
        token_url,
        data={"grant_type": "refresh_token", "client_id": box.client_id, "client_secret": box.client_secret},
        timeout=30,
    )
    assert refreshed.status_code == 401
    info = requests.get(
        f"{box.base_url}/userinfo",
        params={"role_details": "true"},
        headers={"x-api-key": box.api_key},
        timeout=30,
    ).json()
    _check(spec, "/userinfo", "get", info)
    meta = requests.get(f"{box.base_url}/oauth/metadata", timeout=30).json()
    # The spec types `success` as a string here only; we send the boolean (API.md §1, §10.9).
    _check(spec, "/oauth/metadata", "get", meta, ("success", {"type": "boolean"}))


def test_the_validator_does_catch_drift(spec, box):
    """Guard against a toothless contract suite: typical mistakes must fail validation."""
    from jsonschema.exceptions import ValidationError

    good = _get(box, "getReservations", pageSize=1)
    _check(spec, "/getReservations", "get", good)
    for field, wrong in (
        ("adults", 2),
        ("dateCreated", "2026-11-20T14:02:11Z"),
        ("status", None),
        ("balance", "312.50"),
        ("startDate", "20/12/2026"),
    ):
        bad = {**good, "data": [{**good["data"][0], field: wrong}]}
        with pytest.raises(ValidationError):
            _check(spec, "/getReservations", "get", bad)


# --- payments and room blocks -------------------------------------------------------------------


def test_payments(spec, box):
    _check(spec, "/getPaymentMethods", "get", _get(box, "getPaymentMethods"))
    room_type = _get(box, "getRoomTypes")["data"][1]["roomTypeID"]
    rid = _send(box, "POST", "postReservation", _booking_form(box, room_type))["reservationID"]
    paid = _send(
        box,
        "POST",
        "postPayment",
        {
            "reservationID": rid,
            "type": "cash",
            "amount": "250000",
            "description": "deposit",
            "isDeposit": "1",
        },
    )
    _check(spec, "/postPayment", "post", paid)
    card = _send(
        box,
        "POST",
        "postPayment",
        {"reservationID": rid, "type": "credit", "cardType": "visa", "amount": "1"},
    )
    _check(spec, "/postPayment", "post", card)
    voided = _send(box, "POST", "postVoidPayment", {"reservationID": rid, "paymentID": card["paymentID"]})
    _check(spec, "/postVoidPayment", "post", voided)


def test_room_blocks(spec, box):
    start = _today(box) + timedelta(days=60)
    end = start + timedelta(days=2)
    rooms = _get(box, "getRooms", startDate=start.isoformat(), endDate=end.isoformat(), pageSize=100)
    room = rooms["data"][0]["rooms"][0]
    made = _send(
        box,
        "POST",
        "postRoomBlock",
        {
            "roomBlockType": "out_of_service",
            "roomBlockReason": "AC repair",
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
            "rooms[0][roomID]": room["roomID"],
            "rooms[0][roomTypeID]": room["roomTypeID"],
        },
    )
    _check(spec, "/postRoomBlock", "post", made)
    listed = _get(box, "getRoomBlocks", startDate=start.isoformat(), endDate=end.isoformat())
    assert listed["data"]["roomBlocks"]
    _check(spec, "/getRoomBlocks", "get", listed)
    changed = _send(
        box,
        "PUT",
        "putRoomBlock",
        {"roomBlockID": made["roomBlockID"], "roomBlockReason": "AC and paint", "endDate": end.isoformat()},
    )
    _check(spec, "/putRoomBlock", "put", changed)
    gone = _send(box, "POST", "deleteRoomBlock", {"roomBlockID": made["roomBlockID"]})
    _check(spec, "/deleteRoomBlock", "post", gone)
