"""Addresses that receive our secrets: https only, a new API address needs its secret, and our
HTTP client never carries the API key across a redirect to another host."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pms.cloudbeds import ApiKeyAuth, CloudbedsClient
from pms.connection import go_live
from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from pms.errors import CloudbedsError, SettingsError
from pms.outbound import check_url, is_loopback

KEY = "cbat_Zx9QmT4vLw2PpR8sYk6NdJ3aHf7uEc1b"


@pytest.fixture
def production(monkeypatch):
    """Outside the test suite's own mode: what a hotel's install enforces."""
    monkeypatch.delenv("PMS_TEST_MODE", raising=False)


def test_loopback_names():
    assert all(is_loopback(h) for h in ("localhost", "127.0.0.1", "127.8.9.1", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("example.com", "10.0.0.1", "", None, "127.0.0.1.evil.example"))


@pytest.mark.parametrize(
    "key,value",
    [
        ("alert_webhook_url", "http://hooks.example.com/x"),
        ("cloudbed_api_base", "http://api.cloudbeds.com/api/v1.3"),
        ("alert_webhook_url", "ftp://hooks.example.com/x"),
    ],
)
def test_plain_http_to_another_host_is_refused(sdb, production, key, value):
    values = {key: value, "cloudbed_api_key": KEY} if key == "cloudbed_api_base" else {key: value}
    with pytest.raises(SettingsError, match="https"):
        Settings(sdb).set_many(values)


def test_loopback_http_only_in_demo_or_test_mode(sdb, production, monkeypatch):
    settings = Settings(sdb)
    settings.set("alert_webhook_url", "http://127.0.0.1:9000/hook")  # demo mode: allowed
    CredentialStore(sdb).save_api_key(KEY, property_id="254042", purge_demo=False)
    with pytest.raises(SettingsError, match="https"):
        settings.set("alert_webhook_url", "http://127.0.0.1:9001/hook")
    monkeypatch.setenv("PMS_TEST_MODE", "1")
    settings.set("alert_webhook_url", "http://127.0.0.1:9001/hook")
    assert check_url("https://hooks.example.com/x", key="k", demo=False) == "https://hooks.example.com/x"


def test_smtp_without_starttls_is_refused_for_remote_servers(sdb, production):
    settings = Settings(sdb)
    with pytest.raises(SettingsError, match="STARTTLS"):
        settings.set_many({"smtp_host": "mail.example.com", "smtp_starttls": False})
    settings.set_many({"smtp_host": "mail.example.com", "smtp_starttls": True})
    with pytest.raises(SettingsError, match="STARTTLS"):
        settings.set("smtp_starttls", False)
    assert settings.get("smtp_starttls") is True


def test_a_new_api_address_needs_the_secret_again(sdb):
    store = CredentialStore(sdb)
    store.save_oauth_app("app-id", "the-client-secret-123456", api_base="https://api.cloudbeds.com/api/v1.3")
    # Same address, secret left empty: the stored one is kept.
    go_live.save_oauth_app(sdb, "app-id", None, api_base="https://api.cloudbeds.com/api/v1.3")
    assert store.load().client_secret == "the-client-secret-123456"
    # Another address without the secret: refused, nothing changes.
    with pytest.raises(SettingsError, match="client secret"):
        go_live.save_oauth_app(sdb, "app-id", "", api_base="https://attacker.example/api/v1.3")
    with pytest.raises(SettingsError, match="again"):
        Settings(sdb).set("cloudbed_api_base", "https://attacker.example/api/v1.3")
    assert store.load().api_base == "https://api.cloudbeds.com/api/v1.3"
    # With the secret typed again it is accepted.
    go_live.save_oauth_app(sdb, "app-id", "a-new-secret-654321", api_base="https://eu.cloudbeds.example/api")
    creds = store.load()
    assert (
        creds.api_base == "https://eu.cloudbeds.example/api" and creds.client_secret == "a-new-secret-654321"
    )


def test_the_connection_test_refuses_plain_http_before_sending_the_key(sdb, production):
    CredentialStore(sdb).save_api_key(KEY, property_id="254042", purge_demo=False)
    with pytest.raises(SettingsError, match="https"):
        go_live.try_api_key(sdb, KEY, api_base="http://api.example.com/api/v1.3")


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict] = []  # noqa: RUF012 (set per test)
    location = ""

    def do_GET(self):
        type(self).seen.append({k.lower(): v for k, v in self.headers.items()})
        if type(self).location and not self.path.startswith("/landed"):
            self.send_response(302)
            self.send_header("Location", type(self).location)
            self.end_headers()
            return
        body = b'{"success": true, "data": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_api_key_does_not_follow_a_redirect_to_another_host():
    class Elsewhere(_Recorder):
        seen: list[dict] = []  # noqa: RUF012

    class Api(_Recorder):
        seen: list[dict] = []  # noqa: RUF012

    other = _serve(Elsewhere)
    # "localhost" is another host name than "127.0.0.1" for the browser rules requests follows.
    Api.location = f"http://localhost:{other.server_port}/landed"
    api = _serve(Api)
    try:
        client = CloudbedsClient(
            f"http://127.0.0.1:{api.server_port}/api/v1.3", ApiKeyAuth(KEY), property_id="1", rate_limit=50.0
        )
        try:
            client.get_hotels().all()
        except CloudbedsError:
            pass  # whatever the answer means to the client, the headers are what matter here
        finally:
            client.close()
        assert Api.seen and Api.seen[0].get("x-api-key") == KEY
        assert Elsewhere.seen, "the redirect was followed"
        assert all("x-api-key" not in h and "authorization" not in h for h in Elsewhere.seen)
    finally:
        api.shutdown()
        other.shutdown()
