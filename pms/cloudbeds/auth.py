"""How the client proves who it is: an API key, or OAuth 2 tokens that it renews itself.

Cloudbeds prefers API keys (long-lived, nothing to renew); OAuth is the alternative for apps a
hotel connects by clicking through a consent page (API.md §5). Both are objects with the same
small interface, so the client's request loop does not care which one it holds:

* ``headers(client)`` gives the auth header for the next attempt (OAuth renews a token that
  expires within ``refresh_margin`` first);
* ``after_401(client, headers)`` is asked once after a 401: OAuth renews and says "retry"; an API
  key has nothing to renew, so the 401 becomes an AuthenticationError at once.

Renewals are serialised per credential: concurrent refreshes with one refresh token can
invalidate each other (a server that rotates refresh tokens refuses the second), so one renews and
the others pick up its result from the store. Within a process a lock per token store does it;
across processes (the dashboard, a worker, the CLI) a token store that offers ``refresh_lock()``
(the database's, a lease) does. Should a refresh still be refused, the store is read again: if
another process has stored newer tokens meanwhile, those are used.

The token calls (authorization code, refresh token, api-key grant) are module functions as well,
for the OAuth callback route, which has a code but no client yet. Secrets in these objects never
show in a repr; every secret they see is handed to the client's redactor.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from pms.cloudbeds.encoding import encode_params
from pms.cloudbeds.errors import error_for_exception, error_for_response
from pms.cloudbeds.hooks import CallHook
from pms.cloudbeds.redaction import mask, register_secret
from pms.cloudbeds.retry import RetryPolicy, parse_retry_after
from pms.cloudbeds.tokens import TokenSet, TokenStore
from pms.cloudbeds.transport import Transport
from pms.errors import AuthenticationError, CloudbedsError, ConfigurationError, RateLimitError

if TYPE_CHECKING:
    from pms.cloudbeds.client import CloudbedsClient

__all__ = [
    "API_KEY_GRANT",
    "AUTHORIZE_URL",
    "ApiKeyAuth",
    "DeliveredKey",
    "OAuthApp",
    "OAuthAuth",
    "build_authorize_url",
    "deliver_api_key",
    "exchange_api_key",
    "exchange_code",
    "refresh_tokens",
]

AUTHORIZE_URL = "https://hotels.cloudbeds.com/api/v1.1/oauth"
API_KEY_GRANT = "urn:ietf:params:oauth:grant-type:api-key"
Now = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _check_header_value(value: str, what: str, key: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ConfigurationError(f"The Cloudbeds {what} is empty: enter it on the Connection page.", key=key)
    if any(c in value for c in "\r\n\0 "):
        raise ConfigurationError(
            f"The Cloudbeds {what} contains spaces or line breaks: paste it again.", key=key
        )
    return value


class ApiKeyAuth:
    """API-key authentication (``x-api-key``); keys start with ``cbat_``."""

    kind = "api_key"

    def __init__(self, api_key: str) -> None:
        self._key = _check_header_value(api_key, "API key", "cloudbed_api_key")
        register_secret(self._key)

    def credential(self) -> str:
        return self._key

    def secrets(self) -> list[str]:
        return [self._key]

    def headers(self, client: CloudbedsClient | None = None) -> dict[str, str]:
        return {"x-api-key": self._key}

    def after_401(self, client: CloudbedsClient, sent: dict[str, str]) -> bool:
        return False  # nothing to renew: the key itself was refused

    def __repr__(self) -> str:
        return f"ApiKeyAuth({mask(self._key)})"

    __str__ = __repr__


@dataclass(frozen=True)
class OAuthApp:
    """The app registered with Cloudbeds: client id, client secret, and the redirect URI."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str | None = None

    def __post_init__(self) -> None:
        _check_header_value(self.client_id, "client ID", "cloudbed_client_id")
        _check_header_value(self.client_secret, "client secret", "cloudbed_client_secret")
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
    now: Now = _utcnow,
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
    now: Now = _utcnow,
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


