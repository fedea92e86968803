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

The token calls themselves (consent link, authorization code, refresh token, api-key grant) are
in ``grants`` and re-exported here. Secrets in these objects never show in a repr; every secret
they see is handed to the client's redactor.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pms.cloudbeds.grants import (
    API_KEY_GRANT,
    AUTHORIZE_URL,
    DeliveredKey,
    Now,
    OAuthApp,
    build_authorize_url,
    check_header_value,
    deliver_api_key,
    exchange_api_key,
    exchange_code,
    refresh_tokens,
    utcnow,
)
from pms.cloudbeds.redaction import mask, register_secret
from pms.cloudbeds.tokens import TokenSet, TokenStore
from pms.errors import AuthenticationError

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


class ApiKeyAuth:
    """API-key authentication (``x-api-key``); keys start with ``cbat_``."""

    kind = "api_key"

    def __init__(self, api_key: str) -> None:
        self._key = check_header_value(api_key, "API key", "cloudbed_api_key")
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
        self, app: OAuthApp, token_store: TokenStore, *, refresh_margin: float = 300.0, now: Now = utcnow
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
