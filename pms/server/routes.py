"""The server's own routes beside the dashboard: webhooks, the OAuth callback, ``/healthz`` and
the session cookie.

Thin adapters from HTTP to ``pms`` functions; the running pieces come from ``pms.server.runtime``.

``GET /healthz`` answers ``{"status", "database", "worker", "last_successful_sync"}`` with HTTP 200
when everything is up and 503 when degraded (the database is unreachable, or no worker is alive:
the in-process thread, or a heartbeat from an external worker within ``WORKER_FRESH``), so a load
balancer or a container health check can act on the status code alone. Those status fields are
all an anonymous caller gets; a request with a manager's session cookie also sees
``demo_sandbox`` (the demo sandbox's address, or null).

``POST /oauth/cloudbeds/bind`` binds the OAuth connect a manager just started to that browser
(``pms.connection.oauth``). ``POST /session/cookie`` trades the one-time ticket a login produced
for the ``HttpOnly``, ``SameSite=Strict`` session cookie; ``POST /session/logout`` ends the
session and clears the cookie (``pms.accounts.sessions``). All three refuse a request whose
``Origin`` is another site.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pms.server import runtime

__all__ = ["WORKER_FRESH", "health", "routes"]

log = logging.getLogger(__name__)

WORKER_FRESH = timedelta(seconds=90)


def health(rt: runtime.Runtime | None, *, detailed: bool = False) -> dict[str, Any]:
    """The ``/healthz`` document (blocking: call it from a thread); ``detailed`` adds addresses."""
    from pms.db import schema
    from pms.db.engine import reader
    from pms.db.types import utcnow
    from pms.worker import heartbeat

    doc: dict[str, Any] = {
        "status": "degraded",
        "database": False,
        "worker": False,
        "last_successful_sync": None,
    }
    if detailed:
        doc["demo_sandbox"] = rt.demo.base_url if rt is not None and rt.demo is not None else None
    if rt is None:
        return doc
    try:
        log_t = schema.cloudbed_sync_log
        with reader(rt.engine).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            last = conn.execute(
                sa.select(sa.func.max(log_t.c.finished_at)).where(log_t.c.status == "completed")
            ).scalar()
        doc["database"] = True
        doc["last_successful_sync"] = last.isoformat() if last is not None else None
        if rt.worker is not None:
            doc["worker"] = rt.worker.is_alive()
        else:
            beat = heartbeat.last_beat(rt.engine)
            doc["worker"] = beat is not None and utcnow() - beat[1] <= WORKER_FRESH
    except sa.exc.SQLAlchemyError as exc:
        log.warning("healthz: database check failed: %s", type(exc).__name__)
        if rt.worker is not None:
            doc["worker"] = rt.worker.is_alive()
    doc["status"] = "ok" if doc["database"] and doc["worker"] else "degraded"
    return doc


def _manager(rt: runtime.Runtime | None, request: Request) -> bool:
    """Whether the request carries a live session cookie of a manager (blocking)."""
    from pms.accounts import sessions

    cookie = request.cookies.get(sessions.cookie_name())
    if rt is None or not cookie:
        return False
    found = sessions.resume(rt.engine, cookie=cookie, idle=sessions.idle_limit(rt.engine))
    return found is not None and found.user.is_manager


async def healthz(request: Request) -> Response:
    rt = runtime.current()
    detailed = await run_in_threadpool(_manager, rt, request)
    doc = await run_in_threadpool(lambda: health(rt, detailed=detailed))
    return JSONResponse(
        doc, status_code=200 if doc["status"] == "ok" else 503, headers={"Cache-Control": "no-store"}
    )


def _bind_cookie(request: Request) -> dict[str, Any]:
    from pms.connection.oauth import BIND_COOKIE, CALLBACK_PATH

    # Lax, not Strict: it must come back with Cloudbeds' redirect (a top-level GET from its site).
    return {
        "key": BIND_COOKIE,
        "path": CALLBACK_PATH,
        "httponly": True,
        "samesite": "lax",
        "secure": request.url.scheme == "https",
    }


async def oauth_bind(request: Request) -> Response:
    """Bind the connect in progress to this browser (the Connection page posts the binding)."""
    from pms.connection.oauth import STATE_TTL, binding_matches

    rt = runtime.current()
    try:
        body = await request.json()
    except ValueError:
        body = None
    binding = body.get("binding") if isinstance(body, dict) else None
    if not isinstance(binding, str) or len(binding) > 100:
        binding = None
    ok = (
        rt is not None
        and _same_site(request)
        and await run_in_threadpool(lambda: binding_matches(rt.engine, binding))
    )
    if not ok:
        return JSONResponse({"ok": False}, status_code=403, headers={"Cache-Control": "no-store"})
    response = JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})
    response.set_cookie(value=binding, max_age=int(STATE_TTL.total_seconds()), **_bind_cookie(request))
    return response


async def oauth_callback(request: Request) -> Response:
    from pms.connection.oauth import BIND_COOKIE, ConnectOutcome, complete_connect, return_url

    rt = runtime.current()
    if rt is None:
        outcome = ConnectOutcome(
            False, "The server is still starting; try the connect again.", code="starting"
        )
    else:
        q = request.query_params
        browser = request.cookies.get(BIND_COOKIE)
        outcome = await run_in_threadpool(
            lambda: complete_connect(
                rt.engine, state=q.get("state"), code=q.get("code"), error=q.get("error"), browser=browser
            )
        )
        if outcome.ok:
            rt.receiver.properties.invalidate()
    response = RedirectResponse(return_url(outcome), status_code=303, headers={"Cache-Control": "no-store"})
    if outcome.ok or outcome.code not in ("mismatch", "no_connect"):
        response.delete_cookie(**_bind_cookie(request))  # spent with the connect
    return response


def _same_site(request: Request) -> bool:
    """A browser's POST from a page of this server (or a client that sends no ``Origin``)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == (request.headers.get("host") or "").lower()


