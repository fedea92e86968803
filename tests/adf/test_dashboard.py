"""The Front desk page and the Room mapping page on a real ADF database, with AppTest."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from tests.dashboard.conftest import Dash, frame_with, texts
from tests.sync.helpers import make_ctx

from .helpers import bookings, links
from .schemas import ROOM_TYPES, create_front_desk
from .steps import ready, sync

FRONT = "app_pages/frontdesk.py"


@pytest.fixture
def hotel(tmp_path, monkeypatch, box):
    """The dashboard on a production-like ADF database, connected to the sandbox and synced."""
    from pms.db.engine import make_engine
    from pms.db.setup import setup_database

    url = f"sqlite:///{tmp_path / 'hotel.sqlite3'}"
    monkeypatch.setenv("PMS_DATABASE_URL", url)
    engine = make_engine(url)
    create_front_desk(engine, "production")
    assert setup_database(engine).ok
    CredentialStore(engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    ctx = make_ctx(engine, box)
    ready(ctx, box, enable=False)
    sync(ctx, "full")
    ctx.client.close()
    yield Dash(url, engine)
    engine.dispose()


def _open(dash: Dash, user, lang: str | None = None):
    at = dash.app(as_user=user, lang=lang)
    at.switch_page(FRONT).run()
    assert not at.exception, at.exception
    return at


def test_switched_off_the_manager_sees_the_preview_and_switches_on(hotel):
    at = _open(hotel, hotel.user())
    assert at.title[0].value == "Front desk"
    assert "Writing to the front desk is off" in texts(at)
    labels = [m.label for m in at.metric]
    assert "Create in ADF" in labels and bookings(hotel.engine) == []
    grid = frame_with(at, "room")
    assert len(grid) == 33 and not grid.iloc[:, 2:].map(bool).any().any()  # nothing on the desk yet
    at.button(key="frontdesk_on").click().run()
    assert not at.exception
    assert "Front desk switched on:" in texts(at)
    assert Settings(hotel.engine).get("adf_frontdesk_enabled") is True
    made = [b for b in bookings(hotel.engine) if b["booking_code"].startswith("CB")]
    assert made
    at = _open(hotel, hotel.user())
    grid = frame_with(at, "room")
    cells = [c for c in grid.iloc[:, 2:].to_numpy().ravel() if c]
    assert all(c.startswith("☁ CB") for c in cells)  # the calendar's Cloudbeds bookings, marked
    todo = frame_with(at, "problem")
    assert set(todo["reservation"]) <= {lk["cloudbed_reservation_id"] for lk in links(hotel.engine)}


def test_staff_see_the_desk_but_cannot_switch_it(hotel):
    at = _open(hotel, hotel.user("budi", role="staff"))
    assert "Only a manager can switch writing on or off." in texts(at)
    assert "frontdesk_on" not in [b.key for b in at.button]


def test_front_desk_page_in_bahasa_indonesia(hotel):
    at = _open(hotel, hotel.user("sari", language="id"), lang="id")
    assert at.title[0].value == "Meja resepsionis"
    assert "Penulisan ke meja resepsionis nonaktif" in texts(at)


def test_names_from_outside_are_shown_as_text(hotel):
    Settings(hotel.engine).set("adf_frontdesk_enabled", True)
    hostile = "**Budi** [klik](http://evil.example) <b>x</b>"
    with hotel.engine.begin() as conn:
        gid = conn.execute(
            sa.text("INSERT INTO guests (guest_name, id_card_number) VALUES (:n, 'x')"), {"n": hostile}
        ).lastrowid
        room = conn.execute(sa.text("SELECT id FROM rooms ORDER BY id")).scalars().first()
        conn.execute(
            sa.text(
                "INSERT INTO bookings (booking_code, guest_id, room_id, check_in_date, check_out_date, "
                "status) VALUES ('BK-**1', :g, :r, :i, :o, 'confirmed')"
            ),
            {"g": gid, "r": room, "i": "2000-01-01", "o": "2100-01-01"},
        )
    at = _open(hotel, hotel.user())
    grid = frame_with(at, "room")
    assert f"BK-**1 {hostile}" in set(grid.iloc[0, 2:])  # a plain value in a table, never Markdown
    assert "evil.example" not in "".join(m.value for m in at.markdown)


def test_room_mapping_offers_the_hotels_own_catalogue(hotel):
    at = hotel.app(as_user=hotel.user())
    at.switch_page("app_pages/room_mapping.py").run()
    assert not at.exception
    assert "The ADF side is read from the hotel's own front desk" in texts(at)
    rooms = at.data_editor(key="adf_room_editor").value
    assert len(rooms) == 33 and rooms["adf_value"].notna().all()
    types = at.data_editor(key="mapping_editor").value  # the room types' rows are ADF's own types
    assert sorted(types["adf_room_type"]) == sorted(ROOM_TYPES["production"])
    assert types["cloudbeds"].notna().all()
    first = rooms["cloudbed_id"][0]
    other = "101" if rooms["adf_value"][0] != "101" else "102"
    at.session_state["adf_room_editor"] = {
        "edited_rows": {0: {"adf_value": other}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="FormSubmitter:adf_mapping_form-Save rooms and sources").click().run()
    assert not at.exception
    assert "1 mapping(s) saved." in texts(at)
    m = schema.cloudbed_adf_mapping
    with hotel.engine.connect() as conn:
        stored = conn.execute(
            sa.select(m.c.adf_value).where(m.c.kind == "room", m.c.cloudbed_id == first)
        ).scalar()
    assert stored == other


def test_overview_and_monitoring_count_the_front_desk(hotel):
    at = hotel.app(as_user=hotel.user())
    labels = [m.label for m in at.metric]
    assert "ADF bookings created" in labels and "Front-desk to-dos" in labels
    at.switch_page("app_pages/monitoring.py").run()
    assert not at.exception and "Front-desk to-dos" in [m.label for m in at.metric]
