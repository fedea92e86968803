"""Suggested mappings: room types by normalised name, rooms by digits (rule 4), sources direct first."""

from __future__ import annotations

from pms.adf.suggest import suggest_room_types, suggest_rooms, suggest_source, suggest_sources
from pms.sandbox.catalog import build_room_types, build_sources

PID = "254042"


def _cloudbeds_types():
    types, rooms = build_room_types(PID)
    rows = [
        {"room_type_id": k, "name": v.name, "short_name": v.short, "units": len(v.room_ids)}
        for k, v in types.items()
    ]
    return rows, rooms


def test_room_types_by_normalised_name_each_used_once():
    rows, _ = _cloudbeds_types()
    adf = {
        "SUPERIOR TWIN": 8,
        "DELUXE DOUBLE": 10,
        "DELUXE POOL": 6,
        "FAMILY ROOM": 4,
        "JR SUITE": 3,
        "JOGLO VILLA": 2,
    }
    got = {s.cloudbed_name: s.adf_value for s in suggest_room_types(rows, adf)}
    assert got == {
        "Superior Twin": "SUPERIOR TWIN",
        "Deluxe Double": "DELUXE DOUBLE",
        "Deluxe Pool View": "DELUXE POOL",
        "Family Room": "FAMILY ROOM",
        "Junior Suite": "JR SUITE",
        "Joglo Villa": "JOGLO VILLA",
    }
    # The hotel's shorter words; "Deluxe" goes to one type only.
    adf = {"Superior": 8, "Deluxe": 10, "Deluxe Pool View": 6, "Family": 4, "Junior Suite": 3, "Villa": 2}
    got = {s.cloudbed_name: s.adf_value for s in suggest_room_types(rows, adf)}
    assert got["Deluxe Pool View"] == "Deluxe Pool View" and got["Deluxe Double"] == "Deluxe"
    assert len(set(got.values())) == len(got)
    # Already mapped types are left alone and their ADF names not offered again.
    mapped = {rows[0]["room_type_id"]: "Superior"}
    assert "Superior" not in {s.adf_value for s in suggest_room_types(rows, adf, mapped=mapped)}


def test_rule_04_rooms_by_the_digits_in_their_name():
    _, rooms = _cloudbeds_types()
    cb = [{"room_id": r.room_id, "room_name": r.name, "room_type_id": r.room_type_id} for r in rooms.values()]
    adf = [
        {"id": i, "room_number": n, "room_type_id": 1}
        for i, n in enumerate(["101", "201", "301", "401", "501", "601"], start=1)
    ]
    got = {s.cloudbed_name: s.adf_value for s in suggest_rooms(cb, adf)}
    assert got["Room 101"] == "101" and got["201 - Deluxe"] == "201" and got["D301"] == "301"
    assert got["Suite 501"] == "501" and got["Villa Melati 601"] == "601" and got["Room 102"] is None


def test_room_conflicts_are_flagged_not_accepted():
    cb = [
        {"room_id": "a", "room_name": "Room 201", "room_type_id": "T1"},
        {"room_id": "b", "room_name": "D201", "room_type_id": "T1"},
        {"room_id": "c", "room_name": "Room 301", "room_type_id": "T2"},
    ]
    adf = [
        {"id": 1, "room_number": "201", "room_type_id": 10},
        {"id": 2, "room_number": "301", "room_type_id": 10},
    ]
    got = {s.cloudbed_id: s for s in suggest_rooms(cb, adf, type_mapping={"T1": 10, "T2": 20})}
    # Two Cloudbeds rooms on one ADF room: neither is accepted, a person chooses.
    assert got["a"].adf_value == got["b"].adf_value == "201"
    assert "shared by Cloudbeds rooms D201, Room 201" in got["a"].conflict and got["b"].conflict
    assert "another ADF type" in got["c"].conflict  # its type maps elsewhere
    got = {s.cloudbed_id: s for s in suggest_rooms(cb[1:], adf, mapped={"a": "201"})}
    assert "already mapped from Cloudbeds room a" in got["b"].conflict


def test_sources_direct_channels_first():
    assert suggest_source("Website/Booking Engine") == ("online", None)
    assert suggest_source("Walk-In") == ("walk_in", None)
    assert suggest_source("Phone") == ("phone", None)
    assert suggest_source("Booking.com (Hotel Collect)") == ("ota", "booking")
    assert suggest_source("Agoda (Channel Collect)") == ("ota", "agoda")
    assert suggest_source("Traveloka") == ("ota", "traveloka")
    assert suggest_source("Some Wholesaler", "OTA") == ("ota", "somewholesaler")
    rows = [
        {
            "source_id": s.source_id,
            "name": s.name,
            "category": s.category,
            "is_third_party": s.is_third_party,
            "payment_collect": s.payment_collect,
        }
        for s in build_sources().values()
    ]
    got = {s.cloudbed_id: s for s in suggest_sources(rows)}
    assert got["s-1"].adf_value == "online" and got["ss-101-0"].adf_detail == "booking"
    assert got["ss-101-0"].reason == "channel collect" and got["ss-101-1"].reason == "hotel collect"
