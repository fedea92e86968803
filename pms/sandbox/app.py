"""The HTTP face of the sandbox: Cloudbeds' paths under /api/v1.3 (and v1.2), admin under /_sandbox.

Every API request goes through one pipeline, in the order a real gateway would apply it:
count it → scripted fault? → HTTP verb → parameters (400) → credential (401) → rate limit (429) →
scope → handler (400 / unknown id / 200 success:false / 200). Responses are compact JSON with an
``X-Request-ID`` header, like Cloudbeds'. Handlers run under the store lock and return plain dicts.

An unknown id and a missing scope answer as the ``errors`` reading says: ``documented`` (400 and
HTTP 200 with ``success:false``, Cloudbeds' guide) or ``status_codes`` (404 and 403).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from pms.sandbox import (
    api_bookings,
    api_catalog,
    api_guests,
    api_oauth,
    api_payments,
    api_rates,
    api_reservations,
    api_roomblocks,
    api_webhooks,
)
from pms.sandbox.auth import AuthFailure, TokenError
from pms.sandbox.backend import Backend
from pms.sandbox.endpoint import Call, Endpoint, Forbidden, NotFound, Refused
from pms.sandbox.faults import RESHAPE_KINDS, Fault, reshape
from pms.sandbox.forms import ParamError, Params, nest_brackets, parse_form
from pms.sandbox.queries import PropertyMismatch
from pms.sandbox.responses import json_response

__all__ = ["ENDPOINTS", "VERSIONS", "build_app"]

log = logging.getLogger(__name__)

VERSIONS = ("v1.2", "v1.3")
ENDPOINT_MODULES = [
    api_catalog,
    api_reservations,
    api_bookings,
    api_guests,
    api_rates,
    api_payments,
    api_roomblocks,
    api_webhooks,
    api_oauth,
]
ENDPOINTS: dict[str, Endpoint] = {}


def register(module) -> None:
    for endpoint in module.ENDPOINTS:
        ENDPOINTS[endpoint.name] = endpoint


for _module in ENDPOINT_MODULES:
    register(_module)


def _failure(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response({"success": False, "message": message}, status, headers)


class RequestIdMiddleware:
    """Adds a fresh ``X-Request-ID`` to every HTTP response (API, OAuth and admin alike)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", uuid.uuid4().hex.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


async def _read_params(request: Request) -> Params:
    pairs = list(request.query_params.multi_items())
    if request.method in ("POST", "PUT", "PATCH"):
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if body:
            if ctype in ("", "application/x-www-form-urlencoded"):
                pairs += parse_form(body)
            else:
                raise ParamError(
                    f"Unsupported Content-Type {ctype!r}: send parameters as "
                    "application/x-www-form-urlencoded"
                )
    return Params(nest_brackets(pairs))


# (documented, status_codes) status of each kind of refusal whose status Cloudbeds leaves open.
_REFUSAL_STATUS = {"not_found": (400, 404), "forbidden": (200, 403)}


def _refusal(backend: Backend, kind: str, message: str) -> Response:
    """An unknown id or a missing scope, with the status the ``errors`` reading gives it."""
    documented, status_codes = _REFUSAL_STATUS[kind]
    return _failure(documented if backend.reading("errors") == "documented" else status_codes, message)


def _fault_response(fault: Fault) -> Response:
    if fault.kind == "http_500":
        return _failure(500, fault.message or "Internal Server Error")
    if fault.kind == "http_503":  # what a load balancer in front of an overloaded API sends
        return Response(
            fault.message or "<html><body><h1>503 Service Unavailable</h1></body></html>",
            status_code=503,
            media_type="text/html",
        )
    if fault.kind == "http_429":
        headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
        return _failure(429, fault.message or "Rate limit exceeded", headers)
    if fault.kind == "malformed_json":
        return Response(
            b'{"success":true,"data":[{"reservationID":"52', status_code=200, media_type="application/json"
        )
    # success_false
    return _failure(200, fault.message or "Sandbox fault: the request could not be completed (success:false)")


