"""Every scripted fault kind, as a client meets it on the wire."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from .helpers import Api, oauth_code, token_request


def _fault(api: Api, **spec) -> None:
    api.admin("faults", spec)


def test_http_500_then_recovery(api):
    _fault(api, endpoint="getReservations", kind="http_500", times=2)
    assert [api.get("getReservations").status_code for _ in range(3)] == [500, 500, 200]
    assert api.get("getHotels").status_code == 200  # other methods are untouched
    assert api.admin("state")["faults_served"] == {"http_500": 2}


def test_http_503_is_an_html_page(api):
    _fault(api, endpoint="*", kind="http_503")
    resp = api.get("getHotels")
    assert resp.status_code == 503 and resp.headers["Content-Type"].startswith("text/html")
    assert resp.headers["X-Request-ID"]


def test_http_429_with_retry_after_counts_as_rate_limited(api):
    _fault(api, endpoint="getHotels", kind="http_429", times=2, retry_after=3)
    first = api.get("getHotels")
    assert first.status_code == 429 and first.headers["Retry-After"] == "3"
    assert first.json() == {"success": False, "message": "Rate limit exceeded"}
    assert api.get("getHotels").status_code == 429
    _fault(api, endpoint="getHotels", kind="http_429")
    assert "Retry-After" not in api.get("getHotels").headers
    assert api.admin("state")["rate_limited"] == 3


def test_malformed_json_and_success_false(api):
    _fault(api, endpoint="getReservations", kind="malformed_json")
    with pytest.raises(ValueError):
        api.get("getReservations").json()
    _fault(
        api,
        endpoint="getReservations",
        kind="success_false",
        message="User who approved this connection is not active anymore",
    )
    resp = api.get("getReservations")
    assert resp.status_code == 200
    assert resp.json() == {
        "success": False,
        "message": "User who approved this connection is not active anymore",
    }


def test_after_lets_the_first_requests_through(api):
    _fault(api, endpoint="getReservations", kind="http_500", after=2)
    codes = [api.get("getReservations", pageNumber=n, pageSize=10).status_code for n in (1, 2, 3, 4)]
    assert codes == [200, 200, 500, 200]


def test_timeout_answers_late_but_the_work_was_done(api, box):
    _fault(api, endpoint="postReservation", kind="timeout", delay=1.0)
    room_type = api.ok("getRoomTypes")["data"][0]["roomTypeID"]
    start = box.backend.clock.today() + timedelta(days=20)
    form = {
        "startDate": start.isoformat(),
        "endDate": (start + timedelta(days=1)).isoformat(),
        "guestFirstName": "Budi",
        "guestLastName": "Santoso",
        "guestEmail": "budi@example.com",
        "guestCountry": "ID",
        "guestZip": "55153",
        "paymentMethod": "cash",
        "thirdPartyIdentifier": "adf-77",
        "rooms[0][roomTypeID]": room_type,
        "rooms[0][quantity]": "1",
        "adults[0][roomTypeID]": room_type,
        "adults[0][quantity]": "1",
        "children[0][roomTypeID]": room_type,
        "children[0][quantity]": "0",
    }
    with pytest.raises(requests.Timeout):
        api.session.post(f"{box.base_url}/postReservation", data=form, timeout=0.3)
    found = api.ok("getReservations", sourceReservationId="adf-77")
    assert found["total"] == 1  # a client must look before it retries a create


def test_revoke_token_kills_an_api_key(api):
    _fault(api, endpoint="getHotels", kind="revoke_token")
    first = api.get("getHotels")
    assert first.status_code == 401 and first.json()["error"] == "access_denied"
    assert api.get("getReservations").status_code == 401  # the key stays revoked
    api.admin("reset", {})
    assert api.get("getHotels").status_code == 200


def test_revoke_token_on_oauth_then_refresh_recovers(box):
    tokens = token_request(
        box, grant_type="authorization_code", code=oauth_code(box), redirect_uri="https://pms.example/cb"
    ).json()
    api = Api(box, bearer=tokens["access_token"])
    _fault(api, endpoint="*", kind="revoke_token")
    assert api.get("getHotels").status_code == 401
    assert api.get("getHotels").json()["hint"] == "Access token has been revoked"
    fresh = token_request(box, grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert Api(box, bearer=fresh["access_token"]).get("getHotels").status_code == 200


def test_fault_admin_validates_and_clears(api, box):
    bad = requests.post(f"{box.root_url}/_sandbox/faults", json={"kind": "meteor"}, timeout=10)
    assert bad.status_code == 400 and "kind" in bad.json()["error"]
    bad = requests.post(f"{box.root_url}/_sandbox/faults", json={"kind": "http_500", "times": 0}, timeout=10)
    assert bad.status_code == 400
    api.admin("faults", {"faults": [{"kind": "http_500", "times": 5}, {"kind": "http_503"}]})
    assert len(api.admin("faults")["pending"]) == 2
    api.admin("faults", method="DELETE")
    assert api.admin("faults")["pending"] == []
    assert api.get("getHotels").status_code == 200
