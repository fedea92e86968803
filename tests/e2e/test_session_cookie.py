"""A login survives a reload and a new tab, through the server's HttpOnly session cookie, and ends
with Log out, an account change or idleness (real Chromium, real server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from pms import accounts
from pms.accounts import sessions
from pms.db import schema
from pms.db.engine import make_engine
from pms.db.types import utcnow
from tests.e2e.conftest import idle, log_in

pytestmark = pytest.mark.browser

STAFF, STAFF_PW = "budi", "budi's long passphrase"


@pytest.fixture
def engine(server):
    eng = make_engine(f"sqlite:///{server.log.parent / 'e2e.sqlite3'}")
    yield eng
    eng.dispose()


def _login_screen(page: Page):
    return page.get_by_role("heading", name="Log in")


def _log_in_as_staff(page: Page, server, engine) -> None:
    if accounts.get_user(engine, STAFF) is None:
        accounts.create_user(engine, STAFF, STAFF_PW, role="staff")
    else:
        accounts.set_password(engine, STAFF, STAFF_PW)
    page.goto(server.url + "/")
    expect(_login_screen(page)).to_be_visible(timeout=60_000)
    page.get_by_label("User name").fill(STAFF)
    page.get_by_label("Password", exact=True).fill(STAFF_PW)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    idle(page)


def _session_cookie(page: Page):
    page.wait_for_timeout(500)  # the cookie route is called right after the login's rerun
    found = [c for c in page.context.cookies() if c["name"] == sessions.COOKIE_NAME]
    return found[0] if found else None


def test_reload_and_new_tab_stay_logged_in_until_log_out(page: Page, server):
    log_in(page, server)
    cookie = _session_cookie(page)
    assert cookie is not None, "the server's route set no session cookie"
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert sessions.COOKIE_NAME not in page.evaluate("document.cookie")  # page script cannot read it

    page.reload()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    expect(_login_screen(page)).to_have_count(0)

    tab = page.context.new_page()
    tab.goto(server.url + "/settings")  # a bookmark of a page deep inside
    expect(tab.get_by_role("heading", name="Settings", exact=True)).to_be_visible(timeout=60_000)
    tab.close()

    idle(page)
    page.get_by_role("button", name="Log out").click()
    expect(_login_screen(page)).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)
    page.reload()
    expect(_login_screen(page)).to_be_visible(timeout=60_000)
    assert _session_cookie(page) is None
    # The old cookie value is dead on the server too, not just gone from this browser.
    page.context.add_cookies([{**cookie}])
    page.reload()
    expect(_login_screen(page)).to_be_visible(timeout=60_000)


def test_a_password_change_elsewhere_ends_the_session(page: Page, server, engine):
    _log_in_as_staff(page, server, engine)
    assert _session_cookie(page) is not None
    accounts.set_password(engine, STAFF, "a different long passphrase")
    page.reload()
    expect(_login_screen(page)).to_be_visible(timeout=60_000)


def test_an_idle_session_ends(page: Page, server, engine):
    _log_in_as_staff(page, server, engine)
    assert _session_cookie(page) is not None
    user = accounts.get_user(engine, STAFF)
    with engine.begin() as conn:
        conn.execute(
            sa.update(schema.app_session)
            .where(schema.app_session.c.user_id == user.id)
            .values(last_seen_at=utcnow() - timedelta(hours=5))
        )
    page.reload()
    expect(_login_screen(page)).to_be_visible(timeout=60_000)
