"""The demo property's catalogue: hotel, room types, rooms and sources, in Cloudbeds' shapes."""

from __future__ import annotations

import re


def test_hotel_is_an_indonesian_property_in_rupiah(api):
    body = api.ok("getHotels")
    assert body["count"] == body["total"] == 1
    hotel = body["data"][0]
    assert hotel["propertyTimezone"] == "Asia/Jakarta"
    assert hotel["propertyCurrency"][0]["currencyCode"] == "IDR"  # an array here ...
    details = api.ok("getHotelDetails", propertyID=api.box.property_id)["data"]
    assert details["propertyCurrency"]["currencyCode"] == "IDR"  # ... an object there
    assert details["propertyAddress"]["propertyCountry"] == "ID"
    assert isinstance(details["propertyAddress"]["propertyLatitude"], str)


def test_foreign_property_id_is_a_logical_failure(api):
    resp = api.get("getHotels", propertyIDs="1")
    assert resp.status_code == 200
    assert resp.json() == {
        "success": False,
        "message": "None of the included property id's match the access_token user's property id",
    }


def test_x_property_id_header_is_checked(api):
    assert (
        api.session.get(
            f"{api.box.base_url}/getHotels", headers={"X-PROPERTY-ID": api.box.property_id}, timeout=10
        ).json()["success"]
        is True
    )
    other = api.session.get(f"{api.box.base_url}/getHotels", headers={"X-PROPERTY-ID": "1"}, timeout=10)
    assert other.status_code == 200 and other.json()["success"] is False


def test_room_types_and_rooms_with_numbered_names(api):
    types = api.ok("getRoomTypes", pageSize=100)["data"]
    assert len(types) >= 5
    assert all(isinstance(t["maxGuests"], int) and isinstance(t["roomTypeID"], str) for t in types)
    body = api.ok("getRooms", pageSize=100)
    assert body["count"] == body["total"] == len(body["data"][0]["rooms"])  # the default: counts rooms
    rooms = body["data"][0]["rooms"]
    assert len(rooms) >= 30
    names = [r["roomName"] for r in rooms]
    assert all(re.search(r"\d{3}", n) for n in names)
    assert any(n.startswith("Room ") for n in names)
    assert any(re.fullmatch(r"\d{3} - \w+", n) for n in names)
    assert any(re.fullmatch(r"[A-Z]\d{3}", n) for n in names)
    assert {r["roomTypeID"] for r in rooms} == {t["roomTypeID"] for t in types}


def test_room_filters_and_free_rooms(api, box):
    from datetime import timedelta

    types = api.ok("getRoomTypes")["data"]
    one = types[0]["roomTypeID"]
    rooms = api.ok("getRooms", roomTypeID=one, pageSize=100)["data"][0]["rooms"]
    assert rooms and all(r["roomTypeID"] == one for r in rooms)
    today = box.backend.clock.today()
    tonight = {"startDate": today.isoformat(), "endDate": (today + timedelta(days=1)).isoformat()}
    occupied = {
        room["roomID"]
        for res in api.admin("reservations")["data"]
        if res["status"] == "checked_in"
        for room in res["rooms"]
    }
    assert occupied  # the seed has guests in house
    free = {r["roomID"] for r in api.ok("getRooms", pageSize=100, **tonight)["data"][0]["rooms"]}
    everything = {r["roomID"] for r in api.ok("getRooms", pageSize=100)["data"][0]["rooms"]}
    assert free and free <= everything and not free & occupied
    assert api.get("getRooms", startDate=today.isoformat()).status_code == 400


def test_sources_cover_direct_and_ota_collect_variants(api):
    sources = api.ok("getSources")["data"]
    by_name = {s["sourceName"]: s for s in sources}
    for direct in ("Walk-In", "Phone", "Website/Booking Engine"):
        assert by_name[direct]["isThirdParty"] is False
    for ota in ("Booking.com", "Agoda", "Traveloka", "Expedia"):
        hotel, channel = by_name[f"{ota} (Hotel Collect)"], by_name[f"{ota} (Channel Collect)"]
        assert hotel["paymentCollect"] == "hotel" and hotel["sourceID"].endswith("-1")
        assert channel["paymentCollect"] == "channel" and channel["sourceID"].endswith("-0")
    assert all(re.fullmatch(r"s-\d+|ss-\d+-[01]", s["sourceID"]) for s in sources)
