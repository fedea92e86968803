"""A working day per role and language in real Chromium, one tab taking turns: log in, Overview,
the reservations list and one booking's rooms, the walk-in form, rates, room mapping, Sync
(managers), Monitoring, log out. Each step leaves a screenshot
``test-artifacts/journey-<role>-<lang>-NN-<step>.png`` (the pictures docs/dashboard.md refers to).

Everything is located by widget keys (``.st-key-…``), test ids, roles and the locale files'
texts (``pms.i18n``), never by sentences typed here, so rewording a label in en.json or id.json
does not break the journeys. Before them the database gets realistic sync history: a first full
sync of thousands of records, then small hourly runs, a few of them with failures.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from pms.accounts.roles import can
from pms.i18n import Translator
from tests.e2e.conftest import ARTIFACTS, idle, shot
from tests.e2e.data import add_runs, add_user, engine_of, property_id

pytestmark = pytest.mark.browser

PASSWORD = "a journey's long passphrase"


def realistic_history() -> list[dict]:
    runs = [{"successful": 9_840, "api_calls": 312, "duration_ms": 142_000}]
    for i in range(1, 20):
        failed = (0, 0, 0, 2, 0, 1, 0, 0, 3)[i % 9]
        runs.append({"successful": (i * 7) % 13, "failed": failed, "api_calls": 1 + i % 4})
    runs[7] = {"status": "failed", "api_calls": 1}
    runs[16] = {"status": "failed", "api_calls": 2}
    return runs


@pytest.fixture(scope="module")
def people(server):
    engine = engine_of(server)
    add_runs(engine, property_id(engine), realistic_history(), spacing=timedelta(minutes=70))
    for role in ("manager", "staff"):
        for lang in ("en", "id"):
            add_user(engine, f"{role}_{lang}", PASSWORD, role=role, language=lang)
    engine.dispose()
    return server


PAGE_NAMES = (
    "overview",
    "reservations",
    "rates",
    "sync",
    "room_mapping",
    "monitoring",
    "connection",
    "setup",
    "settings",
)
TITLES = {"room_mapping": "mapping.title"}  # a page's title key where it is not "<page>.title"


@pytest.fixture(scope="module")
def window(browser, browser_context_args, people):
    """One browser tab for all the journeys: each ends with Log out on the login screen where the
    next one starts, as colleagues sharing the front desk's computer do."""
    context = browser.new_context(**browser_context_args)
    tab = context.new_page()
    yield tab
    context.close()


def _login_screen(page: Page, url: str):
    """The login form at the dashboard's root (in whatever language the last reader left it).

    The root, not the page the last journey logged out on: that address would be remembered as a
    deep link and opened after the login."""
    page.context.clear_cookies()
    page.goto(url + "/")
    user = page.locator(".st-key-login_username input")
    expect(user).to_be_visible(timeout=60_000)
    return user


def _go(page: Page, t: Translator, name: str) -> None:
    """Open page ``name`` from the sidebar and wait for its title."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=t(f"nav.{name}"), exact=True).click()
    title = t(TITLES.get(name, f"{name}.title"))
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=60_000)
    idle(page)
    assert not page.get_by_test_id("stException").count(), name


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("role", ["manager", "staff"])
def test_journey(window: Page, people, role, lang):
    page = window
    t = Translator(lang)
    # what the role may open comes from the permission table itself, so a change of roles moves
    # the journey with it instead of breaking it
    may = {name: can(role, name) for name in PAGE_NAMES}
    n = iter(range(1, 20))
    for old in ARTIFACTS.glob(f"journey-{role}-{lang}-*.png"):  # a previous run's, maybe other steps
        old.unlink()

    def step(what: str, part=None) -> None:
        name = f"journey-{role}-{lang}-{next(n):02d}-{what}"
        if part is None:
            shot(page, name)
        else:  # one part of a long page, below the fold of a whole-window shot
            part.scroll_into_view_if_needed()
            part.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    # login (fields by their widget keys: the screen may be in either language)
    _login_screen(page, people.url).fill(f"{role}_{lang}")
    page.locator(".st-key-login_password input").fill(PASSWORD)
    page.get_by_test_id("stBaseButton-primaryFormSubmit").click()

    # overview: health, today, charts, alerts; live parts present
    expect(page.get_by_role("heading", name=t("overview.title"), exact=True)).to_be_visible(timeout=60_000)
    idle(page)
    expect(page.locator(".st-key-live_status").get_by_test_id("stMetric").first).to_be_visible()
    expect(page.locator(".st-key-live_active_alerts")).to_be_attached()
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    for name, allowed in may.items():
        expect(sidebar.get_by_role("link", name=t(f"nav.{name}"), exact=True)).to_have_count(int(allowed))
    step("overview")
    step("sync-activity", page.locator(".st-key-sync_activity"))

    # reservations: the list, one booking's rooms, the walk-in form
    _go(page, t, "reservations")
    grid = page.locator(".st-key-res_table").get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's selection box
    # the booking opens under the list (its rooms at least: a second table)
    expect(page.get_by_test_id("stMain").get_by_test_id("stDataFrame").nth(1)).to_be_visible(timeout=30_000)
    idle(page)
    step("booking")
    page.locator(".st-key-res_view").get_by_text(t("reservations.tab_new")).click()
    expect(page.locator(".st-key-new_first")).to_be_visible(timeout=30_000)
    idle(page)
    step("walk-in-form")

    if may["rates"]:
        _go(page, t, "rates")
        step("rates")

    _go(page, t, "room_mapping")
    step("room-mapping")

    if may["sync"]:
        _go(page, t, "sync")
        recent = page.locator(".st-key-recent_runs")
        expect(recent.get_by_test_id("stPlotlyChart")).to_have_count(2, timeout=30_000)  # runs, durations
        step("sync")
        step("recent-runs", recent)

    if may["monitoring"]:
        _go(page, t, "monitoring")
        expect(page.locator(".st-key-live_log_rows_api")).to_be_attached()
        if not can(role, "monitoring.retry"):
            expect(page.get_by_text(t("monitoring.read_only"))).to_be_visible()
        page.get_by_role("tab", name=t("monitoring.tab.sync")).click()
        idle(page)
        step("monitoring")

    # logout: back to the login, in the reader's language
    sidebar.get_by_role("button", name=t("auth.logout")).click()
    expect(page.get_by_role("heading", name=t("auth.login_title"))).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name=t("overview.title"), exact=True)).to_have_count(0)
    step("logged-out")
