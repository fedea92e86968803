"""Room-type mapping: pure suggestions and checks, and the mapping applied by the pull."""

from __future__ import annotations

from pms.db import schema
from pms.sync import (
    SyncRequest,
    apply_mapping,
    load_mapping_inputs,
    normalise_name,
    run_sync,
    save_mapping,
    suggest_mappings,
    validate_mappings,
)

from .helpers import rows

TYPES = [
    {"room_type_id": "1", "name": "Superior Twin", "short_name": "SUP", "units": 8},
    {"room_type_id": "2", "name": "Deluxe Double", "short_name": "DLX", "units": 10},
    {"room_type_id": "3", "name": "Deluxe Pool View", "short_name": "DPV", "units": 6},
    {"room_type_id": "4", "name": "Joglo Villa", "short_name": "VIL", "units": 2},
]


def test_names_are_normalised():
    assert normalise_name("Deluxe Dbl Room") == "deluxe double"
    assert normalise_name("  Kamar SUPERIOR twin ") == "superior twin"
    assert normalise_name("Suíte Júnior") == "suite junior"
    assert normalise_name(None) == ""


def test_suggestions_by_name_and_unit_count():
    adf = [{"adf_room_type": "DELUXE DBL", "units": 10}, "Superior Twin Room", "Villa", "Penthouse"]
    best = {}
    for s in suggest_mappings(adf, TYPES):
        best.setdefault(s.adf_room_type, s)
    assert best["DELUXE DBL"].cloudbed_room_type_id == "2" and "both 10 rooms" in best["DELUXE DBL"].reason
    assert best["Superior Twin Room"].cloudbed_room_type_id == "1"
    assert best["Villa"].cloudbed_room_type_id == "4"
    assert "Penthouse" not in best  # nothing alike: no guess


def test_mapped_types_are_not_suggested_again():
    mappings = [{"adf_room_type": "DLX", "cloudbed_room_type_id": "2"}]
    suggested = suggest_mappings(["DLX", "Deluxe Double"], TYPES, mappings)
    assert all(s.adf_room_type != "DLX" and s.cloudbed_room_type_id != "2" for s in suggested)


def test_validation_finds_double_mappings_unknown_types_and_unmapped_bookings():
    mappings = [
        {"adf_room_type": "DLX", "cloudbed_room_type_id": "2", "is_active": True},
        {"adf_room_type": "DELUXE", "cloudbed_room_type_id": "2", "is_active": True},
        {"adf_room_type": "OLD", "cloudbed_room_type_id": "99", "is_active": True},
        {"adf_room_type": "GONE", "cloudbed_room_type_id": "3", "is_active": False},
    ]
    issues = validate_mappings(mappings, TYPES, {"2": 40, "3": 12, "4": 0})
    kinds = [(i.kind, i.cloudbed_room_type_id) for i in issues]
    assert ("mapped_twice", "2") in kinds and ("unknown_cloudbeds_type", "99") in kinds
    assert ("unmapped_with_reservations", "3") in kinds  # the inactive mapping does not count
    assert ("unmapped_with_reservations", "4") not in kinds
    assert validate_mappings([{"adf_room_type": "SUP", "cloudbed_room_type_id": "1"}], TYPES, {"1": 5}) == []


def test_mapping_is_applied_by_the_pull_and_to_rooms_booked_before(sctx, box):
    run_sync(sctx, SyncRequest(mode="full", entities="catalog,reservations"))
    inputs = load_mapping_inputs(sctx.engine, box.property_id)
    assert len(inputs.cloudbed_types) == 6 and sum(inputs.reservation_counts.values()) > 0
    unmapped = {
        i.cloudbed_room_type_id
        for i in validate_mappings(inputs.mappings, inputs.cloudbed_types, inputs.reservation_counts)
    }
    assert len(unmapped) == 6
    save_mapping(sctx.engine, box.property_id, "DLX", "25404202")
    room = schema.reservasi_room
    deluxe = rows(sctx.engine, room, room.c.cloudbed_room_type_id == "25404202")
    assert deluxe and {r["adf_room_type"] for r in deluxe} == {"DLX"}  # rooms booked before are relabelled
    result = run_sync(sctx, SyncRequest(mode="full", entities="reservations"))
    assert not any("Deluxe Double (25404202)" in w for w in result.warnings)
    assert sum("have no ADF room type" in w for w in result.warnings) == 5
    save_mapping(sctx.engine, box.property_id, "DLX", None)  # unmapped again: labels stay until remapped
    assert apply_mapping(sctx.engine, box.property_id) == 0
