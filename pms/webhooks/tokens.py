"""The secret in the webhook address: made, checked in constant time, rotated with a grace period.

Cloudbeds signs nothing (API.md §9), so the only proof that a POST comes from our subscription is
the unguessable token in its path: 32 random bytes (256 bits), stored encrypted like every other
secret. Rotating means subscribing again with a new address; the previous token keeps working for
a short grace period so deliveries already on their way (Cloudbeds retries for about five minutes)
are not refused while the subscriptions are swapped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.cloudbeds.redaction import register_secret
from pms.db.settings import Settings
from pms.db.types import utcnow

__all__ = ["ROTATION_GRACE", "TokenCheck", "current_token", "ensure_token", "new_token", "rotate_token"]

ROTATION_GRACE = timedelta(minutes=15)
_KEY = "cloudbed_webhook_token"
_PREVIOUS = "cloudbed_webhook_token_previous"


def new_token() -> str:
    """A fresh URL-safe token with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def current_token(settings: Settings) -> str | None:
    token = settings.secret(_KEY)
    register_secret(token)  # the subscribe calls carry it in endpointUrl: keep it out of the API log
    return token


def ensure_token(settings: Settings) -> str:
    """The current token, made and stored on first use."""
    token = current_token(settings)
    if not token:
        token = new_token()
        register_secret(token)
        settings.set(_KEY, token)
    return token


def rotate_token(
    settings: Settings, *, grace: timedelta = ROTATION_GRACE, now: datetime | None = None
) -> str:
    """Store a new token; the old one stays valid for ``grace``. Returns the new token."""
    now = now or utcnow()
    old = current_token(settings)
    token = new_token()
    register_secret(token)
    previous = json.dumps({"token": old, "until": (now + grace).isoformat()}) if old else None
    settings.set_many({_KEY: token, _PREVIOUS: previous})
    return token


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def _valid_tokens(settings: Settings, now: datetime) -> list[str]:
    tokens = [t for t in [current_token(settings)] if t]
    raw = settings.secret(_PREVIOUS)
    if raw:
        try:
            prev = json.loads(raw)
            if prev.get("token") and datetime.fromisoformat(prev["until"]) > now:
                tokens.append(prev["token"])
        except (ValueError, TypeError, KeyError):
            pass
    return tokens


class TokenCheck:
    """Answers "is this the webhook token?" in constant time, from memory.

    The valid tokens are re-read from the database every ``ttl`` seconds in the background (a
    rotation made by another process is seen within a few seconds); a request never waits for
    that read except the very first. Both sides are hashed first, so the comparison takes the same
    time whatever the length or the first differing character of the guess.
    """

    def __init__(self, engine: sa.Engine, ttl: float = 2.0) -> None:
        from pms.db.engine import reader

        self.settings = Settings(reader(engine))  # reads only: never queue for SQLite's write lock
        self.ttl = ttl
        self._lock = threading.Lock()
        self._digests: list[bytes] | None = None
        self._loaded_at = float("-inf")
        self._refreshing = False

    def invalidate(self) -> None:
        """Forget the cached tokens: the next check reads them again (a rotation in this process)."""
        with self._lock:
            self._digests = None
            self._loaded_at = float("-inf")

    @property
    def fresh(self) -> bool:
        """Whether a check now answers from memory (no database read)."""
        return self._digests is not None

    def _load(self) -> list[bytes]:
        digests = [_digest(t) for t in _valid_tokens(self.settings, utcnow())]
        with self._lock:
            self._digests, self._loaded_at = digests, time.monotonic()
        return digests

    def _refresh(self) -> None:
        try:
            self._load()
        except Exception:  # keep the last known tokens; the next check tries again
            pass
        finally:
            self._refreshing = False

    def _current(self) -> list[bytes]:
        digests = self._digests
        if digests is None:
            return self._load()
        if time.monotonic() - self._loaded_at > self.ttl and not self._refreshing:
            self._refreshing = True
            threading.Thread(target=self._refresh, name="pms-webhook-token", daemon=True).start()
        return digests

    def __call__(self, given: str | None) -> bool:
        expected = self._current()
        probe = _digest(given or "")
        ok = False
        for digest in expected or [_digest(new_token())]:  # no token set: compare against noise
            ok |= hmac.compare_digest(probe, digest)
        return ok and bool(expected) and bool(given)
