"""Every page for every role, on an empty database (demo mode) and on a synced one."""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import PAGES, STAFF_PAGES, synced_world, texts

TITLES = {
    "overview": "Overview",
    "frontdesk": "Front desk",
    "reservations": "Reservations & guests",
    "rates": "Rates & availability",
    "sync": "Sync",
    "room_mapping": "Room mapping",
    "monitoring": "Monitoring",
    "connection": "Connection",
    "setup": "Setup",
    "settings": "Settings",
}


def _no_unexpected_errors(at):
    assert not at.exception, at.exception
    unexpected = [
        e.value for e in at.error if "went wrong" in str(e.value) or "Terjadi kesalahan" in str(e.value)
    ]
    assert not unexpected, unexpected


@pytest.mark.parametrize("page", list(PAGES))
def test_manager_pages_render_on_an_empty_database(dash, page):
    at = dash.app(as_user=dash.user("gm"), page=page)
    _no_unexpected_errors(at)
    assert at.title[0].value == TITLES[page]
    assert "is a demo property" in texts(at)


@pytest.mark.parametrize("page", list(PAGES))
def test_manager_pages_render_on_a_synced_database(dash, page):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("gm"), page=page)
    _no_unexpected_errors(at)
    assert at.title[0].value == TITLES[page]
    assert "is a demo property" not in texts(at)
    assert "1 active alert(s)" in texts(at)


@pytest.mark.parametrize("page", STAFF_PAGES)
@pytest.mark.parametrize("synced", [False, True])
def test_staff_pages_render(dash, page, synced):
    if synced:
        synced_world(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff"), page=page)
    _no_unexpected_errors(at)
    assert at.title[0].value == TITLES[page]


@pytest.mark.parametrize("page", sorted(set(PAGES) - set(STAFF_PAGES)))
def test_staff_navigation_has_no_manager_pages(dash, page):
    synced_world(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff"))
    assert at.title[0].value == "Overview"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGES[page])


@pytest.mark.parametrize("page", sorted(set(PAGES) - set(STAFF_PAGES)))
def test_manager_page_scripts_refuse_staff_themselves(dash, page):
    """Even run directly (a stale link, a refactor that forgets the menu), a page checks the role."""
    from streamlit.testing.v1 import AppTest

    from pms.config import PROJECT_ROOT
    from pms.i18n import Translator
    from pms.reporting.property import active_property
    from ui.context import CONTEXT_KEY, PageContext

    synced_world(dash.engine)
    staff = dash.user("budi", role="staff")
    at = AppTest.from_file(str(PROJECT_ROOT / PAGES[page]), default_timeout=60)
    at.session_state[CONTEXT_KEY] = PageContext(
        engine=dash.engine, t=Translator("en"), user=staff, prop=active_property(dash.engine)
    )
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Your role may not open this page or run this action."]
    assert not at.title and not at.button


def test_page_scripts_show_nothing_without_the_dashboard(dash):
    from streamlit.testing.v1 import AppTest

    from pms.config import PROJECT_ROOT

    for page in PAGES.values():
        at = AppTest.from_file(str(PROJECT_ROOT / page), default_timeout=60).run()
        assert not at.exception and not at.title and not at.button and not at.dataframe


def test_each_language_renders_every_page(dash):
    synced_world(dash.engine)
    gm = dash.user("gm", language="id")
    for page in PAGES:
        at = dash.app(as_user=gm, page=page)
        _no_unexpected_errors(at)
        assert at.title[0].value != TITLES[page] or page in ("sync",), page  # "Sync" is "Sinkronisasi"
