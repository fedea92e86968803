"""The room-type mapping saved as a whole grid: checked first, then stored exactly, in one go."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.sync.mapping_data import save_mapping
from pms.sync.mapping_grid import GridRow, MappingGridError, check_grid, replace_mappings
from tests.reporting import builders as b

PID = b.PID
M = schema.cloudbed_room_mapping
NAMES = {"rt-1": "Deluxe Double", "rt-2": "Family Room"}


@pytest.fixture
def world(db):
    with db.begin() as conn:
        b.catalogue(conn, PID)
    return db


def _stored(engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        return {
            r.adf_room_type: (r.cloudbed_room_type_id, bool(r.is_active), r.notes)
            for r in conn.execute(sa.select(M).where(M.c.property_id == PID))
        }


def _keys(rows, **kw):
    return [p.key for p in check_grid(rows, cloudbeds_names=NAMES, **kw)]


def test_check_lists_every_problem_before_saving():
    rows = [
        GridRow("JS", "rt-1"),
        GridRow("js", None),
        GridRow("", "rt-2"),
        GridRow("DLX", "rt-1"),
        GridRow("FAM", "rt-9"),
    ]
    assert _keys(rows) == [
        "mapping.error.duplicate",
        "mapping.error.empty",
        "mapping.error.unknown_cloudbeds",
        "mapping.error.shared",
    ]
    assert _keys([GridRow("JS", "rt-1"), GridRow("DLX", "rt-2")]) == []


def test_check_knows_adf_types_only_when_the_catalogue_is_known():
    rows = [GridRow("Suite", "rt-1"), GridRow("Deluxe", "rt-2")]
    assert _keys(rows) == []
    problems = check_grid(rows, cloudbeds_names=NAMES, adf_catalogue=["Deluxe", "Family"])
    assert [(p.key, p.params["name"]) for p in problems] == [("mapping.error.unknown_adf", "Suite")]
    assert problems[0].params["choices"] == "Deluxe, Family"


def test_rename_delete_and_add_store_exactly_the_grid(world):
    save_mapping(world, PID, "JS", "rt-1")
    save_mapping(world, PID, "FAM", "rt-2", notes="family")
    save_mapping(world, PID, "OLD", None)
    n = replace_mappings(world, PID, [GridRow("JRS", "rt-1"), GridRow("FAM", "rt-2", "family")])
    assert _stored(world) == {"JRS": ("rt-1", True, None), "FAM": ("rt-2", True, "family")}
    assert n == 3  # JS and OLD gone, JRS added; FAM unchanged
    assert replace_mappings(world, PID, [GridRow("JRS", "rt-1"), GridRow("FAM", "rt-2", "family")]) == 0


def test_swapping_two_links_in_one_save(world):
    save_mapping(world, PID, "DLX", "rt-1")
    save_mapping(world, PID, "FAM", "rt-2")
    replace_mappings(world, PID, [GridRow("DLX", "rt-2"), GridRow("FAM", "rt-1")])
    assert _stored(world) == {"DLX": ("rt-2", True, None), "FAM": ("rt-1", True, None)}


def test_a_refused_grid_writes_nothing(world):
    save_mapping(world, PID, "JS", "rt-1")
    before = _stored(world)
    with pytest.raises(MappingGridError) as err:
        replace_mappings(world, PID, [GridRow("JRS", "rt-1"), GridRow("DLX", "rt-1"), GridRow("X", None)])
    assert [p.key for p in err.value.problems] == ["mapping.error.shared"]
    assert _stored(world) == before


def test_booked_rooms_follow_a_rename_and_lose_a_deleted_label(world):
    from datetime import date

    with world.begin() as conn:
        b.reservation(conn, date(2026, 12, 10), 2, pid=PID)
    save_mapping(world, PID, "JS", "rt-1")
    r = schema.reservasi_room

    def labels():
        with world.connect() as conn:
            return {row.adf_room_type for row in conn.execute(sa.select(r.c.adf_room_type))}

    assert labels() == {"JS"}
    replace_mappings(world, PID, [GridRow("JRS", "rt-1")])
    assert labels() == {"JRS"}
    replace_mappings(world, PID, [GridRow("FAM", "rt-2")])
    assert labels() == {None}
    assert _stored(world) == {"FAM": ("rt-2", True, None)}


def test_a_rename_that_only_changes_case(world):
    save_mapping(world, PID, "js", "rt-1")
    replace_mappings(world, PID, [GridRow("JS", "rt-1")])
    assert _stored(world) == {"JS": ("rt-1", True, None)}
