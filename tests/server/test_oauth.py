"""The OAuth connect round trip: start_connect → the sandbox's consent page → our callback route."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from pms.connection.oauth import complete_connect, pending_connect, start_connect
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.secrets import SecretBox
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.errors import ConfigurationError

from .helpers import ServerProcess


@pytest.fixture
def connected(tmp_path, sandbox_factory, monkeypatch):
    """A server with an OAuth app stored for a separate sandbox (so not in demo mode); the test
    process shares the server's secret key."""
    box = sandbox_factory(rate_limit=None)
    db_url = f"sqlite:///{tmp_path / 'oauth.sqlite3'}"
    server = ServerProcess(db_url, tmp_path)
    monkeypatch.setenv("PMS_SECRET_KEY", server.secret_key)
    engine = make_engine(db_url)
    secret_box = SecretBox()
    from pms.db.setup import ensure_schema

    ensure_schema(engine)
    CredentialStore(engine, secret_box).save_oauth_app(
        box.client_id, box.client_secret, api_base=box.base_url
    )
    server.start()
    yield server, engine, secret_box, box
    server.stop()
    engine.dispose()


def _start(engine, secret_box, server, return_to="/connection"):
    return start_connect(engine, public_url=server.url, return_to=return_to)


def test_the_round_trip_stores_tokens_encrypted_and_returns_to_the_dashboard(connected):
    server, engine, secret_box, box = connected
    link = _start(engine, secret_box, server)
    parts = urlsplit(link)
    assert link.startswith(f"{box.base_url}/oauth?")
    query = parse_qs(parts.query)
    assert (
        query["redirect_uri"] == [f"{server.url}/oauth/cloudbeds/callback"] and len(query["state"][0]) >= 40
    )
    resp = requests.get(link, timeout=30, allow_redirects=True)
    assert resp.status_code == 200
    first_hop = resp.history[-1]
    assert first_hop.status_code == 303 and first_hop.headers["Location"] == "/connection?oauth=connected"
    tokens = CredentialStore(engine, secret_box).load_tokens()
    assert tokens is not None and tokens.access_token and tokens.refresh_token
    assert tokens.expires_at > utcnow() + timedelta(minutes=30)
    settings = Settings(engine, secret_box)
    assert settings.get("cloudbed_property_id") == box.property_id and settings.get("cloudbed_active") is True
    assert settings.secret("cloudbed_oauth_state") is None  # used once
    # Stored encrypted: the raw settings table never holds the token.
    with engine.connect() as conn:
        raw = " ".join(str(v) for (v,) in conn.exec_driver_sql("SELECT setting_value FROM settings"))
    assert tokens.access_token not in raw and tokens.refresh_token not in raw
    # The tokens work against the sandbox.
    ok = requests.get(
        f"{box.base_url}/getHotels", headers={"Authorization": f"Bearer {tokens.access_token}"}, timeout=10
    )
    assert ok.status_code == 200 and ok.json()["success"] is True
    # Replaying the callback changes nothing and says so.
    replay = requests.get(first_hop.url, timeout=30, allow_redirects=False)
    assert replay.status_code == 303 and "oauth=error" in replay.headers["Location"]
    assert CredentialStore(engine, secret_box).load_tokens().access_token == tokens.access_token


def test_a_forged_state_is_refused_and_the_real_connect_survives(connected):
    server, engine, secret_box, _box = connected
    link = _start(engine, secret_box, server)
    real_state = parse_qs(urlsplit(link).query)["state"][0]
    forged = requests.get(
        f"{server.url}/oauth/cloudbeds/callback",
        params={"code": "x", "state": "forged"},
        timeout=30,
        allow_redirects=False,
    )
    assert forged.status_code == 303 and "oauth=error" in forged.headers["Location"]
    assert forged.headers["Location"].startswith("/?")  # never to an address from the request
    assert json.loads(Settings(engine, secret_box).secret("cloudbed_oauth_state"))["state"] == real_state
    resp = requests.get(link, timeout=30)
    assert resp.history[-1].headers["Location"] == "/connection?oauth=connected"


