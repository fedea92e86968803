"""The Room mapping grid saves exactly what it shows: renames, deletes and adds, checked first."""

from __future__ import annotations

import sqlalchemy as sa

from pms.db import schema
from pms.sync.mapping_data import save_mapping
from tests.dashboard.conftest import synced_world, texts

PID = "254042"
M = schema.cloudbed_room_mapping
SAVE = "FormSubmitter:mapping_form-Save mappings"


def _stored(engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        return {
            r.adf_room_type: r.cloudbed_room_type_id
            for r in conn.execute(sa.select(M).where(M.c.property_id == PID))
        }


def _open(dash, role="staff"):
    at = dash.app(as_user=dash.user("budi" if role == "staff" else "gm", role=role), page="room_mapping")
    assert not at.exception, at.exception
    return at


def _edit(at, edited=None, added=None, deleted=None):
    at.session_state["mapping_editor"] = {
        "edited_rows": edited or {},
        "added_rows": added or [],
        "deleted_rows": deleted or [],
    }
    at.button(key=SAVE).click().run()
    assert not at.exception, at.exception


def _grid(at):
    return at.data_editor(key="mapping_editor").value


def test_rename_is_saved_without_leaving_the_old_code_behind(dash):
    synced_world(dash.engine)
    save_mapping(dash.engine, PID, "JS", "rt-1")
    save_mapping(dash.engine, PID, "FAM", "rt-2")
    at = _open(dash)
    grid = _grid(at)
    row = list(grid["adf_room_type"]).index("JS")
    _edit(at, edited={row: {"adf_room_type": "JRS"}})
    assert "mapping(s) saved" in texts(at)
    assert _stored(dash.engine) == {"JRS": "rt-1", "FAM": "rt-2"}
    grid = _grid(_open(dash))
    assert sorted(grid["adf_room_type"]) == ["FAM", "JRS"]
    assert not grid.isna().any().any() and "None" not in grid.astype(str).to_numpy()


def test_a_deleted_row_stays_deleted(dash):
    synced_world(dash.engine)
    save_mapping(dash.engine, PID, "JS", "rt-1")
    save_mapping(dash.engine, PID, "FAM", "rt-2")
    at = _open(dash)
    row = list(_grid(at)["adf_room_type"]).index("JS")
    _edit(at, deleted=[row])
    assert _stored(dash.engine) == {"FAM": "rt-2"}
    assert list(_grid(_open(dash))["adf_room_type"]) == ["FAM"]


def test_an_unlinked_row_shows_not_linked_rather_than_none(dash):
    synced_world(dash.engine)
    save_mapping(dash.engine, PID, "JS", None)
    at = _open(dash)
    grid = _grid(at)
    assert list(grid["cloudbeds"]) == ["— not linked —"] and list(grid["notes"]) == [""]
    assert at.data_editor(key="mapping_editor").proto.placeholder == "–"  # any other gap: not "None"


def test_two_adf_types_on_one_cloudbeds_type_are_refused_before_saving(dash):
    synced_world(dash.engine)
    save_mapping(dash.engine, PID, "JS", "rt-1")
    at = _open(dash)
    label = _grid(at)["cloudbeds"][0]
    _edit(at, added=[{"adf_room_type": "DLX", "cloudbeds": label}, {"adf_room_type": "js", "notes": "x"}])
    shown = texts(at)
    assert "Nothing was saved" in shown
    assert "is linked from more than one ADF room type (JS, DLX)" in shown
    assert "ADF room type js is in the grid more than once" in shown
    assert _stored(dash.engine) == {"JS": "rt-1"}


def test_an_empty_code_is_refused(dash):
    synced_world(dash.engine)
    at = _open(dash)
    _edit(at, added=[{"adf_room_type": "  ", "cloudbeds": "Family Room"}])
    assert "Row 1 has no ADF room type" in texts(at)
    assert _stored(dash.engine) == {}


def test_start_from_cloudbeds_only_fills_the_grid_until_save(dash):
    synced_world(dash.engine)
    at = _open(dash)
    assert "ADF room type" in texts(at) and "hotel's own system" in texts(at)
    at.button(key="start_from_cloudbeds").click().run()
    assert not at.exception
    assert _stored(dash.engine) == {}  # nothing stored yet
    grid = _grid(at)
    assert sorted(grid["cloudbeds"]) == ["Deluxe Double", "Family Room"]
    assert "not saved yet" in texts(at)
    _edit(at, edited={0: {"adf_room_type": "DLX"}})
    stored = _stored(dash.engine)
    assert len(stored) == 2 and "DLX" in stored and set(stored.values()) == {"rt-1", "rt-2"}


def test_a_draft_can_be_discarded(dash):
    synced_world(dash.engine)
    at = _open(dash)
    at.button(key="start_from_cloudbeds").click().run()
    assert len(_grid(at)) == 2
    at.button(key="discard_draft").click().run()
    assert not at.exception
    assert _grid(at).empty and _stored(dash.engine) == {}


def test_an_unlinked_row_gets_a_suggestion_and_accepting_it_saves_it(dash):
    synced_world(dash.engine)
    save_mapping(dash.engine, PID, "Deluxe Dbl", None)
    at = _open(dash)
    assert _grid(at)["suggestion"][0].startswith("Deluxe Double (")
    at.button(key="FormSubmitter:mapping_form-Accept the suggestions").click().run()
    assert not at.exception
    assert _stored(dash.engine) == {"Deluxe Dbl": "rt-1"}
