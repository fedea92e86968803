"""A newcomer's journeys in a real browser: account, login, connection test, mapping, sync, language."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    MANAGER,
    PASSWORD,
    idle,
    log_in,
    open_page,
    setup_code,
    shot,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.browser

PAGES = [
    "Overview",
    "Reservations & guests",
    "Rates & availability",
    "Sync",
    "Room mapping",
    "Monitoring",
    "Connection",
    "Setup",
    "Settings",
]


def test_first_visit_creates_the_manager_then_login(page: Page, chromium_path, tmp_path):
    server = start_server(tmp_path / "fresh")
    try:
        page.goto(server.url + "/")
        expect(page.get_by_role("heading", name="Welcome: create the manager account")).to_be_visible(
            timeout=60_000
        )
        shot(page, "00-first-manager")
        page.get_by_label("Setup code").fill(setup_code(server))
        page.get_by_label("User name").fill(MANAGER)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Repeat the password").fill(PASSWORD)
        page.get_by_role("button", name="Create manager account").click()
        expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Omah Sekar Boutique Hotel is a demo property")).to_be_visible()
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible(timeout=30_000)
        page.get_by_label("User name").fill(MANAGER)
        page.get_by_label("Password", exact=True).fill("not the password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Wrong user name or password.")).to_be_visible(timeout=30_000)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    finally:
        stop_server(server)


def test_a_deep_link_still_needs_a_login(page: Page, server):
    page.goto(server.url + "/settings")
    expect(
        page.get_by_role("heading", name="Welcome: create the manager account").or_(
            page.get_by_role("heading", name="Log in")
        )
    ).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Settings")).to_have_count(0)


def test_connection_test_passes_every_step(page: Page, server):
    log_in(page, server)
    open_page(page, "Connection")
    expect(page.get_by_text("Demo mode: connected to the built-in sandbox")).to_be_visible()
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("Every check passed.")).to_be_visible(timeout=60_000)
    idle(page)
    shot(page, "connection-test")


def test_mapping_edit_is_saved(page: Page, server):
    log_in(page, server)
    open_page(page, "Room mapping")
    if page.get_by_text("No Cloudbeds room types are known yet").count():
        page.get_by_role("button", name="Refresh the Cloudbeds catalogue").click()
        expect(page.get_by_text("Catalogue refreshed.")).to_be_visible(timeout=60_000)
        idle(page)
    start = page.get_by_role("button", name="Start from the Cloudbeds room types")
    if start.count():
        start.click()
        expect(page.get_by_text("mapping(s) saved.")).to_be_visible(timeout=60_000)
        idle(page)
    grid = page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    # row 0, the Cloudbeds room type column (about 38 % across): open its select box and pick another type
    page.mouse.dblclick(box["x"] + box["width"] * 0.38, box["y"] + 35 + 17)
    page.get_by_role("option", name="Deluxe Pool View").click()
    page.wait_for_timeout(400)
    page.get_by_role("button", name="Save mappings").click()
    expect(page.get_by_text("1 mapping(s) saved.")).to_be_visible(timeout=60_000)
    idle(page)
    # two ADF types now map to one Cloudbeds type: the page says so
    expect(page.get_by_text("is mapped from 2 ADF types")).to_be_visible()
    shot(page, "room-mapping-saved")


def test_sync_preview_and_apply_with_progress(page: Page, server):
    log_in(page, server)
    open_page(page, "Sync")
    page.get_by_text("Changes since last sync").click()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Plan")).to_be_visible(timeout=90_000)
    idle(page)
    shot(page, "sync-preview")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("stProgress").first).to_be_attached(timeout=60_000)
    expect(page.get_by_text("Sync completed")).to_be_visible(timeout=120_000)
    idle(page)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    shot(page, "sync-applied")


def test_language_switch(page: Page, server):
    log_in(page, server)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Ringkasan")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("link", name="Pemetaan kamar")).to_be_visible()
    idle(page)
    shot(page, "overview-id")
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)


def test_screenshot_of_every_page(page: Page, server):
    log_in(page, server)
    for n, title in enumerate(PAGES, start=1):
        open_page(page, title)
        assert not page.get_by_text("Something went wrong on the server").count(), title
        shot(page, f"{n:02d}-{title.lower().replace(' & ', '-').replace(' ', '-')}")


def test_health_and_no_secrets_in_pages(page: Page, server):
    health = requests.get(f"{server.url}/healthz", timeout=10).json()
    assert health["status"] == "ok"
    log_in(page, server)
    open_page(page, "Settings")
    html = page.content()
    assert "scrypt$" not in html and "enc:v1:" not in html
