"""The host check and what ``/healthz`` tells whom, with curl against a real ``python -m pms serve``."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from pms import accounts
from pms.accounts import sessions
from pms.db.engine import make_engine

from .helpers import ServerProcess

PUBLIC = "pms.hotel.example"
WS_HEADERS = [
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    workdir = tmp_path_factory.mktemp("host-check")
    server = ServerProcess(
        f"sqlite:///{workdir / 'pms.sqlite3'}",
        workdir,
        env={"PMS_PUBLIC_URL": f"https://{PUBLIC}", "PMS_ALLOWED_HOSTS": "*.lan.hotel.example"},
    ).start()
    yield server
    server.stop()


def curl(url: str, *args: str) -> tuple[int, str]:
    """(HTTP status, body) of one curl request; a WebSocket upgrade is cut off after 3 s."""
    run = subprocess.run(
        ["curl", "-s", "-i", "--max-time", "3", *args, url],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,  # curl's exit code for a cut-off WebSocket is expected
    )
    out = run.stdout.replace("\r\n", "\n")
    head = out.split("\n", 1)[0]
    status = int(head.split()[1]) if head.startswith("HTTP/") else 0
    return status, out.split("\n\n", 1)[-1]


def _ws(server, host: str | None) -> int:
    args = [x for h in WS_HEADERS for x in ("-H", h)]
    if host:
        args += ["-H", f"Host: {host}"]
    return curl(f"{server.url}/_stcore/stream", *args)[0]


@pytest.mark.parametrize("path", ["/", "/healthz", "/webhooks/cloudbeds/x", "/oauth/cloudbeds/callback"])
def test_a_wrong_host_header_is_refused(served, path):
    status, body = curl(f"{served.url}{path}", "-H", "Host: rebind.attacker.example")
    assert status == 400 and "Invalid host" in body


def test_the_dashboard_websocket_refuses_a_wrong_host(served):
    """Streamlit's own server.allowedHosts, set from the same list, guards the WebSocket."""
    assert _ws(served, "rebind.attacker.example") == 403
    assert _ws(served, "attacker.example:8501") == 403


@pytest.mark.parametrize("host", [None, "localhost", PUBLIC, f"{PUBLIC}:443", "pos.lan.hotel.example"])
def test_known_names_are_served(served, host):
    args = ["-H", f"Host: {host}"] if host else []
    status, body = curl(f"{served.url}/healthz", *args)
    assert status in (200, 503) and "status" in json.loads(body)
    assert _ws(served, host) == 101


def test_healthz_tells_anonymous_callers_status_only_and_managers_more(served, monkeypatch):
    _, body = curl(f"{served.url}/healthz")
    assert set(json.loads(body)) == {"status", "database", "worker", "last_successful_sync"}
    monkeypatch.setenv("PMS_SECRET_KEY", served.secret_key)  # sign the cookie as the server does
    engine = make_engine(served.db_url)
    try:
        staff = accounts.create_user(engine, "budi", "a long enough passphrase", role="staff")
        gm = accounts.create_user(engine, "gm", "a long enough passphrase", role="manager")
        staff_cookie = sessions.claim_ticket(engine, sessions.open_session(engine, staff).ticket)
        gm_cookie = sessions.claim_ticket(engine, sessions.open_session(engine, gm).ticket)
    finally:
        engine.dispose()
    _, as_staff = curl(f"{served.url}/healthz", "--cookie", f"{sessions.COOKIE_NAME}={staff_cookie}")
    assert "demo_sandbox" not in json.loads(as_staff)
    _, as_manager = curl(f"{served.url}/healthz", "--cookie", f"{sessions.COOKIE_NAME}={gm_cookie}")
    assert json.loads(as_manager)["demo_sandbox"].startswith("http://127.0.0.1:")
    _, forged = curl(f"{served.url}/healthz", "--cookie", f"{sessions.COOKIE_NAME}={gm_cookie[:-3]}abc")
    assert "demo_sandbox" not in json.loads(forged)


def test_the_setup_code_is_printed_to_the_console_only(served):
    log = served.log()
    assert "one-time setup code:" in log
    code = log.split("one-time setup code:", 1)[1].split()[0]
    _, body = curl(f"{served.url}/healthz")
    assert code not in body
