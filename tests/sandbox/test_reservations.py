"""Reservation reads: paging, filters, quirks and money, checked against the sandbox's own truth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pms.sandbox.models import RESERVATION_STATUSES


def test_paging_covers_every_reservation_once(api):
    first = api.ok("getReservations", pageSize=7)
    assert first["count"] == 7
    items = api.all_pages("getReservations", page_size=7)
    ids = [r["reservationID"] for r in items]
    assert len(ids) == len(set(ids)) == first["total"]
    beyond = api.ok("getReservations", pageNumber=999, pageSize=100)
    assert beyond["count"] == 0 and beyond["data"] == [] and beyond["total"] == first["total"]


def test_page_size_is_clamped_to_100(sandbox_factory):
    from .helpers import Api

    box = sandbox_factory(reservations=150, rate_limit=None)
    body = Api(box, key=box.api_key).ok("getReservations", pageSize=500)
    assert body["count"] == 100 and body["total"] == 150


def test_ids_and_quirky_types(api):
    row = api.ok("getReservations", pageSize=1)["data"][0]
    assert isinstance(row["reservationID"], str) and int(row["reservationID"]) > 2**32
    assert isinstance(row["adults"], str) and isinstance(row["children"], str)  # numbers as strings
    assert isinstance(row["balance"], (int, float))
    assert len(row["dateCreated"]) == 19 and "T" not in row["dateCreated"]


def test_seed_has_every_status_groups_and_worldwide_guests(api):
    rows = api.all_pages("getReservationsWithRateDetails", includeGuestsDetails="true")
    assert {r["status"] for r in rows} == set(RESERVATION_STATUSES)
    assert any(len(r["rooms"]) > 1 for r in rows)
    names = [g["guestFirstName"] + g["guestLastName"] for r in rows for g in r["guestList"].values()]
    assert any(not n.isascii() for n in names)
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)  # Chinese
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in n) for n in names)  # Arabic


def test_money_is_consistent(api):
    for row in api.all_pages("getReservationsWithRateDetails"):
        bal = row["balanceDetailed"]
        assert bal["grandTotal"] == bal["subTotal"] + bal["taxesFees"] + bal["additionalItems"]
        assert bal["paid"] + row["balance"] == bal["grandTotal"] == row["total"]
        assert bal["subTotal"] == sum(sum(r["detailedRoomRates"].values()) for r in row["rooms"])
        assert sum(row["detailedRates"].values()) == bal["subTotal"]
        assert row["source"]["paymentCollect"] in ("hotel", "collect")


def test_modified_filter_is_property_local_time(api, box):
    truth = api.admin("reservations")["data"]
    mods = sorted(datetime.strptime(r["dateModifiedUTC"], "%Y-%m-%d %H:%M:%S") for r in truth)
    cut_utc = mods[len(mods) // 2]
    cut_local = cut_utc + timedelta(hours=7)  # Asia/Jakarta
    expected = {
        r["reservationID"]
        for r in truth
        if datetime.strptime(r["dateModifiedUTC"], "%Y-%m-%d %H:%M:%S") >= cut_utc and not r["isDeleted"]
    }
    got = api.all_pages("getReservations", modifiedFrom=cut_local.strftime("%Y-%m-%d %H:%M:%S"))
    assert {r["reservationID"] for r in got} == expected
    # The ISO "T" form the official SDK sends is accepted too.
    iso = api.ok("getReservations", modifiedFrom=cut_local.strftime("%Y-%m-%dT%H:%M:%S.000000"), pageSize=1)
    assert iso["total"] == len(expected)


def test_stay_and_status_filters(api, box):
    today = box.backend.clock.today()
    rows = api.all_pages("getReservations", checkOutFrom=today.isoformat(), status="confirmed")
    assert rows and all(r["status"] == "confirmed" and r["endDate"] >= today.isoformat() for r in rows)
    rows = api.all_pages("getReservations", checkInFrom=today.isoformat(), checkInTo=today.isoformat())
    assert all(r["startDate"] == today.isoformat() for r in rows)
    assert api.get("getReservations", status="arrived").status_code == 400
    assert api.get("getReservations", checkInFrom="25/11/2026").status_code == 400


def test_expansions_guest_map_and_rooms(api):
    row = api.ok("getReservations", includeGuestsDetails="1", includeAllRooms="true", pageSize=1)["data"][0]
    assert isinstance(row["guestList"], dict) and row["guestID"] in row["guestList"]
    assert row["guestList"][row["guestID"]]["isMainGuest"] is True
    assert row["rooms"] and isinstance(row["rooms"][0]["adults"], str)
    plain = api.ok("getReservations", pageSize=1)["data"][0]
    assert "guestList" not in plain and "rooms" not in plain


def test_rate_details_by_id_list_excluded_statuses_and_recent_first(api):
    truth = api.admin("reservations")["data"]
    some = [r["reservationID"] for r in truth[5:12]]
    rows = api.ok("getReservationsWithRateDetails", reservationID=",".join(some))["data"]
    assert sorted(r["reservationID"] for r in rows) == sorted(some)
    rows = api.all_pages("getReservationsWithRateDetails", excludeStatuses="canceled,no_show")
    assert rows and not {r["status"] for r in rows} & {"canceled", "no_show"}
    recent = api.ok("getReservationsWithRateDetails", sortByRecent="true", pageSize=20)["data"]
    stamps = [r["dateModifiedUTC"] for r in recent]
    assert stamps == sorted(stamps, reverse=True)
    newest = max(r["dateModifiedUTC"] for r in truth)
    assert stamps[0] == newest


def test_utc_twins_are_seven_hours_behind(api):
    row = api.ok("getReservationsWithRateDetails", pageSize=1)["data"][0]
    local = datetime.strptime(row["dateModified"], "%Y-%m-%d %H:%M:%S")
    utc = datetime.strptime(row["dateModifiedUTC"], "%Y-%m-%d %H:%M:%S")
    assert local - utc == timedelta(hours=7)


def test_get_reservation_and_unknown_id(api):
    rid = api.ok("getReservations", pageSize=1)["data"][0]["reservationID"]
    data = api.ok("getReservation", reservationID=rid)["data"]
    assert data["reservationID"] == rid and isinstance(data["source"], str)
    rooms = data["assigned"] + data["unassigned"]
    assert rooms and all(isinstance(r["roomTotal"], str) for r in rooms)
    missing = api.refused(api.get("getReservation", reservationID="9999999999999"), "not_found")
    assert "not found" in missing["message"]
    assert api.get("getReservation").status_code == 400


def test_same_seed_same_data(sandbox_factory):
    from .helpers import Api

    a = sandbox_factory(reservations=60, rate_limit=None)
    b = sandbox_factory(reservations=60, rate_limit=None)
    c = sandbox_factory(reservations=60, rate_limit=None, seed=43)
    ta, tb, tc = (Api(x).admin("reservations")["data"] for x in (a, b, c))
    assert ta == tb
    assert ta != tc
    assert a.api_key == b.api_key
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert all(r["dateModifiedUTC"] <= now for r in ta)


def test_no_room_is_sold_twice_from_tonight_on(api, box):
    today = box.backend.clock.today().isoformat()
    taken: set[tuple[str, str]] = set()
    for res in api.admin("reservations")["data"]:
        if res["status"] in ("canceled", "no_show") or res["isDeleted"]:
            continue
        for room in res["rooms"]:
            for night in room["nightlyRates"]:
                if room["roomID"] and night >= today:
                    assert (room["roomID"], night) not in taken
                    taken.add((room["roomID"], night))
    assert taken  # the hotel is not empty
