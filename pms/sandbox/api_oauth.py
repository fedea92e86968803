"""OAuth and identity: the token endpoint, userinfo, oauth/metadata and the authorize page.

There is no user to ask for consent, so ``GET /api/v1.3/oauth`` (and the v1.1 path the quickstart
guides show) approves at once and redirects to ``redirect_uri?code=...&state=...``. Token responses
are top-level OAuth bodies, with no Cloudbeds envelope.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from pms.sandbox.endpoint import Call, Endpoint

__all__ = ["ENDPOINTS", "authorize_page"]


def access_token(call: Call) -> dict[str, Any]:
    form = {k: v for k, v in call.params.values.items() if isinstance(v, str)}
    return call.backend.auth.grant(form)  # TokenError → 400/401 OAuth body (see app)


def userinfo(call: Call) -> dict[str, Any]:
    cred = call.credential
    body: dict[str, Any] = {
        "user_id": "8812001",
        "first_name": "Sandbox",
        "last_name": "Manager",
        "email": "manager@omahsekar.example",
    }
    if call.params.bool("role_details"):
        body["acl"] = sorted(cred.scopes) if cred else []
        body["roles"] = [
            {"id": "1", "name": "Property Manager", "description": "Full access to the property"}
        ]
    return body


def oauth_metadata(call: Call) -> dict[str, Any]:
    # The spec types `success` as a string; we send the boolean every other method sends (docs/sandbox.md).
    return {"success": True, "data": {"api": {"url": call.base_url}}}


async def authorize_page(request: Request) -> Response:
    """Approve the consent immediately and send the browser back with a one-time code."""
    from pms.sandbox.auth import TokenError

    backend = request.app.state.backend
    if request.path_params["version"] not in ("v1.1", "v1.2", "v1.3"):
        return JSONResponse(
            {"error": "not_found", "error_description": "Unknown API version"}, status_code=404
        )
    q = request.query_params
    if q.get("response_type", "code") != "code":
        return JSONResponse(
            {
                "error": "unsupported_response_type",
                "error_description": "Only response_type=code is supported.",
            },
            status_code=400,
        )
    try:
        code = backend.auth.authorize(q.get("client_id"), q.get("redirect_uri"), q.get("scope"))
    except TokenError as exc:
        return JSONResponse(exc.body, status_code=exc.status)
    parts = urlsplit(q["redirect_uri"])
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("code", code)]
    if q.get("state") is not None:
        query.append(("state", q["state"]))
    return RedirectResponse(urlunsplit(parts._replace(query=urlencode(query))), status_code=302)


ENDPOINTS = [
    Endpoint("access_token", "POST", None, access_token, auth=False, limited=False),
    Endpoint("userinfo", "GET", None, userinfo),
    # The spec lists no security scheme for the metadata call.
    Endpoint("oauth/metadata", "GET", None, oauth_metadata, auth=False),
]
