"""A token bucket in front of every call, shared by everything that uses one credential.

Cloudbeds allows 5 requests/s per credential and may suspend credentials that keep going over
(API.md §6), so the client must never be the one that trips the limit. The bucket holds at most
``burst`` tokens (1 by default): calls are spaced evenly at ``rate`` per second instead of going
out in bursts, which keeps us inside any server-side bucket of one second's capacity.

Waiting happens outside the lock: ``acquire`` reserves the next free slot (the balance may go
negative, meaning slots already promised to other threads) and then sleeps until that slot.
Time is injectable (``clock`` and ``sleep``) so tests can check the arithmetic without waiting.
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections.abc import Callable

__all__ = ["TokenBucket", "credential_key", "shared_limiter"]

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenBucket:
    """Thread-safe token bucket: ``rate`` tokens per second, at most ``burst`` saved up.

    Args:
        rate: sustained requests per second (> 0).
        burst: how many calls may go out back to back after an idle period (>= 1).
        clock: monotonic seconds (``time.monotonic`` by default).
        sleep: how to wait (``time.sleep`` by default).
    """

    def __init__(
        self, rate: float = 5.0, burst: int = 1, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate!r}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst!r}")
        self.rate = float(rate)
        self.burst = int(burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()
        self.waited = 0.0  # total seconds callers were held back (for statistics)

    def reserve(self) -> float:
        """Take one token and return how long the caller must wait before using it (no sleeping)."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._updated = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
            self.waited += wait
            return wait

    def acquire(self) -> float:
        """Block until a call may go out; returns the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait

    def __repr__(self) -> str:
        return f"TokenBucket(rate={self.rate}, burst={self.burst})"


def credential_key(server: str, credential: str) -> str:
    """A stable, non-reversible key for (server, credential): the registry never holds secrets."""
    return hashlib.sha256(f"{server}\0{credential}".encode()).hexdigest()[:24]


_registry: weakref.WeakValueDictionary[tuple, TokenBucket] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


def shared_limiter(
    key: str, rate: float = 5.0, burst: int = 1, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
) -> TokenBucket:
    """The one bucket for a credential in this process, created on first use.

    Clients that use the same credential against the same server at the same rate (and the same
    clock) share a bucket, so two clients together still stay under the limit. The registry keeps
    a bucket only while some client holds it.
    """
    ident = (key, float(rate), int(burst), clock, sleep)
    with _registry_lock:
        bucket = _registry.get(ident)
        if bucket is None:
            bucket = TokenBucket(rate, burst, clock=clock, sleep=sleep)
            _registry[ident] = bucket
        return bucket