async def api_entry(request: Request) -> Response:
    backend: Backend = request.app.state.backend
    version = request.path_params["version"]
    name = request.path_params["method"]
    endpoint = ENDPOINTS.get(name)
    if version not in VERSIONS or endpoint is None:
        backend.stats.request("(unknown)")
        response = _failure(404, f"Unknown API method {version}/{name}")
        backend.stats.response(404)
        return response
    backend.stats.request(name)
    response = await _pipeline(request, backend, endpoint, version)
    backend.stats.response(response.status_code)
    return response


async def _pipeline(request: Request, backend: Backend, endpoint: Endpoint, version: str) -> Response:
    fault = backend.faults.take(endpoint.name)
    if fault is not None and fault.kind not in ("timeout", "revoke_token", *RESHAPE_KINDS):
        return _fault_response(fault)
    response = await _answer(request, backend, endpoint, version, fault)
    if fault is not None and fault.kind in RESHAPE_KINDS:
        response = _reshaped(fault, response)
    if fault is not None and fault.kind == "timeout":
        # The work is done (a create really happened); only the answer comes too late.
        await asyncio.sleep(fault.delay)
    return response


def _reshaped(fault: Fault, response: Response) -> Response:
    """A successful JSON answer rewritten by a reshape fault; anything else passes unchanged."""
    if response.status_code != 200 or response.media_type != "application/json":
        return response
    body = json.loads(response.body)
    if not isinstance(body, dict) or body.get("success") is not True:
        return response
    return json_response(reshape(fault, body))


async def _answer(
    request: Request, backend: Backend, endpoint: Endpoint, version: str, fault: Fault | None
) -> Response:
    if request.method != endpoint.verb:
        return _failure(405, f"{endpoint.name} must be called with HTTP {endpoint.verb}")
    try:
        params = await _read_params(request)
    except ParamError as exc:
        return _failure(400, str(exc))
    credential = None
    if endpoint.auth:
        try:
            credential = backend.auth.authenticate(
                request.headers.get("x-api-key"), request.headers.get("authorization")
            )
        except AuthFailure as exc:
            return json_response(exc.body, 401)
        if fault is not None and fault.kind == "revoke_token":
            backend.auth.revoke(credential)
            return json_response(AuthFailure("Access token has been revoked").body, 401)
        if endpoint.limited and not backend.limiter.allow(credential.rate_key):
            return _failure(429, "Rate limit exceeded")
        if endpoint.scope and endpoint.scope not in credential.scopes:
            return _refusal(
                backend, "forbidden", f"Access denied: this credential lacks the {endpoint.scope} scope"
            )
    header_property = request.headers.get("x-property-id")
    if header_property and header_property.strip() != backend.store.property.property_id:
        return _failure(200, PropertyMismatch.message)
    base_url = f"{request.url.scheme}://{request.url.netloc}/api/{version}"
    return _run(backend, endpoint, Call(backend, params, credential, endpoint.name, base_url))


def _run(backend: Backend, endpoint: Endpoint, call: Call) -> Response:
    try:
        with backend.store.lock:
            body = endpoint.handler(call)
            return json_response(body)
    except ParamError as exc:
        return _failure(400, str(exc))
    except NotFound as exc:
        return _refusal(backend, "not_found", str(exc))
    except Forbidden as exc:
        return _refusal(backend, "forbidden", str(exc))
    except (Refused, PropertyMismatch) as exc:
        return _failure(200, getattr(exc, "message", None) or str(exc))
    except TokenError as exc:
        return json_response(exc.body, exc.status)
    except Exception:  # a sandbox bug: answer like a server error and keep serving
        log.exception("sandbox handler %s failed", endpoint.name)
        return _failure(500, "Internal Server Error")


def build_app(backend: Backend) -> Starlette:
    """The ASGI app for one backend (admin routes included)."""
    from pms.sandbox.admin import ADMIN_ROUTES

    routes = [
        Route("/api/{version}/oauth", api_oauth.authorize_page, methods=["GET"]),
        Route("/api/{version}/{method:path}", api_entry, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Mount("/_sandbox", routes=ADMIN_ROUTES),
    ]
    app = Starlette(routes=routes)
    app.state.backend = backend
    app.add_middleware(RequestIdMiddleware)
    return app