_store_locks: weakref.WeakKeyDictionary[Any, threading.Lock] = weakref.WeakKeyDictionary()
_store_locks_by_id: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(store: TokenStore) -> threading.Lock:
    """One lock per token store object, so refreshes through it run one at a time."""
    with _locks_guard:
        try:
            lock = _store_locks.get(store)
            if lock is None:
                lock = _store_locks[store] = threading.Lock()
        except TypeError:  # not weak-referenceable: fall back to its id for the process lifetime
            lock = _store_locks_by_id.setdefault(id(store), threading.Lock())
        return lock


class OAuthAuth:
    """OAuth 2 bearer tokens, renewed ahead of expiry and after a 401.

    Args:
        app: the registered app (client id and secret are needed to renew tokens).
        token_store: where tokens are loaded from and saved to (encrypted in the database).
        refresh_margin: renew when the token expires within this many seconds (5 minutes).
        now: wall-clock UTC time, injectable for tests.
    """

    kind = "oauth"

    def __init__(
        self, app: OAuthApp, token_store: TokenStore, *, refresh_margin: float = 300.0, now: Now = _utcnow
    ) -> None:
        self.app = app
        self.store = token_store
        self.refresh_margin = refresh_margin
        self._now = now
        self._cached: TokenSet | None = None
        self.refreshes = 0

    def credential(self) -> str:
        # Cloudbeds counts its rate limit per client ID, so all tokens of one app share a bucket.
        return f"oauth:{self.app.client_id}"

    def secrets(self) -> list[str]:
        tokens = self.store.load_tokens()
        found = [self.app.client_secret]
        if tokens is not None:
            found += [tokens.access_token, tokens.refresh_token or ""]
        return found

    def _load(self) -> TokenSet:
        tokens = self.store.load_tokens()
        if tokens is None:
            raise AuthenticationError(
                "Cloudbeds is not connected yet: connect it (or reconnect it, if it was disconnected) "
                "from the Connection page."
            )
        self._cached = tokens
        return tokens

    def _refresh(self, client: CloudbedsClient, stale: TokenSet) -> TokenSet:
        try:
            new = refresh_tokens(
                client.base_url,
                self.app,
                stale,
                transport=client.transport,
                now=self._now,
                policy=client.retry,
                sleep=client.sleep,
                before=client.limiter.acquire,
            )
        except AuthenticationError:
            # Refused: if another process renewed (and the server retired our refresh token), its
            # tokens are in the store now; use those rather than fail.
            current = self._load()
            if current.refresh_token != stale.refresh_token or current.access_token != stale.access_token:
                client.redactor.add(current.access_token, current.refresh_token)
                return current
            raise
        self.store.save_tokens(new)
        self._cached = new
        self.refreshes += 1
        client.redactor.add(new.access_token, new.refresh_token)
        return new

    @contextmanager
    def _one_renewal(self) -> Iterator[None]:
        """Held while renewing: this process's lock for the store, then the store's own lock
        across processes when it offers one (``refresh_lock``)."""
        with _lock_for(self.store):
            shared = getattr(self.store, "refresh_lock", None)
            if shared is None:
                yield
                return
            with shared():
                yield

    def headers(self, client: CloudbedsClient) -> dict[str, str]:
        """The bearer header; the store is read again only when the token is due for renewal.

        Another process may renew the token in the store meanwhile; if Cloudbeds then refuses
        our copy, ``after_401`` finds the newer one there before renewing itself.
        """
        tokens = self._cached or self._load()
        client.redactor.add(self.app.client_secret, tokens.access_token, tokens.refresh_token)
        if tokens.expires_within(self.refresh_margin, self._now()):
            with self._one_renewal():
                current = self._load()  # another thread or process may have renewed meanwhile
                if current.expires_within(self.refresh_margin, self._now()):
                    current = self._refresh(client, current)
                tokens = current
        return {"Authorization": f"{tokens.token_type or 'Bearer'} {tokens.access_token}"}

    def after_401(self, client: CloudbedsClient, sent: dict[str, str]) -> bool:
        """Renew once after a 401 (unless someone already did); True means "retry the call"."""
        used = sent.get("Authorization", "").split(" ", 1)[-1]
        with self._one_renewal():
            current = self._load()
            if current.access_token == used:
                self._refresh(client, current)
        return True

    def __repr__(self) -> str:
        return f"OAuthAuth(client_id={self.app.client_id!r})"

    __str__ = __repr__
