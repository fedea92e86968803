"""Cloudbeds' token endpoint: the consent link, and the three grants a client or callback makes.

``build_authorize_url`` makes the link that sends a manager to Cloudbeds' consent page; the
callback then trades the code it gets with ``exchange_code`` (the authorization-code grant:
access and refresh tokens) or ``deliver_api_key`` (the documented "automatic delivery" api-key
grant: a property API key and the consented properties); ``refresh_tokens`` renews tokens.
These are module functions because the OAuth callback route has a code but no client yet;
``OAuthAuth`` (``auth``) calls ``refresh_tokens`` when its tokens are due. Every secret they see
is handed to the transport's redactor, and none shows in a repr.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from pms.cloudbeds.encoding import encode_params
from pms.cloudbeds.errors import error_for_exception, error_for_response
from pms.cloudbeds.hooks import CallHook
from pms.cloudbeds.redaction import mask, register_secret
from pms.cloudbeds.retry import RetryPolicy, parse_retry_after
from pms.cloudbeds.tokens import TokenSet
from pms.cloudbeds.transport import Transport
from pms.errors import AuthenticationError, CloudbedsError, ConfigurationError, RateLimitError

__all__ = [
    "API_KEY_GRANT",
    "AUTHORIZE_URL",
    "DeliveredKey",
    "OAuthApp",
    "build_authorize_url",
    "check_header_value",
    "deliver_api_key",
    "exchange_api_key",
    "exchange_code",
    "refresh_tokens",
    "utcnow",
]

AUTHORIZE_URL = "https://hotels.cloudbeds.com/api/v1.1/oauth"
API_KEY_GRANT = "urn:ietf:params:oauth:grant-type:api-key"
Now = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def check_header_value(value: str, what: str, key: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ConfigurationError(f"The Cloudbeds {what} is empty: enter it on the Connection page.", key=key)
    if any(c in value for c in "\r\n\0 "):
        raise ConfigurationError(
            f"The Cloudbeds {what} contains spaces or line breaks: paste it again.", key=key
        )
    return value


@dataclass(frozen=True)
class OAuthApp:
    """The app registered with Cloudbeds: client id, client secret, and the redirect URI."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str | None = None

    def __post_init__(self) -> None:
        check_header_value(self.client_id, "client ID", "cloudbed_client_id")
        check_header_value(self.client_secret, "client secret", "cloudbed_client_secret")
        register_secret(self.client_secret)

    def __repr__(self) -> str:
        return (
            f"OAuthApp(client_id={self.client_id!r}, client_secret={mask(self.client_secret)!r}, "
            f"redirect_uri={self.redirect_uri!r})"
        )

    __str__ = __repr__


def build_authorize_url(
    app: OAuthApp, scopes: Iterable[str], state: str, *, base: str = AUTHORIZE_URL
) -> str:
    """The link that sends a manager to Cloudbeds' consent page.

    Args:
        app: the registered app (its ``redirect_uri`` is required here).
        scopes: e.g. ``pms.cloudbeds.endpoints.DEFAULT_SCOPES``; sent space-separated.
        state: an unguessable value the callback must get back (CSRF protection).
        base: the authorize endpoint (the sandbox serves its own).
    """
    if not app.redirect_uri:
        raise ConfigurationError("The OAuth redirect URI is not set.", key="cloudbed_redirect_uri")
    if not state:
        raise ValueError("state must be a non-empty, unguessable value")
    query = urlencode(
        {
            "client_id": app.client_id,
            "redirect_uri": app.redirect_uri,
            "response_type": "code",
            "scope": " ".join(scopes),
            "state": state,
        }
    )
    return f"{base}?{query}"


def _token_set(body: dict[str, Any], now: datetime, previous: TokenSet | None = None) -> TokenSet:
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise AuthenticationError(
            "Cloudbeds answered the token request without a token: connect Cloudbeds "
            "again from the Connection page.",
            endpoint="access_token",
        )
    try:
        lifetime = float(body.get("expires_in") or 3600)
    except (TypeError, ValueError):
        lifetime = 3600.0
    refresh = body.get("refresh_token") or (previous.refresh_token if previous else None)
    resources = tuple(r for r in body.get("resources") or () if isinstance(r, dict))
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=now + timedelta(seconds=lifetime),
        token_type=str(body.get("token_type") or "Bearer"),
        resources=resources or (previous.resources if previous else ()),
    )


