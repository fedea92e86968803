"""Real Chromium against the real server (``python -m pms serve``) in demo mode.

Each xdist worker starts its own server on a free loopback port with an empty database in a
temporary folder, so the first visit always meets the first-manager screen; the server's worker
thread syncs the in-process demo sandbox, exactly what a newcomer's ``make run`` does. Debian's
Chromium is driven by pytest-playwright (never ``playwright install``); screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from pms.config import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MANAGER, PASSWORD = "manager", "a long enough passphrase"


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path, extra_env: dict[str, str] | None = None) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {
        **os.environ,
        "PMS_DATA_DIR": str(folder),
        "PMS_DEMO_RESERVATIONS": "200",
        "PMS_DEMO_RATE_LIMIT": "0",
        "PMS_TEST_MODE": "1",
        **(extra_env or {}),
    }
    env.pop("PMS_DATABASE_URL", None)
    log = folder / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pms",
                "serve",
                "--port",
                str(port),
                "--db",
                f"sqlite:///{folder / 'e2e.sqlite3'}",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped at start-up:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            health = requests.get(f"{url}/healthz", timeout=2)
            # Up, and the worker's first sync of the demo sandbox is done (the pages then show the
            # demo property by name, as a newcomer sees it a few seconds after `make run`).
            if health.status_code == 200 and health.json().get("last_successful_sync"):
                return Server(url, proc, log)
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.3)
    stop_server(Server(url, proc, log))
    raise RuntimeError("the server did not answer /healthz with a first sync within 90 s")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(chromium_path, tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("e2e-server"))
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {**browser_type_launch_args, "executable_path": str(chromium_path), "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "locale": "en-GB"}


def idle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the script run the last interaction started has finished."""
    page.wait_for_timeout(300)
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_be_attached(
        timeout=timeout
    )


def setup_code(server: Server) -> str:
    """The one-time setup code the server printed to its console (its log here)."""
    text = server.log.read_text(errors="replace")
    assert "one-time setup code:" in text, text[-2000:]
    return text.split("one-time setup code:", 1)[1].split()[0]


def log_in(page: Page, server: Server) -> None:
    """Open the dashboard as the manager, creating the account on a server's first visit."""
    page.goto(server.url + "/")
    welcome = page.get_by_role("heading", name="Welcome: create the manager account")
    login = page.get_by_role("heading", name="Log in")
    expect(welcome.or_(login)).to_be_visible(timeout=60_000)
    if welcome.is_visible():
        page.get_by_label("Setup code").fill(setup_code(server))
        page.get_by_label("User name").fill(MANAGER)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Repeat the password").fill(PASSWORD)
        page.get_by_role("button", name="Create manager account").click()
    else:
        page.get_by_label("User name").fill(MANAGER)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    idle(page)


def open_page(page: Page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()  # not the Overview's "Open …" links
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=60_000)
    idle(page)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
