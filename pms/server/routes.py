"""The server's own routes beside the dashboard: webhooks, the OAuth callback and ``/healthz``.

Thin adapters from HTTP to ``pms`` functions; the running pieces come from ``pms.server.runtime``.

``GET /healthz`` answers ``{"status", "database", "worker", "last_successful_sync", "demo_sandbox"}``
with HTTP 200 when everything is up and 503 when degraded (the database is unreachable, or no
worker is alive: the in-process thread, or a heartbeat from an external worker within
``WORKER_FRESH``), so a load balancer or a container health check can act on the status code alone.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pms.server import runtime

__all__ = ["WORKER_FRESH", "health", "routes"]

log = logging.getLogger(__name__)

WORKER_FRESH = timedelta(seconds=90)


def health(rt: runtime.Runtime | None) -> dict[str, Any]:
    """The ``/healthz`` document (blocking: call it from a thread)."""
    from pms.db import schema
    from pms.db.engine import reader
    from pms.db.types import utcnow
    from pms.worker import heartbeat

    doc: dict[str, Any] = {
        "status": "degraded",
        "database": False,
        "worker": False,
        "last_successful_sync": None,
        "demo_sandbox": None,
    }
    if rt is None:
        return doc
    doc["demo_sandbox"] = rt.demo.base_url if rt.demo is not None else None
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


async def healthz(request: Request) -> Response:
    doc = await run_in_threadpool(health, runtime.current())
    return JSONResponse(
        doc, status_code=200 if doc["status"] == "ok" else 503, headers={"Cache-Control": "no-store"}
    )


async def oauth_callback(request: Request) -> Response:
    from pms.connection.oauth import ConnectOutcome, complete_connect, return_url

    rt = runtime.current()
    if rt is None:
        outcome = ConnectOutcome(False, "The server is still starting; try the connect again.")
    else:
        q = request.query_params
        outcome = await run_in_threadpool(
            lambda: complete_connect(
                rt.engine, state=q.get("state"), code=q.get("code"), error=q.get("error")
            )
        )
        if outcome.ok:
            rt.receiver.properties.invalidate()
    return RedirectResponse(return_url(outcome), status_code=303, headers={"Cache-Control": "no-store"})


def _receiver():
    rt = runtime.current()
    return rt.receiver if rt is not None else None


def routes() -> list[Route]:
    from pms.connection.oauth import CALLBACK_PATH
    from pms.webhooks.receiver import webhook_endpoint

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route(CALLBACK_PATH, oauth_callback, methods=["GET"]),
        Route("/webhooks/cloudbeds/{token}", webhook_endpoint(_receiver), methods=["POST"]),
    ]
