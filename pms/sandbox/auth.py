"""Credentials the sandbox accepts: API keys, and OAuth 2 codes, access and refresh tokens.

Cloudbeds answers a bad or expired credential with HTTP 401 and an OAuth-style body *without* a
``success`` key (``{"error": "access_denied", "message": ...}``), and a stale authorization code on
``/access_token`` with ``{"error": "server_error", "error_description": ...}``; both are reproduced
exactly (API.md §4). Codes live 10 minutes and work once; access tokens live ``token_ttl`` seconds;
refresh tokens do not expire, and whether a refresh retires the one used is the ``refresh_tokens``
reading (``rotate``: a new one each time, a used one is refused; ``reuse``: the same one comes
back). Secrets are never logged or put in reprs.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pms.sandbox.clock import SandboxClock

__all__ = ["ALL_SCOPES", "AuthFailure", "AuthRegistry", "Credential", "TokenError"]

ALL_SCOPES = frozenset(
    f"{verb}:{thing}"
    for verb, things in {
        "read": (
            "allotmentBlock",
            "appPropertySettings",
            "communication",
            "currency",
            "customFields",
            "dashboard",
            "group",
            "guest",
            "hotel",
            "houseAccount",
            "housekeeping",
            "item",
            "package",
            "payment",
            "rate",
            "reservation",
            "room",
            "roomblock",
            "taxesAndFees",
            "user",
        ),
        "write": (
            "adjustment",
            "allotmentBlock",
            "appError",
            "appPropertySettings",
            "communication",
            "customFields",
            "group",
            "guest",
            "hotel",
            "houseAccount",
            "housekeeping",
            "item",
            "payment",
            "rate",
            "reservation",
            "room",
            "roomblock",
        ),
        "delete": ("adjustment", "appPropertySettings", "roomblock"),
    }.items()
    for thing in things
)
ACCESS_DENIED = "The resource owner or authorization server denied the request."
CODE_TTL = timedelta(minutes=10)
API_KEY_GRANT = "urn:ietf:params:oauth:grant-type:api-key"


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


@dataclass
class Credential:
    """One usable credential. ``rate_key`` is what the limiter counts against (per client ID)."""

    kind: str  # "api_key" | "oauth"
    secret: str = field(repr=False)
    client_id: str
    scopes: frozenset[str]
    label: str
    expires_at: datetime | None = None
    revoked: bool = False

    @property
    def rate_key(self) -> str:
        return f"key:{_fingerprint(self.secret)}" if self.kind == "api_key" else f"client:{self.client_id}"

    @property
    def owner_id(self) -> str:
        """Who owns subscriptions and rate jobs made with this credential."""
        return self.rate_key


class AuthFailure(Exception):
    """A data call without a usable credential: HTTP 401 with Cloudbeds' OAuth-style body."""

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.body = {"error": "access_denied", "message": ACCESS_DENIED, "hint": hint}