def test_a_denied_or_expired_connect_stores_nothing(connected):
    server, engine, secret_box, _box = connected
    link = _start(engine, secret_box, server)
    state = parse_qs(urlsplit(link).query)["state"][0]
    denied = requests.get(
        f"{server.url}/oauth/cloudbeds/callback",
        params={"error": "access_denied", "state": state},
        timeout=30,
        allow_redirects=False,
    )
    # A fixed reason code travels back to the page, never Cloudbeds' (or a link's) own text.
    assert denied.headers["Location"] == "/connection?oauth=error&reason=denied"
    assert CredentialStore(engine, secret_box).load_tokens() is None
    # An expired state (checked in-process with a clock 11 minutes ahead).
    link = _start(engine, secret_box, server)
    state = parse_qs(urlsplit(link).query)["state"][0]
    out = complete_connect(engine, state=state, code="whatever", now=utcnow() + timedelta(minutes=11))
    assert not out.ok and "10 minutes" in out.message
    assert CredentialStore(engine, secret_box).load_tokens() is None


def test_start_needs_an_oauth_app_and_keeps_return_paths_local(sqlite_engine):
    from pms.db.setup import ensure_schema

    ensure_schema(sqlite_engine)
    with pytest.raises(ConfigurationError):
        start_connect(sqlite_engine, public_url="http://127.0.0.1:8501")
    CredentialStore(sqlite_engine).save_oauth_app(
        "client_abc", "secret_xyz_123456", api_base="https://api.cloudbeds.com/api/v1.3"
    )
    link = start_connect(sqlite_engine, public_url="https://pms.example", return_to="https://evil.example/")
    assert link.startswith("https://hotels.cloudbeds.com/api/v1.1/oauth?")
    assert pending_connect(sqlite_engine)["return_to"] == "/"
    start_connect(sqlite_engine, public_url="https://pms.example", return_to="//evil.example/x")
    assert pending_connect(sqlite_engine)["return_to"] == "/"
    start_connect(sqlite_engine, public_url="https://pms.example", return_to="/connection")
    assert pending_connect(sqlite_engine) == {
        **pending_connect(sqlite_engine),
        "return_to": "/connection",
        "redirect_uri": "https://pms.example/oauth/cloudbeds/callback",
    }


def test_a_dashboard_connect_finishes_only_in_the_browser_that_started_it(connected):
    from pms.connection.oauth import BIND_COOKIE, start_browser_connect

    server, engine, secret_box, _box = connected
    link, binding = start_browser_connect(engine, public_url=server.url, return_to="/connection")
    # The consent page sends the browser back; followed here without the browser's cookie ...
    consent = requests.get(link, timeout=30, allow_redirects=False)
    callback = consent.headers["Location"]
    stranger = requests.get(callback, timeout=30, allow_redirects=False)
    assert stranger.headers["Location"] == "/connection?oauth=error&reason=other_browser"
    assert CredentialStore(engine, secret_box).load_tokens() is None
    # ... a made-up binding is refused by the bind route and by the callback ...
    bind = f"{server.url}/oauth/cloudbeds/bind"
    assert requests.post(bind, json={"binding": "made-up"}, timeout=10).status_code == 403
    foreign = {"Origin": "https://attacker.example"}
    assert requests.post(bind, json={"binding": binding}, headers=foreign, timeout=10).status_code == 403
    wrong = requests.get(callback, cookies={BIND_COOKIE: "made-up"}, timeout=30, allow_redirects=False)
    assert "reason=other_browser" in wrong.headers["Location"]
    # ... and the browser the page bound finishes it.
    with requests.Session() as browser:
        bound = browser.post(bind, json={"binding": binding}, timeout=10)
        assert bound.status_code == 200
        cookie = bound.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        done = browser.get(callback, timeout=30, allow_redirects=False)
    assert done.headers["Location"] == "/connection?oauth=connected"
    assert CredentialStore(engine, secret_box).load_tokens() is not None
