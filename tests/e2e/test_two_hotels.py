"""Two hotels, two servers side by side: one browser stays logged in to both (real Chromium).

A hotel group runs one server per hotel database (docs/operations.md, "Several hotels"). On one
host name the two servers differ only by port, and browsers share cookies between ports, so each
server names its session cookie after its ``PMS_INSTANCE``: logging in to the second hotel must not
log the manager out of the first, and each dashboard shows its own accounts only.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pms import accounts
from pms.db.engine import make_engine
from tests.e2e.conftest import idle, start_server, stop_server

pytestmark = pytest.mark.browser

HOTELS = {"bali": ("ayu", "Ayu's long passphrase"), "lombok": ("made", "Made's long passphrase")}


@pytest.fixture(scope="module")
def two_servers(chromium_path, tmp_path_factory):
    started = {}
    try:
        for instance, (user, password) in HOTELS.items():
            folder = tmp_path_factory.mktemp(f"hotel-{instance}")
            engine = make_engine(f"sqlite:///{folder / 'e2e.sqlite3'}")
            from pms.db.setup import setup_database

            assert setup_database(engine).ok
            accounts.create_user(engine, user, password, role="manager")
            engine.dispose()
            started[instance] = start_server(
                folder, {"PMS_INSTANCE": instance, "PMS_DEMO_RESERVATIONS": "40"}
            )
        yield started
    finally:
        for server in started.values():
            stop_server(server)


def _log_in(page: Page, url: str, user: str, password: str) -> None:
    page.goto(url + "/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible(timeout=60_000)
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    idle(page)


def _signed_in_as(page: Page, user: str):
    return page.get_by_text(f"Signed in as {user}", exact=False)


def test_a_manager_stays_logged_in_to_two_hotels_in_one_browser(page: Page, two_servers):
    bali, lombok = two_servers["bali"], two_servers["lombok"]
    _log_in(page, bali.url, *HOTELS["bali"])
    page.wait_for_timeout(500)  # the cookie route is called right after the login's rerun
    other = page.context.new_page()
    _log_in(other, lombok.url, *HOTELS["lombok"])
    other.wait_for_timeout(500)
    names = {c["name"] for c in page.context.cookies()}
    assert {"pms_session_bali", "pms_session_lombok"} <= names, names
    # Back to the first hotel: a reload resumes its own login, not the second hotel's.
    page.reload()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    expect(_signed_in_as(page, "ayu")).to_be_visible(timeout=30_000)
    other.reload()
    expect(other.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    expect(_signed_in_as(other, "made")).to_be_visible(timeout=30_000)
    # Each dashboard knows its own accounts only: lombok's manager cannot log in to bali.
    fresh = page.context.browser.new_context()
    try:
        probe = fresh.new_page()
        probe.goto(bali.url + "/")
        expect(probe.get_by_role("heading", name="Log in")).to_be_visible(timeout=60_000)
        probe.get_by_label("User name").fill("made")
        probe.get_by_label("Password", exact=True).fill(HOTELS["lombok"][1])
        probe.get_by_role("button", name="Log in").click()
        idle(probe)
        expect(probe.get_by_role("heading", name="Overview")).to_have_count(0)
    finally:
        fresh.close()
