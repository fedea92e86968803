"""Overview and Monitoring refresh themselves (no click) and keep what a person typed; a deep
link opened while logged out lands on that page after the login. Texts come from the locale
files, so a reworded label does not break these tests."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pms.i18n import Translator
from tests.conftest import WAIT_SCALE
from tests.e2e.conftest import MANAGER, PASSWORD, idle, log_in, open_page
from tests.e2e.data import add_runs, add_user, engine_of, property_id

pytestmark = pytest.mark.browser

T = Translator("en")
# three refresh intervals (ui.live.REFRESH_SECONDS = 5) plus the short cache, on a quiet machine
TICK = 15_000 * WAIT_SCALE


def _metric(page: Page, label_key: str):
    return page.locator(".st-key-live_status").get_by_test_id("stMetric").filter(has_text=T(label_key))


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text.splitlines()[-1]) or 0)


def test_overview_counts_change_after_a_write_without_a_click(page: Page, server):
    engine = engine_of(server)
    log_in(page, server)
    failures = _metric(page, "overview.failures_today").get_by_test_id("stMetricValue")
    expect(failures).to_be_visible()
    before = _number(failures.inner_text())
    add_runs(engine, property_id(engine), [{"status": "failed"}] * 3)  # what the worker writes after failures
    expect(failures).to_have_text(re.compile(rf"^{before + 3}$"), timeout=TICK)
    engine.dispose()


def test_monitoring_log_refreshes_and_keeps_typed_filters(page: Page, server):
    engine = engine_of(server)
    log_in(page, server)
    open_page(page, T("nav.monitoring"))
    page.get_by_role("tab", name=T("monitoring.tab.sync")).click()
    rows = page.locator(".st-key-live_log_rows_sync")
    expect(rows).to_be_visible()
    search = page.locator(".st-key-sync_text input")  # the sync log tab's search field, by its key
    search.click()
    search.press_sequentially("half-typed filter")  # no Enter: not yet applied
    caption = rows.get_by_text(re.compile(T("common.rows_of", first=".*", last=".*", total=".*")))
    before = caption.inner_text()
    add_runs(engine, property_id(engine), [{"successful": 4}, {"successful": 2, "failed": 1}])
    expect(caption).not_to_have_text(before, timeout=TICK)
    expect(search).to_have_value("half-typed filter")
    expect(search).to_be_focused()
    engine.dispose()


@pytest.mark.parametrize("path", ["monitoring", "sync"])
def test_a_deep_link_lands_on_its_page_after_the_login(page: Page, server, path):
    log_in(page, server)  # make sure the manager exists, then start again logged out
    page.context.clear_cookies()
    page.goto(f"{server.url}/{path}")
    expect(page.get_by_role("heading", name=T("auth.login_title"))).to_be_visible(timeout=60_000)
    page.get_by_label(T("auth.username")).fill(MANAGER)
    page.get_by_label(T("auth.password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=T("auth.login")).click()
    expect(page.get_by_role("heading", name=T(f"{path}.title"), exact=True)).to_be_visible(timeout=60_000)
    idle(page)
    assert page.url.rstrip("/").endswith(f"/{path}")


def test_a_deep_link_to_a_managers_page_lands_staff_on_the_overview(page: Page, server):
    engine = engine_of(server)
    add_user(engine, "deep_staff", PASSWORD, role="staff")
    engine.dispose()
    page.goto(f"{server.url}/settings")
    expect(page.get_by_role("heading", name=T("auth.login_title"))).to_be_visible(timeout=60_000)
    page.get_by_label(T("auth.username")).fill("deep_staff")
    page.get_by_label(T("auth.password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=T("auth.login")).click()
    expect(page.get_by_role("heading", name=T("overview.title"), exact=True)).to_be_visible(timeout=60_000)
    idle(page)
    expect(page.get_by_role("heading", name=T("settings.title"), exact=True)).to_have_count(0)
    expect(page.get_by_text(T("auth.forbidden"))).to_have_count(0)
