"""The dashboard's language in a real browser: taken from the account, kept across reloads, and
Indonesian metric labels that fit their columns."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from pms.config import PROJECT_ROOT
from tests.e2e.conftest import PASSWORD, idle, log_in

pytestmark = pytest.mark.browser


def _cut_metric_labels(page: Page) -> list[str]:
    """Metric labels the browser had to cut ("Kesehatan sinkro…") or wrap onto a second line."""
    expect(page.get_by_test_id("stMetricLabel").first).to_be_visible(timeout=30_000)
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')].flatMap(label =>
            [label, ...label.querySelectorAll('*')]
              .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getClientRects().length > 1)
              .map(() => label.innerText)).filter((v, i, all) => all.indexOf(v) === i)"""
    )


def test_language_comes_from_the_account_and_survives_a_reload(page: Page, server):
    log_in(page, server)  # the manager exists (created on a fresh server's first visit)
    db = f"sqlite:///{server.log.parent / 'e2e.sqlite3'}"
    add = ["users", "--db", db, "add", "lestari", "--role", "staff", "--language", "id", "--password-stdin"]
    added = subprocess.run(
        [sys.executable, "-m", "pms", *add],
        check=False,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
    )
    assert added.returncode == 0 or "taken" in added.stderr, added.stderr
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible(timeout=30_000)
    page.get_by_label("User name").fill("lestari")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Ringkasan")).to_be_visible(timeout=60_000)
    idle(page)
    page.reload()
    expect(page.get_by_role("heading", name="Ringkasan")).to_be_visible(timeout=60_000)
    idle(page)
    assert _cut_metric_labels(page) == []
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    idle(page)
    page.reload()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    idle(page)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Ringkasan")).to_be_visible(timeout=60_000)
    idle(page)
    page.reload()
    expect(page.get_by_role("heading", name="Ringkasan")).to_be_visible(timeout=60_000)