def _grant(
    transport: Transport,
    base_url: str,
    form: dict[str, Any],
    *,
    retry_unknown: bool,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    before: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """POST /access_token with retries: 429 always; 5xx/timeouts only when ``retry_unknown``.

    An authorization code works once, so a code exchange whose outcome is unknown is not repeated.
    """
    policy = policy or RetryPolicy()
    for secret in (form.get("client_secret"), form.get("code"), form.get("refresh_token")):
        transport.redactor.add(secret)
    url = f"{base_url.rstrip('/')}/access_token"
    pairs = encode_params(form)
    attempt = 0
    while True:
        attempt += 1
        if before is not None:
            before()
        out = transport.send("POST", url, "access_token", pairs, {}, attempt=attempt)
        last = attempt >= policy.max_attempts
        if out.status is None:
            if retry_unknown and not last:
                sleep(policy.backoff(attempt))
                continue
            raise error_for_exception(
                out.exception,
                endpoint="access_token",
                host=url.split("/")[2],
                timeout=transport.timeout,
                attempts=attempt,
            )
        if out.status == 429 and not last:
            wait = parse_retry_after(out.retry_after)
            if wait is not None and wait > policy.max_retry_after:
                raise error_for_response(
                    429,
                    out.body,
                    endpoint="access_token",
                    request_id=out.request_id,
                    retry_after=wait,
                    redact=transport.redactor.text,
                )
            sleep(policy.delay(attempt, wait))
            continue
        if out.status >= 500 and retry_unknown and not last:
            sleep(policy.backoff(attempt))
            continue
        if 200 <= out.status < 300 and isinstance(out.body, dict) and out.body.get("access_token"):
            transport.redactor.add(out.body.get("access_token"), out.body.get("refresh_token"))
            return out.body
        raise error_for_response(
            out.status,
            out.body,
            endpoint="access_token",
            request_id=out.request_id,
            auth_kind="none",
            malformed=out.malformed,
            attempts=attempt,
            redact=transport.redactor.text,
        )


@contextmanager
def _transport(transport: Transport | None, on_call: CallHook | None, timeout: float) -> Iterator[Transport]:
    """The caller's transport, or a short-lived one that is closed afterwards."""
    if transport is not None:
        yield transport
        return
    own = Transport(timeout=timeout, on_call=on_call)
    try:
        yield own
    finally:
        own.close()


def exchange_code(
    base_url: str,
    app: OAuthApp,
    code: str,
    *,
    transport: Transport | None = None,
    on_call: CallHook | None = None,
    timeout: float = 30.0,
    now: Now = utcnow,
) -> TokenSet:
    """Trade the authorization code from the OAuth callback for tokens (the code works once)."""
    if not app.redirect_uri:
        raise ConfigurationError("The OAuth redirect URI is not set.", key="cloudbed_redirect_uri")
    with _transport(transport, on_call, timeout) as t:
        body = _grant(
            t,
            base_url,
            {
                "grant_type": "authorization_code",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": app.redirect_uri,
                "code": code,
            },
            retry_unknown=False,
        )
    return _token_set(body, now())


@dataclass(frozen=True)
class DeliveredKey:
    """What the api-key grant returns: the property's API key and the properties it covers."""

    api_key: str = field(repr=False)
    resources: tuple[dict, ...] = ()

    def __repr__(self) -> str:
        return f"DeliveredKey(api_key={mask(self.api_key)}, resources={self.resources!r})"

    __str__ = __repr__


def deliver_api_key(
    base_url: str,
    app: OAuthApp,
    code: str,
    *,
    transport: Transport | None = None,
    on_call: CallHook | None = None,
    timeout: float = 30.0,
) -> DeliveredKey:
    """Trade an authorization code for a property API key (Cloudbeds' documented "automatic
    delivery" grant, ``urn:ietf:params:oauth:grant-type:api-key``), with the consented properties."""
    if not app.redirect_uri:
        raise ConfigurationError("The OAuth redirect URI is not set.", key="cloudbed_redirect_uri")
    with _transport(transport, on_call, timeout) as t:
        body = _grant(
            t,
            base_url,
            {
                "grant_type": API_KEY_GRANT,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": app.redirect_uri,
                "code": code,
            },
            retry_unknown=False,
        )
    resources = tuple(r for r in body.get("resources") or () if isinstance(r, dict))
    key = str(body["access_token"])
    register_secret(key)
    return DeliveredKey(key, resources)


def exchange_api_key(
    base_url: str,
    app: OAuthApp,
    code: str,
    *,
    transport: Transport | None = None,
    on_call: CallHook | None = None,
    timeout: float = 30.0,
) -> str:
    """Trade an authorization code for a property API key (``deliver_api_key``, the key alone)."""
    if not app.redirect_uri:
        raise ConfigurationError("The OAuth redirect URI is not set.", key="cloudbed_redirect_uri")
    with _transport(transport, on_call, timeout) as t:
        body = _grant(
            t,
            base_url,
            {
                "grant_type": API_KEY_GRANT,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": app.redirect_uri,
                "code": code,
            },
            retry_unknown=False,
        )
    return str(body["access_token"])


def refresh_tokens(
    base_url: str,
    app: OAuthApp,
    tokens: TokenSet,
    *,
    transport: Transport | None = None,
    on_call: CallHook | None = None,
    timeout: float = 30.0,
    now: Now = utcnow,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    before: Callable[[], None] | None = None,
) -> TokenSet:
    """Renew an access token with the refresh token; raises AuthenticationError when refused."""
    if not tokens.refresh_token:
        raise AuthenticationError(
            "The Cloudbeds connection has no refresh token, so it cannot be renewed: "
            "reconnect Cloudbeds from the Connection page.",
            endpoint="access_token",
        )
    try:
        with _transport(transport, on_call, timeout) as t:
            body = _grant(
                t,
                base_url,
                {
                    "grant_type": "refresh_token",
                    "client_id": app.client_id,
                    "client_secret": app.client_secret,
                    "refresh_token": tokens.refresh_token,
                },
                retry_unknown=True,
                policy=policy,
                sleep=sleep,
                before=before,
            )
    except RateLimitError:
        raise
    except CloudbedsError as exc:
        if exc.status in (400, 401, 403):
            raise AuthenticationError(
                "Cloudbeds refused to renew the access token: the connection was revoked or has expired. "
                "Reconnect Cloudbeds from the Connection page.",
                status=exc.status,
                request_id=exc.request_id,
                endpoint="access_token",
            ) from None
        raise
    return _token_set(body, now(), previous=tokens)
