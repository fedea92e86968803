"""Credentials: API keys, the OAuth code → token → refresh → expiry cycle, and scopes."""

from __future__ import annotations

from .helpers import Api, oauth_code, token_request

ACCESS_DENIED = "The resource owner or authorization server denied the request."


def test_api_key_as_header_or_bearer(box):
    assert Api(box, key=box.api_key).get("getHotels").status_code == 200
    assert Api(box, bearer=box.api_key).get("getHotels").status_code == 200


def test_missing_or_wrong_credentials_get_cloudbeds_401_body(box):
    for api in (Api(box), Api(box, key="cbat_wrong"), Api(box, bearer="nonsense")):
        resp = api.get("getReservations")
        assert resp.status_code == 401
        body = resp.json()
        assert body["error"] == "access_denied" and body["message"] == ACCESS_DENIED
        assert "success" not in body  # OAuth-style body, no envelope


def test_oauth_code_token_refresh_and_expiry(box):
    code = oauth_code(box)
    token = token_request(
        box, grant_type="authorization_code", code=code, redirect_uri="https://pms.example/cb"
    )
    assert token.status_code == 200
    tokens = token.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["resources"] == [{"type": "property", "id": box.property_id}]
    api = Api(box, bearer=tokens["access_token"])
    assert api.get("getReservations", pageSize=1).status_code == 200

    # A code works once.
    again = token_request(
        box, grant_type="authorization_code", code=code, redirect_uri="https://pms.example/cb"
    )
    assert again.status_code == 401
    assert again.json() == {
        "error": "server_error",
        "error_description": "The authorization code is invalid or has expired.",
    }

    # The access token expires after token_ttl (the sandbox clock moves instead of the test sleeping).
    api.admin("clock", {"advance": 3601})
    expired = api.get("getHotels")
    assert expired.status_code == 401 and expired.json()["hint"] == "Access token has expired"

    refreshed = token_request(box, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    fresh = refreshed.json()
    assert fresh["access_token"] != tokens["access_token"]
    assert Api(box, bearer=fresh["access_token"]).get("getHotels").status_code == 200


def test_codes_expire_after_ten_minutes_and_are_bound_to_the_redirect(box):
    code = oauth_code(box)
    wrong_uri = token_request(
        box, grant_type="authorization_code", code=code, redirect_uri="https://evil.example/"
    )
    assert wrong_uri.status_code == 401
    code = oauth_code(box)
    Api(box).admin("clock", {"advance": 601})
    stale = token_request(
        box, grant_type="authorization_code", code=code, redirect_uri="https://pms.example/cb"
    )
    assert stale.status_code == 401 and stale.json()["error"] == "server_error"


def test_token_endpoint_rejects_bad_clients_and_grants(box):
    code = oauth_code(box)
    bad = token_request(
        box,
        grant_type="authorization_code",
        code=code,
        redirect_uri="https://pms.example/cb",
        client_secret="wrong",
    )
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    assert token_request(box, grant_type="password").status_code == 400
    assert token_request(box, grant_type="refresh_token", refresh_token="rf_nope").status_code == 401


def test_short_token_ttl_and_expire_all(sandbox_factory):
    box = sandbox_factory(rate_limit=None, token_ttl=60)
    tokens = token_request(
        box, grant_type="authorization_code", code=oauth_code(box), redirect_uri="https://pms.example/cb"
    ).json()
    assert tokens["expires_in"] == 60
    api = Api(box, bearer=tokens["access_token"])
    assert api.get("getHotels").status_code == 200
    assert api.admin("expire-tokens", {})["expired"] == 1
    assert api.get("getHotels").status_code == 401
    assert Api(box, key=box.api_key).get("getHotels").status_code == 200  # API keys do not expire


def test_api_key_grant_delivers_a_key_with_the_consented_scopes(box):
    code = oauth_code(box, scope="read:hotel read:reservation")
    resp = token_request(
        box,
        grant_type="urn:ietf:params:oauth:grant-type:api-key",
        code=code,
        redirect_uri="https://pms.example/cb",
    )
    key = resp.json()["access_token"]
    assert key.startswith("cbat_")
    api = Api(box, key=key)
    assert api.get("getReservations").status_code == 200
    api.refused(api.get("getRoomTypes"), "forbidden")


def test_scopes_are_enforced_per_method(box):
    api = Api(box)
    key = api.admin("api-keys", {"scopes": ["read:hotel"], "label": "hotel-only"})["api_key"]
    limited = Api(box, key=key)
    assert limited.get("getHotels").status_code == 200
    denied = limited.refused(limited.get("getReservations"), "forbidden")
    assert "read:reservation" in denied["message"]
    assert limited.get("userinfo").status_code == 200  # no scope needed
    sub = limited.post(
        "postWebhook", {"object": "reservation", "action": "created", "endpointUrl": "http://127.0.0.1:9/"}
    )
    limited.refused(sub, "forbidden")
    bad = api.session.post(
        f"{box.root_url}/_sandbox/api-keys", json={"scopes": ["read:everything"]}, timeout=10
    )
    assert bad.status_code == 400


def test_oauth_scopes_limit_tokens(box):
    code = oauth_code(box, scope="read:reservation")
    tokens = token_request(
        box, grant_type="authorization_code", code=code, redirect_uri="https://pms.example/cb"
    ).json()
    api = Api(box, bearer=tokens["access_token"])
    assert api.get("getReservations").status_code == 200
    api.refused(api.get("getHotels"), "forbidden")
    info = api.get("userinfo", role_details="true").json()
    assert info["acl"] == ["read:reservation"]


def test_authorize_page_checks_client_and_scopes(box):
    import requests

    url = f"{box.base_url}/oauth"
    assert (
        requests.get(
            url,
            params={"client_id": "someone", "redirect_uri": "https://x/"},
            allow_redirects=False,
            timeout=10,
        ).status_code
        == 400
    )
    assert (
        requests.get(
            url,
            params={"client_id": box.client_id, "redirect_uri": "https://x/", "scope": "read:moon"},
            allow_redirects=False,
            timeout=10,
        ).status_code
        == 400
    )
    v11 = requests.get(
        f"{box.root_url}/api/v1.1/oauth",
        params={"client_id": box.client_id, "redirect_uri": "https://x/?a=1"},
        allow_redirects=False,
        timeout=10,
    )
    assert v11.status_code == 302 and v11.headers["Location"].startswith("https://x/?a=1&code=")
