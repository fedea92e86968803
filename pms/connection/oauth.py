"""Connecting Cloudbeds through OAuth: start on the dashboard, finish in the callback route.

``start_connect`` is called by the Connection page: it makes an unguessable ``state``, keeps it
server-side (encrypted, in the ``cloudbed_oauth_state`` setting, with an expiry and the page to
return to) and returns Cloudbeds' consent link. Cloudbeds then sends the browser to
``GET /oauth/cloudbeds/callback?code=...&state=...``; ``complete_connect`` checks the state
(constant time, unexpired, used once), trades the code for tokens, stores them encrypted through
``CredentialStore`` and says where to send the manager back to.

Keeping the state in the database rather than in the browser session means the callback works
whichever dashboard replica receives it, and a forged callback (no or wrong state) changes nothing.
A connect started from the dashboard (``start_browser_connect``) is also bound to the browser that
started it: the page hands the server's ``/oauth/cloudbeds/bind`` route a one-time binding, which
becomes an ``HttpOnly`` cookie (``SameSite=Lax``, so it comes back with Cloudbeds' redirect), and
the callback completes only with that cookie. Outcomes travel back to the page as fixed codes
(``?oauth=error&reason=expired``), never as text a link could carry.

Two grants finish a connect (the ``cloudbed_oauth_grant`` setting, chosen when it starts):
``tokens`` (the authorization-code grant: access and refresh tokens, renewed by the client) and
``api_key`` (Cloudbeds' documented "automatic delivery" grant, which trades the same code for a
property API key; the connection then runs on that key, which never needs renewing).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from pms.cloudbeds import DEFAULT_SCOPES, OAuthApp, build_authorize_url, deliver_api_key, exchange_code
from pms.cloudbeds.auth import AUTHORIZE_URL
from pms.config import server_port
from pms.db.credentials import CredentialStore, consented_properties
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.errors import CloudbedsError, ConfigurationError

__all__ = [
    "BIND_COOKIE",
    "BIND_PATH",
    "CALLBACK_PATH",
    "GRANTS",
    "REASONS",
    "STATE_TTL",
    "ConnectOutcome",
    "authorize_base",
    "binding_matches",
    "complete_connect",
    "pending_connect",
    "public_base_url",
    "redirect_uri",
    "return_url",
    "start_browser_connect",
    "start_connect",
]

log = logging.getLogger(__name__)

CALLBACK_PATH = "/oauth/cloudbeds/callback"
BIND_PATH = "/oauth/cloudbeds/bind"
BIND_COOKIE = "pms_oauth_browser"
# The only outcomes the Connection page is told about (``?oauth=error&reason=<code>``).
REASONS = ("no_connect", "mismatch", "other_browser", "expired", "denied", "no_code", "failed", "starting")
STATE_TTL = timedelta(minutes=10)  # Cloudbeds' codes live 10 minutes too
GRANTS = ("tokens", "api_key")
_KEY = "cloudbed_oauth_state"


def public_base_url(engine: sa.Engine, explicit: str | None = None) -> str:
    """Where browsers and Cloudbeds reach this server: ``explicit``, else the ``cloudbed_public_url``
    setting, else this machine's loopback address on the serving port."""
    if explicit:
        return explicit.rstrip("/")
    configured = Settings(engine).public_url
    return (configured or f"http://127.0.0.1:{server_port()}").rstrip("/")


def redirect_uri(public_url: str) -> str:
    return f"{public_url.rstrip('/')}{CALLBACK_PATH}"


def authorize_base(api_base: str) -> str:
    """Cloudbeds' consent page for its own API hosts; ``<api_base>/oauth`` for anything else (the
    sandbox serves an auto-approving one there)."""
    host = (urlsplit(api_base).hostname or "").lower()
    if host == "cloudbeds.com" or host.endswith(".cloudbeds.com"):
        return AUTHORIZE_URL
    return f"{api_base.rstrip('/')}/oauth"


