"""The host check: requests must name this server, so a DNS-rebinding page gets nowhere.

A web page on another site can point its own domain at 127.0.0.1 and then talk to a dashboard
running on the operator's machine as if it were same-origin; the one thing it cannot fake is the
``Host`` header, which names the attacker's domain. The server therefore answers only the names it
is known by: loopback, the host of ``PMS_PUBLIC_URL`` and ``PMS_ALLOWED_HOSTS`` (``pms.config``),
and the ``cloudbed_public_url`` setting read at start-up.

Two guards use the same list: Streamlit's own ``server.allowedHosts`` for the dashboard's
WebSocket (``server.py`` sets it), and ``HostCheck`` here for every plain HTTP request (pages,
webhooks, the OAuth callback, ``/healthz``), which answers ``400`` to any other name.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from pms.config import allowed_hosts

__all__ = ["HostCheck", "add_public_url", "allowed", "host_allowed"]

log = logging.getLogger(__name__)

_extra: list[str] = []


def allowed() -> list[str]:
    """Every host name this server answers to (patterns like ``*.example.com`` allowed)."""
    return list(dict.fromkeys([*allowed_hosts(), *_extra]))


def add_public_url(url: str | None) -> None:
    """Also answer to the host of ``url`` (the public address a manager set in the dashboard)."""
    host = urlsplit(url or "").hostname
    if host and host.lower() not in _extra:
        _extra.append(host.lower())


def host_allowed(host: str | None, patterns: list[str]) -> bool:
    """Whether a ``Host`` header (port ignored) matches one of ``patterns``."""
    if not host:
        return False
    try:
        parts = urlsplit(f"//{host}")
        name = parts.hostname
        _ = parts.port  # a malformed port is a malformed header
    except ValueError:
        return False
    if not name or parts.username or parts.password or parts.path or parts.query:
        return False
    name = name.lower().rstrip(".")
    for raw in patterns:
        pattern = raw.strip().lower().rstrip(".")
        if pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


class HostCheck:
    """ASGI middleware: plain HTTP requests naming another host get ``400 Invalid host``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if not host_allowed(host, allowed()):
                # Debug, not warning: the value is the caller's, and a warning per request would
                # let anyone fill the log.
                log.debug("refused a request for host %r", host[:100])
                await PlainTextResponse("Invalid host", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)