class TokenError(Exception):
    """``/access_token`` refused: carries the HTTP status and the OAuth-style body."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.body = {"error": error, "error_description": description}


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    expires_at: datetime
    used: bool = False


class AuthRegistry:
    """Issues and checks credentials for the single demo property."""

    def __init__(
        self,
        clock: SandboxClock,
        property_id: str,
        api_key: str,
        client_id: str,
        client_secret: str,
        token_ttl: int,
        readings: dict[str, str] | None = None,
    ) -> None:
        self.clock = clock
        self.readings = readings if readings is not None else {}
        self.refreshes = 0  # refresh grants answered (what tests of "one refresh at a time" count)
        self.property_id = property_id
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_ttl = token_ttl
        self._lock = threading.Lock()
        self.api_keys: dict[str, Credential] = {}
        self.tokens: dict[str, Credential] = {}
        self._refresh: dict[str, frozenset[str]] = {}
        self._codes: dict[str, _Code] = {}
        self.main_key = self.add_api_key(ALL_SCOPES, label="main", key=api_key)

    # --- data calls -----------------------------------------------------------------------------

    def authenticate(self, api_key: str | None, authorization: str | None) -> Credential:
        """The credential behind the request headers, or ``AuthFailure``.

        ``x-api-key`` wins when both headers are sent (the official SDK can send both); an API key
        sent as ``Authorization: Bearer`` is accepted too, as integrators report Cloudbeds does.
        """
        secret = (api_key or "").strip()
        if not secret and authorization:
            scheme, _, value = authorization.strip().partition(" ")
            if scheme.lower() == "bearer":
                secret = value.strip()
        if not secret:
            raise AuthFailure('Missing "x-api-key" or "Authorization: Bearer" header')
        with self._lock:
            cred = self.api_keys.get(secret) or self.tokens.get(secret)
        if cred is None:
            raise AuthFailure("Access token could not be verified")
        if cred.revoked:
            raise AuthFailure("Access token has been revoked")
        if cred.expires_at is not None and self.clock.now() >= cred.expires_at:
            raise AuthFailure("Access token has expired")
        return cred

    def add_api_key(
        self, scopes: frozenset[str] | set[str], label: str, key: str | None = None
    ) -> Credential:
        unknown = set(scopes) - ALL_SCOPES
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
        secret = key or "cbat_" + secrets.token_hex(16)
        cred = Credential("api_key", secret, self.client_id, frozenset(scopes), label)
        with self._lock:
            self.api_keys[secret] = cred
        return cred

    def revoke(self, cred: Credential) -> None:
        with self._lock:
            cred.revoked = True

    def expire_tokens(self) -> int:
        """Make every OAuth access token expired now; returns how many were live."""
        now = self.clock.now()
        count = 0
        with self._lock:
            for cred in self.tokens.values():
                if cred.expires_at and cred.expires_at > now:
                    cred.expires_at = now
                    count += 1
        return count

    # --- OAuth ----------------------------------------------------------------------------------

    def authorize(self, client_id: str | None, redirect_uri: str | None, scope: str | None) -> str:
        """Approve a consent at once (there is no user to ask) and return a one-time code."""
        if client_id != self.client_id:
            raise TokenError(400, "invalid_client", "Unknown client_id")
        if not redirect_uri:
            raise TokenError(400, "invalid_request", "redirect_uri is required")
        requested = frozenset((scope or "").replace(",", " ").split()) or ALL_SCOPES
        unknown = requested - ALL_SCOPES
        if unknown:
            raise TokenError(400, "invalid_scope", f"Unknown scope: {sorted(unknown)[0]}")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(client_id, redirect_uri, requested, self.clock.now() + CODE_TTL)
        return code

    def grant(self, form: dict[str, Any]) -> dict[str, Any]:
        """Answer ``POST /access_token`` (authorization_code, refresh_token and api-key grants)."""
        grant_type = form.get("grant_type")
        if grant_type not in ("authorization_code", "refresh_token", API_KEY_GRANT):
            raise TokenError(400, "unsupported_grant_type", "The authorization grant type is not supported.")
        if form.get("client_id") != self.client_id or not secrets.compare_digest(
            str(form.get("client_secret") or ""), self._client_secret
        ):
            raise TokenError(401, "invalid_client", "Client authentication failed")
        if grant_type == "refresh_token":
            used = str(form.get("refresh_token") or "")
            rotate = self.readings.get("refresh_tokens", "rotate") == "rotate"
            with self._lock:
                scopes = self._refresh.pop(used, None) if rotate else self._refresh.get(used)
                if scopes is not None:
                    self.refreshes += 1
            if scopes is None:
                raise TokenError(401, "invalid_grant", "The refresh token is invalid or has been revoked.")
            return self._issue(scopes, refresh_token=None if rotate else used)
        scopes = self._redeem(form)
        if grant_type == API_KEY_GRANT:
            cred = self.add_api_key(scopes, label="oauth-delivered")
            return {
                "access_token": cred.secret,
                "token_type": "Bearer",
                "expires_in": 30 * 86400,
                "refresh_token": "",
                "resources": self._resources(),
            }
        return self._issue(scopes, refresh_token=None)

    def _redeem(self, form: dict[str, Any]) -> frozenset[str]:
        for name in ("code", "redirect_uri"):
            if not form.get(name):
                raise TokenError(400, "invalid_request", f"The request is missing the {name} parameter.")
        with self._lock:
            code = self._codes.get(str(form["code"]))
            if (
                code is None
                or code.used
                or self.clock.now() >= code.expires_at
                or code.redirect_uri != form["redirect_uri"]
            ):
                raise TokenError(401, "server_error", "The authorization code is invalid or has expired.")
            code.used = True
            return code.scopes

    def _issue(self, scopes: frozenset[str], refresh_token: str | None) -> dict[str, Any]:
        access = secrets.token_urlsafe(32)
        refresh = refresh_token or "rf_" + secrets.token_urlsafe(24)
        cred = Credential(
            "oauth",
            access,
            self.client_id,
            scopes,
            "oauth",
            expires_at=self.clock.now() + timedelta(seconds=self.token_ttl),
        )
        with self._lock:
            self.tokens[access] = cred
            self._refresh[refresh] = scopes
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.token_ttl),
            "refresh_token": refresh,
            "resources": self._resources(),
        }

    def _resources(self) -> list[dict[str, str]]:
        return [{"type": "property", "id": self.property_id}]

    def summary(self) -> dict[str, Any]:
        """Counts for ``/_sandbox/state`` (never the secrets themselves)."""
        now = self.clock.now()
        with self._lock:
            live = sum(
                1 for c in self.tokens.values() if not c.revoked and c.expires_at and c.expires_at > now
            )
            return {
                "api_keys": len(self.api_keys),
                "access_tokens": len(self.tokens),
                "live_access_tokens": live,
                "refreshes": self.refreshes,
            }