def _safe_return_path(path: str | None) -> str:
    """Only paths on this server: an absolute or protocol-relative URL would be an open redirect."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in path):
        return "/"
    return path[:500]


def _app(engine: sa.Engine, redirect: str) -> tuple[OAuthApp, str]:
    creds = CredentialStore(engine).load()
    if creds is None or creds.auth_method != "oauth" or not creds.client_id or not creds.client_secret:
        raise ConfigurationError(
            "Save the Cloudbeds app's Client ID and Client Secret first, then connect.",
            key="cloudbed_client_id",
        )
    return OAuthApp(creds.client_id, creds.client_secret, redirect_uri=redirect), creds.api_base


def start_connect(
    engine: sa.Engine,
    *,
    public_url: str | None = None,
    return_to: str = "/",
    scopes: Iterable[str] = DEFAULT_SCOPES,
    now: datetime | None = None,
    grant: str | None = None,
) -> str:
    """Begin the OAuth connect; returns the link to open in the manager's browser.

    Args:
        public_url: this server's address as the browser sees it (default: ``public_base_url``).
        return_to: the dashboard path to come back to (e.g. ``/connection``).
        grant: ``tokens`` or ``api_key`` (default: the ``cloudbed_oauth_grant`` setting).

    Raises:
        ConfigurationError: no OAuth app (client id and secret) is stored, or an unknown grant.
    """
    return _start(engine, public_url, return_to, scopes, now, None, grant)


def start_browser_connect(
    engine: sa.Engine,
    *,
    public_url: str | None = None,
    return_to: str = "/",
    scopes: Iterable[str] = DEFAULT_SCOPES,
    now: datetime | None = None,
    grant: str | None = None,
) -> tuple[str, str]:
    """``start_connect`` for the dashboard: (consent link, browser binding).

    The page hands the binding to ``BIND_PATH``, which sets it as the browser's ``BIND_COOKIE``;
    the callback then completes only in that browser.
    """
    binding = secrets.token_urlsafe(32)
    return _start(engine, public_url, return_to, scopes, now, binding, grant), binding


def _start(engine, public_url, return_to, scopes, now, binding: str | None, grant: str | None) -> str:
    now = now or utcnow()
    settings = Settings(engine)
    grant = grant or settings.get("cloudbed_oauth_grant")
    if grant not in GRANTS:
        raise ConfigurationError(
            f"The OAuth grant must be one of {', '.join(GRANTS)}, got {grant!r}.", key="cloudbed_oauth_grant"
        )
    redirect = redirect_uri(public_base_url(engine, public_url))
    app, api_base = _app(engine, redirect)
    state = secrets.token_urlsafe(32)
    pending = {
        "state": state,
        "expires_at": (now + STATE_TTL).isoformat(),
        "return_to": _safe_return_path(return_to),
        "redirect_uri": redirect,
        "grant": grant,
    }
    if binding:
        pending["browser"] = hashlib.sha256(binding.encode()).hexdigest()
    settings.set(_KEY, json.dumps(pending))
    return build_authorize_url(app, scopes, state, base=authorize_base(api_base))


def _pending(engine: sa.Engine) -> dict | None:
    raw = Settings(engine).secret(_KEY)
    try:
        pending = json.loads(raw) if raw else None
    except ValueError:
        return None
    return pending if isinstance(pending, dict) and isinstance(pending.get("state"), str) else None


def binding_matches(engine: sa.Engine, binding: str | None) -> bool:
    """Whether ``binding`` is the one of the connect in progress (the bind route checks it)."""
    pending = _pending(engine)
    if not binding or not pending or not isinstance(pending.get("browser"), str):
        return False
    given = hashlib.sha256(binding.encode("utf-8", "replace")).hexdigest()
    return hmac.compare_digest(given, pending["browser"])


def pending_connect(engine: sa.Engine) -> dict | None:
    """The connect in progress (``expires_at``, ``return_to``, ``redirect_uri``), without its state."""
    raw = Settings(engine).secret(_KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return {k: data.get(k) for k in ("expires_at", "return_to", "redirect_uri", "grant")}


@dataclass(frozen=True)
class ConnectOutcome:
    """``code`` is ``connected`` or one of ``REASONS``; ``message`` is for logs and the CLI."""

    ok: bool
    message: str
    return_to: str = "/"
    property_id: str | None = None
    code: str = "connected"


def _fail(message: str, return_to: str = "/", code: str = "failed") -> ConnectOutcome:
    log.warning("OAuth connect not completed: %s", message)
    return ConnectOutcome(False, message, return_to, code=code)


def complete_connect(
    engine: sa.Engine,
    *,
    state: str | None,
    code: str | None,
    error: str | None = None,
    now: datetime | None = None,
    on_call=None,
    browser: str | None = None,
) -> ConnectOutcome:
    """Finish the connect from the callback's query parameters; never raises for bad input.

    Args:
        browser: the ``BIND_COOKIE`` the callback request carried; required when the connect was
            started with ``start_browser_connect``.
    """
    now = now or utcnow()
    settings = Settings(engine)
    pending = _pending(engine)
    if not pending:
        return _fail(
            "No Cloudbeds connect is in progress: start it again from the Connection page.", code="no_connect"
        )
    given = (state or "").encode()
    if not state or not hmac.compare_digest(given, pending["state"].encode()):
        # A forged or stale callback: the real connect in progress is left alone.
        return _fail(
            "The answer from Cloudbeds did not match the connect started here; start it again.",
            code="mismatch",
        )
    return_to = _safe_return_path(pending.get("return_to"))
    if isinstance(pending.get("browser"), str) and not binding_matches(engine, browser):
        # The right state in another browser (a link passed on, or a planted callback): left alone.
        return _fail(
            "The connect was started in another browser; finish it there, or start it again here.",
            return_to,
            "other_browser",
        )
    settings.set(_KEY, None)  # one use only, whatever happens next
    try:
        expired = datetime.fromisoformat(pending["expires_at"]) <= now
    except (KeyError, TypeError, ValueError):
        expired = True
    if expired:
        return _fail("The connect took longer than 10 minutes; start it again.", return_to, "expired")
    if error:
        return _fail(f"Cloudbeds did not grant access ({error[:100]}).", return_to, "denied")
    if not code:
        return _fail("Cloudbeds sent no authorization code; start the connect again.", return_to, "no_code")
    grant = pending.get("grant") or "tokens"
    store = CredentialStore(engine)
    try:
        app, api_base = _app(engine, pending["redirect_uri"])
        if grant == "api_key":
            delivered = deliver_api_key(api_base, app, code, on_call=on_call)
            resources = delivered.resources
        else:
            tokens = exchange_code(api_base, app, code, on_call=on_call)
            resources = tokens.resources
    except (ConfigurationError, CloudbedsError) as exc:
        return _fail(str(exc), return_to)
    consented = consented_properties(resources)
    property_id = settings.get("cloudbed_property_id") or (consented[0] if consented else None)
    if grant == "api_key":
        # From now on the connection runs on the delivered key (it never needs renewing).
        store.save_api_key(delivered.api_key, property_id=property_id, api_base=api_base)
    else:
        store.save_tokens(tokens)
    values: dict = {"cloudbed_active": True}
    if property_id:
        values["cloudbed_property_id"] = property_id
    settings.set_many(values)
    log.info("Cloudbeds connected through OAuth (%s grant, property %s)", grant, property_id)
    return ConnectOutcome(True, "Cloudbeds is connected.", return_to, property_id)


def return_url(outcome: ConnectOutcome) -> str:
    """The dashboard address to redirect to, with the outcome in the query (``oauth=connected`` or
    ``oauth=error&reason=<one of REASONS>``): a fixed code the page translates, never free text."""
    reason = outcome.code if outcome.code in REASONS else "failed"
    query = {"oauth": "connected"} if outcome.ok else {"oauth": "error", "reason": reason}
    sep = "&" if "?" in outcome.return_to else "?"
    return f"{outcome.return_to}{sep}{urlencode(query)}"
