"""OAuth against the sandbox: authorize link → code → tokens → renewal ahead of expiry → after a 401."""

import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from pms.cloudbeds import (
    DEFAULT_SCOPES,
    ApiKeyAuth,
    MemoryTokenStore,
    OAuthApp,
    OAuthAuth,
    TokenSet,
    build_authorize_url,
    exchange_api_key,
    exchange_code,
)
from pms.errors import AuthenticationError

from .helpers import make_client

REDIRECT = "https://pms.example/oauth/cloudbeds/callback"


class WallClock:
    """The client's idea of "now", moved by the test (the sandbox keeps its own clock)."""

    def __init__(self):
        self.value = datetime.now(UTC)

    def __call__(self):
        return self.value


@pytest.fixture
def app(box):
    return OAuthApp(box.client_id, box.client_secret, REDIRECT)


def consent(box, app, scopes=DEFAULT_SCOPES, state="st-123"):
    """Follow the authorize link like a browser would and return the code from the redirect."""
    link = build_authorize_url(app, scopes, state, base=f"{box.base_url}/oauth")
    resp = requests.get(link, allow_redirects=False, timeout=10)
    assert resp.status_code == 302
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def access_token_calls(admin):
    return admin.state()["endpoints"].get("access_token", 0)


def test_authorize_link_shape(app):
    link = build_authorize_url(app, ["read:hotel", "write:rate"], "abc")
    assert link.startswith("https://hotels.cloudbeds.com/api/v1.1/oauth?")
    q = parse_qs(urlsplit(link).query)
    assert (
        q["scope"] == ["read:hotel write:rate"] and q["response_type"] == ["code"] and q["state"] == ["abc"]
    )
    assert app.client_secret not in link


def test_code_token_refresh_expired_refresh(box, admin, app, fake_time):
    now = WallClock()
    tokens = exchange_code(box.base_url, app, consent(box, app), now=now)
    assert tokens.refresh_token and tokens.resources[0]["id"] == box.property_id
    assert tokens.expires_at - now.value == timedelta(seconds=3600)
    store = MemoryTokenStore(tokens)
    records = []
    c = make_client(box, fake_time, auth=OAuthAuth(app, store, now=now), on_call=records.append)
    assert c.get_hotels().all()
    first = store.load_tokens().access_token

    # 1. ahead of expiry: within 5 minutes of it, the client renews before calling
    now.value += timedelta(seconds=3600 - 200)
    assert c.get_sources()
    second = store.load_tokens()
    assert second.access_token != first and second.expires_at > now.value + timedelta(minutes=50)
    assert [r.endpoint for r in records[-2:]] == ["access_token", "getSources"]
    assert 401 not in [r.http_status for r in records]

    # 2. expired on the server side although the client thought it valid: one 401, renew, retry
    assert admin.expire_tokens() >= 1  # the renewed token (the old one lives on, unused)
    assert c.get_room_types().all()
    assert [(r.endpoint, r.http_status) for r in records[-3:]] == [
        ("getRoomTypes", 401),
        ("access_token", 200),
        ("getRoomTypes", 200),
    ]
    assert store.load_tokens().access_token not in (first, second.access_token)
    assert c.stats.refreshes == 2 and c.stats.errors == 0


def test_second_401_after_a_renewal_tells_the_manager_to_reconnect(box, admin, app, fake_time):
    store = MemoryTokenStore(exchange_code(box.base_url, app, consent(box, app)))
    c = make_client(box, fake_time, auth=OAuthAuth(app, store))
    admin.config(token_ttl=0)  # every token the sandbox issues from now on is born expired
    admin.expire_tokens()
    with pytest.raises(AuthenticationError, match="even after renewing") as info:
        c.get_hotels().all()
    assert "reconnect Cloudbeds" in str(info.value) and info.value.status == 401


def test_revoked_token_is_renewed_once(box, admin, app, fake_time):
    store = MemoryTokenStore(exchange_code(box.base_url, app, consent(box, app)))
    c = make_client(box, fake_time, auth=OAuthAuth(app, store))
    admin.fault("getSources", "revoke_token", times=1)
    assert c.get_sources()
    assert c.stats.refreshes == 1


def test_refused_refresh_token(box, app, fake_time):
    stale = TokenSet("not-a-token-at-all", "rf_not_a_refresh_token", datetime.now(UTC) - timedelta(hours=1))
    c = make_client(box, fake_time, auth=OAuthAuth(app, MemoryTokenStore(stale)))
    with pytest.raises(AuthenticationError, match="refused to renew") as info:
        c.get_hotels().all()
    assert info.value.status == 401


def test_not_connected_yet(box, app, fake_time):
    c = make_client(box, fake_time, auth=OAuthAuth(app, MemoryTokenStore()))
    with pytest.raises(AuthenticationError, match="not connected"):
        c.get_hotels().all()


def test_a_code_works_once_and_wrong_secrets_are_refused(box, app):
    code = consent(box, app)
    exchange_code(box.base_url, app, code)
    with pytest.raises(AuthenticationError, match="10 minutes") as info:
        exchange_code(box.base_url, app, code)
    assert info.value.endpoint == "access_token" and info.value.status == 401
    wrong = OAuthApp(box.client_id, "wrong-secret-value", REDIRECT)
    with pytest.raises(AuthenticationError):
        exchange_code(box.base_url, wrong, consent(box, app))


def test_api_key_grant_delivers_a_working_key(box, app, fake_time):
    key = exchange_api_key(box.base_url, app, consent(box, app))
    assert key.startswith("cbat_")
    assert make_client(box, fake_time, auth=ApiKeyAuth(key)).get_sources()


def test_concurrent_renewals_through_one_store_happen_once(box, admin, app):
    now = WallClock()
    store = MemoryTokenStore(exchange_code(box.base_url, app, consent(box, app), now=now))
    now.value += timedelta(seconds=3500)  # inside the renewal margin for everyone
    before = access_token_calls(admin)
    errors = []

    def work():
        try:
            make_client(box, auth=OAuthAuth(app, store, now=now)).get_sources()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert access_token_calls(admin) - before == 1


def test_renewal_survives_a_server_error_but_a_code_exchange_is_not_repeated(box, admin, app, fake_time):
    from pms.errors import APIError

    now = WallClock()
    store = MemoryTokenStore(exchange_code(box.base_url, app, consent(box, app), now=now))
    records = []
    c = make_client(box, fake_time, auth=OAuthAuth(app, store, now=now), on_call=records.append)
    now.value += timedelta(seconds=3500)
    admin.fault("access_token", "http_503", times=1)
    assert c.get_sources()
    assert [(r.endpoint, r.http_status) for r in records] == [
        ("access_token", 503),
        ("access_token", 200),
        ("getSources", 200),
    ]
    # a code works once: after an unknown outcome it is not sent again
    admin.fault("access_token", "http_500", times=1)
    with pytest.raises(APIError) as info:
        exchange_code(box.base_url, app, consent(box, app))
    assert info.value.status == 500 and info.value.endpoint == "access_token"