def _cookie_attributes(request: Request) -> dict[str, Any]:
    from pms.accounts import sessions

    return {
        "key": sessions.cookie_name(),
        "path": "/",
        "httponly": True,
        "samesite": "strict",
        "secure": request.url.scheme == "https",  # behind TLS (uvicorn applies X-Forwarded-Proto)
    }


async def session_cookie(request: Request) -> Response:
    """The session cookie for a ticket a login in this dashboard just made."""
    from pms.accounts import sessions

    rt = runtime.current()
    if rt is None or not _same_site(request):
        return JSONResponse({"ok": False}, status_code=403, headers={"Cache-Control": "no-store"})
    try:
        body = await request.json()
    except ValueError:
        body = None
    ticket = body.get("ticket") if isinstance(body, dict) else None
    value = await run_in_threadpool(
        sessions.claim_ticket, rt.engine, ticket if isinstance(ticket, str) else None
    )
    if value is None:
        return JSONResponse({"ok": False}, status_code=403, headers={"Cache-Control": "no-store"})
    response = JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        value=value, max_age=int(sessions.SESSION_LIFETIME.total_seconds()), **_cookie_attributes(request)
    )
    return response


async def session_logout(request: Request) -> Response:
    """End the session the cookie names and clear the cookie."""
    from pms.accounts import sessions

    rt = runtime.current()
    if not _same_site(request):
        return JSONResponse({"ok": False}, status_code=403, headers={"Cache-Control": "no-store"})
    cookie = request.cookies.get(sessions.cookie_name())
    if rt is not None and cookie:
        await run_in_threadpool(lambda: sessions.close_session(rt.engine, cookie=cookie))
    response = JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})
    response.delete_cookie(**_cookie_attributes(request))
    return response


def _receiver():
    rt = runtime.current()
    return rt.receiver if rt is not None else None


def routes() -> list[Route]:
    from pms.connection.oauth import BIND_PATH, CALLBACK_PATH
    from pms.webhooks.receiver import webhook_endpoint

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/session/cookie", session_cookie, methods=["POST"]),
        Route("/session/logout", session_logout, methods=["POST"]),
        Route(CALLBACK_PATH, oauth_callback, methods=["GET"]),
        Route(BIND_PATH, oauth_bind, methods=["POST"]),
        Route("/webhooks/cloudbeds/{token}", webhook_endpoint(_receiver), methods=["POST"]),
    ]
