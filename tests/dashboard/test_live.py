"""The pages that talk to Cloudbeds, against a real sandbox over HTTP, on a really synced database."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from pms.i18n import local_now
from pms.sync import SyncContext, SyncRequest, run_sync
from tests.dashboard.conftest import PAGES, frame_with, shown, texts
from tests.sync.helpers import make_client


@pytest.fixture
def live(dash, box):
    """The dashboard's database connected to the sandbox with an API key, after a full sync."""
    CredentialStore(dash.engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    with make_client(box) as client:
        result = run_sync(SyncContext(dash.engine, client), SyncRequest(mode="full", trigger="cli"))
    assert result.status == "completed", result.error
    dash.box = box
    return dash


def _count(engine, table, *where):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_every_page_renders_on_a_really_synced_database(live, role):
    user = live.user("gm" if role == "manager" else "budi", role=role)
    for name in PAGES:
        if not user.can(name):
            continue
        at = live.app(as_user=user, page=name)
        assert not at.exception, (name, at.exception)
        assert not [e.value for e in at.error if "went wrong" in str(e.value)], name
    overview = live.app(as_user=user)
    assert "Omah Sekar Boutique Hotel" in texts(overview)
    assert overview.metric[1].value == "120" or int(overview.metric[1].value.replace(",", "")) > 0


def test_connection_test_runs_every_step(live):
    at = live.app(as_user=live.user(), page="connection")
    at.button(key="test_connection").click().run()
    assert not at.exception
    steps = frame_with(at, "step")
    assert list(steps["result"]) == ["✅"] * 5
    assert "Every check passed." in [s.label for s in at.status]
    assert live.box.api_key not in texts(at)


def test_new_api_key_is_tested_before_it_is_saved(dash, box):
    gm = dash.user()
    at = dash.app(as_user=gm, page="connection")
    assert "Demo mode: connected to the built-in sandbox" in texts(at)
    at.text_input(key="conn_key").input("cbat_wrong_key_0000000000000000")
    at.text_input(key="conn_base").input(box.base_url)
    at.button(key="FormSubmitter:api_key_form-Test and save").click().run()
    assert not at.exception
    assert any(s.label.startswith("The key was not saved") for s in at.status)
    assert CredentialStore(dash.engine).load() is None  # still demo mode
    at.text_input(key="conn_key").input(box.api_key)
    at.button(key="FormSubmitter:api_key_form-Test and save").click().run()
    assert "Every check passed: the key is saved and demo mode is off." in [s.label for s in at.status]
    creds = CredentialStore(dash.engine).load()
    assert creds.api_key == box.api_key and creds.property_id == box.property_id  # detected automatically
    assert box.api_key not in texts(at)
    again = dash.app(as_user=gm, page="connection")
    assert "Connected with API key" in texts(again)
    assert box.api_key[-4:] in again.text_input(key="conn_key").placeholder


def test_sync_preview_then_apply_with_progress(live):
    import requests

    # A mutation in Cloudbeds, so the preview has something to do.
    requests.post(f"{live.box.root_url}/_sandbox/mutate", json={"count": 3, "kinds": ["modify"]}, timeout=30)
    at = live.app(as_user=live.user(), page="sync")
    at.radio(key="sync_mode").set_value("incremental")
    at.button(key="FormSubmitter:sync_form-Preview").click().run()
    assert not at.exception
    assert "Plan" in [s.value for s in at.subheader]
    assert at.progress and at.progress[-1].value == 100
    runs_before = _count(live.engine, schema.cloudbed_sync_log)
    at.button(key="sync_apply").click().run()
    assert not at.exception
    labels = [s.label for s in at.status]
    assert any(label.startswith("Sync completed") for label in labels), labels
    assert _count(live.engine, schema.cloudbed_sync_log) == runs_before + 1
    assert frame_with(at, "updated")["updated"].sum() >= 3


@pytest.mark.parametrize("days,message", [(-5, "swap the dates"), (1000, "too long")])
def test_sync_refuses_bad_windows_with_a_message(live, days, message):
    at = live.app(as_user=live.user(), page="sync")
    today = local_now("Asia/Jakarta").date()
    start, end = today, today + timedelta(days=days)
    at.date_input(key="sync_window").set_value((start, end))
    at.radio(key="sync_mode").set_value("window")
    at.button(key="FormSubmitter:sync_form-Preview").click().run()
    assert not at.exception
    assert any(message in shown(e.value) for e in at.error), [e.value for e in at.error]
    assert "Plan" not in [s.value for s in at.subheader]


def test_mapping_edit_saved_and_rooms_relabelled(live):
    at = live.app(as_user=live.user("budi", role="staff"), page="room_mapping")
    assert not at.exception
    if "start_from_cloudbeds" in [b.key for b in at.button]:
        at.button(key="start_from_cloudbeds").click().run()
    grid = at.data_editor(key="mapping_editor").value
    assert len(grid) >= 5
    m = schema.cloudbed_room_mapping
    types = schema.cloudbed_room_types
    with live.engine.connect() as conn:
        first_type = conn.execute(
            sa.select(types.c.room_type_id).where(types.c.name == grid["cloudbeds"][0])
        ).scalar()
    assert first_type is not None
    at.session_state["mapping_editor"] = {
        "edited_rows": {0: {"cloudbeds": None}},
        "added_rows": [{"adf_room_type": "Kamar Baru", "cloudbeds": grid["cloudbeds"][0]}],
        "deleted_rows": [],
    }
    at.button(key="FormSubmitter:mapping_form-Save mappings").click().run()
    assert not at.exception
    assert "mapping(s) saved." in texts(at)
    with live.engine.connect() as conn:
        rows = {r.adf_room_type: (r.cloudbed_room_type_id, r.is_active) for r in conn.execute(sa.select(m))}
    assert rows["Kamar Baru"] == (first_type, True)
    assert rows[grid["adf_room_type"][0]] == (None, False)
    rooms = _count(
        live.engine,
        schema.reservasi_room,
        schema.reservasi_room.c.cloudbed_room_type_id == first_type,
        schema.reservasi_room.c.adf_room_type == "Kamar Baru",
    )
    assert rooms > 0


def test_catalogue_refresh(live):
    at = live.app(as_user=live.user(), page="room_mapping")
    at.button(key="refresh_catalog").click().run()
    assert not at.exception and "Catalogue refreshed." in texts(at)


def test_rate_edit_pushed_as_a_job(live):
    Settings(live.engine).set_push_enabled(True)
    at = live.app(as_user=live.user(), page="rates")
    grid = at.data_editor(key="rates_editor").value
    day_col = grid.columns[3]
    at.session_state["rates_editor"] = {
        "edited_rows": {0: {day_col: 1234000}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="FormSubmitter:rates_form-Save rates").click().run()
    assert "1 rate(s) changed" in texts(at)
    at.button(key="rates_push").click().run()
    assert not at.exception
    assert any(s.label.startswith("Rates sent") for s in at.status), [s.label for s in at.status]
    rs = schema.cloudbed_rate_sync
    assert _count(live.engine, rs, rs.c.job_reference_id.is_not(None)) >= 1


def test_retry_failed_from_monitoring(live):
    r = schema.reservasi
    with live.engine.begin() as conn:
        first = conn.execute(sa.select(r.c.id).limit(1)).scalar()
        conn.execute(
            sa.update(r).where(r.c.id == first).values(sync_status="error", sync_error="timeout earlier")
        )
    at = live.app(as_user=live.user(), page="monitoring")
    at.button(key="retry_failed").click().run()
    assert not at.exception
    assert _count(live.engine, r, r.c.sync_status == "error") == 0


def test_oauth_app_saved_connected_and_the_outcome_shown(dash, box):
    from urllib.parse import parse_qs, urlsplit

    import requests

    from pms.connection.oauth import complete_connect

    gm = dash.user()
    at = dash.app(as_user=gm, page="connection")
    at.radio(key="conn_method").set_value("oauth").run()
    at.text_input(key="conn_client_id").input(box.client_id)
    at.text_input(key="conn_secret").input(box.client_secret)
    at.text_input(key="conn_oauth_base").input(box.base_url)
    at.button(key="FormSubmitter:oauth_form-Save the OAuth app").click().run()
    assert not at.exception and "OAuth app saved. Now connect with Cloudbeds." in texts(at)
    assert "has not been connected yet" in texts(at)
    at.button(key="start_oauth").click().run()
    links = [el.proto.url for el in at.get("link_button")]
    assert len(links) == 1 and links[0].startswith(f"{box.base_url}/oauth?")
    consent = requests.get(links[0], timeout=30, allow_redirects=False)  # the sandbox approves at once
    back = parse_qs(urlsplit(consent.headers["Location"]).query)
    # The page bound the connect to its browser: the binding it posts is what the cookie carries.
    binding = json.loads(json.loads(_bind_body(at)))["binding"]
    unbound = complete_connect(dash.engine, state=back["state"][0], code=back["code"][0])
    assert not unbound.ok and unbound.code == "other_browser"
    outcome = complete_connect(dash.engine, state=back["state"][0], code=back["code"][0], browser=binding)
    assert outcome.ok
    done = _connection_page(dash, gm, {"oauth": "connected"})
    assert "Cloudbeds is connected through OAuth." in texts(done)
    assert "Connected with OAuth app" in texts(done) and box.client_secret not in texts(done)
    # Text from the link is never shown: only the fixed reason codes mean anything.
    bad = _connection_page(
        dash, gm, {"oauth": "error", "reason": "denied", "message": "[Click here](http://evil.example)"}
    )
    shown = next(e.value for e in bad.error)
    assert "Cloudbeds did not grant access." in shown and "evil" not in shown and "Click" not in shown
    odd = _connection_page(dash, gm, {"oauth": "error", "reason": "**[x](http://evil.example)**"})
    assert "evil" not in next(e.value for e in odd.error)


def _bind_body(at) -> str:
    """The JSON body the Connection page has the browser post to the bind route."""
    import re

    for el in at.get("html"):
        match = re.search(r"fetch\(\"/oauth/cloudbeds/bind\".*?body:(\".*?\")\}\);", el.proto.body)
        if match:
            return match.group(1)
    raise AssertionError("the page posted no browser binding")


def _connection_page(dash, user, query):
    """The Connection page as the browser opens it when the OAuth callback sends the manager back."""
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import DASHBOARD, login_session

    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["pms_session_id"] = login_session(dash.engine, user)
    at.run()
    at.switch_page("app_pages/connection.py")
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()
