"""The reshape fault kinds: the request is served, then its JSON answer is distorted as scripted."""

from __future__ import annotations

import pytest

from pms.sandbox.faults import DEFAULT_OPTIONAL_FIELDS, FAULT_KINDS, RESHAPE_KINDS

from .helpers import Api


def _fault(api: Api, **spec) -> None:
    api.admin("faults", spec)


def _keys(node, found=None):
    found = set() if found is None else found
    if isinstance(node, dict):
        for k, v in node.items():
            found.add(k)
            _keys(v, found)
    elif isinstance(node, list):
        for item in node:
            _keys(item, found)
    return found


def _values(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _values(v)
    elif isinstance(node, list):
        for v in node:
            yield from _values(v)
    else:
        yield node


def test_reshape_kinds_are_listed():
    assert set(RESHAPE_KINDS) <= set(FAULT_KINDS)


def test_missing_optional_and_nulls(api):
    plain = api.ok("getReservationsWithRateDetails", pageSize=5)
    assert _keys(plain["data"]) & {"guestCountry", "sourceName", "balanceDetailed"}
    _fault(api, endpoint="getReservationsWithRateDetails", kind="missing_optional")
    gone = api.ok("getReservationsWithRateDetails", pageSize=5)
    assert not _keys(gone["data"]) & set(DEFAULT_OPTIONAL_FIELDS)
    assert [r["reservationID"] for r in gone["data"]] == [r["reservationID"] for r in plain["data"]]
    _fault(api, endpoint="getReservationsWithRateDetails", kind="nulls", fields=["sourceName", "status"])
    nulled = api.ok("getReservationsWithRateDetails", pageSize=5)
    assert all(r["sourceName"] is None and r["status"] is None for r in nulled["data"])
    assert api.ok("getReservationsWithRateDetails", pageSize=5) == plain  # one time only


def test_numbers_and_strings_swap(api):
    _fault(api, endpoint="getReservations", kind="numbers_as_strings")
    body = api.ok("getReservations", pageSize=5)
    assert not [v for v in _values(body["data"]) if isinstance(v, int | float) and not isinstance(v, bool)]
    assert isinstance(body["total"], int)  # only the data is distorted
    _fault(api, endpoint="getReservations", kind="strings_as_numbers")
    body = api.ok("getReservations", pageSize=5)
    assert all(isinstance(r["reservationID"], int) and isinstance(r["adults"], int) for r in body["data"])


def test_unknown_status_and_extra_fields(api):
    _fault(api, endpoint="getReservations", kind="unknown_status", message="in_orbit")
    assert {r["status"] for r in api.ok("getReservations", pageSize=5)["data"]} == {"in_orbit"}
    _fault(api, endpoint="getReservationsWithRateDetails", kind="extra_fields")
    body = api.ok("getReservationsWithRateDetails", pageSize=3)
    assert body["unexpectedTopLevel"] is True
    assert all(
        "unexpectedField" in r and all("unexpectedField" in room for room in r["rooms"]) for r in body["data"]
    )


@pytest.mark.parametrize("method", ["getReservations", "getGuestList"])
def test_empty_page_keeps_the_total(api, method):
    total = api.ok(method, pageSize=5)["total"]
    _fault(api, endpoint=method, kind="empty_page", after=1)
    assert len(api.ok(method, pageSize=5)["data"]) == 5
    empty = api.ok(method, pageSize=5, pageNumber=2)
    assert empty["data"] in ([], {}) and empty["count"] == 0 and empty["total"] == total


def test_total_lies(api):
    total = api.ok("getReservations", pageSize=5)["total"]
    _fault(api, endpoint="getReservations", kind="total_lies")
    assert api.ok("getReservations", pageSize=5)["total"] == total * 2 + 100
    _fault(api, endpoint="getReservations", kind="total_lies", total=3)
    assert api.ok("getReservations", pageSize=5)["total"] == 3


def test_errors_are_not_reshaped_and_bad_specs_are_refused(api, box):
    _fault(api, endpoint="getReservation", kind="empty_page")
    missing = api.get("getReservation", reservationID="1")
    assert missing.status_code in (400, 404) or missing.json()["success"] is False
    import requests

    bad = requests.post(
        f"{box.root_url}/_sandbox/faults", json={"kind": "total_lies", "total": "many"}, timeout=10
    )
    assert bad.status_code == 400 and "total an integer" in bad.text
