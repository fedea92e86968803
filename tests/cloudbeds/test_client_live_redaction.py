"""Secrets never leave the client: logs, CallRecords, exceptions, reprs are searched for them."""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from pms.cloudbeds import (
    DEFAULT_SCOPES,
    ApiKeyAuth,
    MemoryTokenStore,
    OAuthApp,
    OAuthAuth,
    build_authorize_url,
    exchange_code,
)
from pms.errors import CloudbedsError

from .helpers import make_client


def test_nothing_secret_reaches_logs_records_errors_or_reprs(box, admin, fake_time, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's included
    records, captured = [], []
    app = OAuthApp(box.client_id, box.client_secret, "https://pms.example/cb")
    link = build_authorize_url(app, DEFAULT_SCOPES, "s1", base=f"{box.base_url}/oauth")
    code = parse_qs(
        urlsplit(requests.get(link, allow_redirects=False, timeout=10).headers["Location"]).query
    )["code"][0]
    tokens = exchange_code(box.base_url, app, code, on_call=records.append)
    store = MemoryTokenStore(tokens)

    oauth = make_client(box, fake_time, auth=OAuthAuth(app, store), on_call=records.append)
    keyed = make_client(
        box, fake_time, auth=ApiKeyAuth(box.api_key), on_call=records.append, on_warning=captured.append
    )
    oauth.get_hotels().all()
    admin.expire_tokens()
    oauth.get_sources()  # 401 → refresh (client secret and refresh token in the form) → retry
    card = "4111111111111111"
    # A server that echoes secrets back in its error text:
    admin.fault(
        "getSources", "success_false", message=f"bad key {box.api_key} / {store.load_tokens().access_token}"
    )
    admin.fault(
        "getRoomTypes", "http_500", times=10, message=f"card {card} refused, secret {box.client_secret}"
    )
    for call in (
        keyed.get_sources,
        lambda: keyed.get_room_types().all(),
        lambda: exchange_code(box.base_url, app, code, on_call=records.append),
    ):
        with pytest.raises(CloudbedsError) as info:
            call()
        captured += [str(info.value), repr(info.value), info.value.message]
    captured += [
        repr(oauth),
        repr(keyed),
        repr(oauth.auth),
        repr(keyed.auth),
        repr(app),
        str(app),
        repr(store.load_tokens()),
        repr(tokens),
        repr(oauth.stats),
    ]
    captured += [repr(r) for r in records] + list(oauth.warnings) + list(keyed.warnings)
    captured += [caplog.text]

    everything = "\n".join(captured)
    assert "getSources" in everything and len(records) >= 8  # we did capture real traffic
    secrets = [
        box.api_key,
        box.client_secret,
        code,
        tokens.access_token,
        tokens.refresh_token,
        store.load_tokens().access_token,
        card,
    ]
    for secret in secrets:
        assert secret not in everything, f"a secret leaked: {secret[:4]}…"
    grant_params = [r.params for r in records if r.endpoint == "access_token"]
    assert grant_params and all(p["client_secret"] == "[redacted]" for p in grant_params)
