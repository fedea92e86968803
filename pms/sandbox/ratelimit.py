"""The per-credential request budget Cloudbeds enforces, as a token bucket.

Each credential (an API key, or an OAuth client ID) gets a bucket that refills at ``rate`` tokens a
second and holds at most one second's worth (Cloudbeds tolerates small bursts). A request that finds
the bucket empty is answered 429. A client that spaces its calls at exactly ``rate`` per second
therefore never sees a 429, while one that hammers faster does within a second. The clock is real
monotonic time by default (the limiter judges real intervals) and injectable for unit tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Token buckets keyed by credential; ``rate`` of 0 or None switches limiting off."""

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self.rate = rate

    @property
    def rate(self) -> float | None:
        return self._rate

    @rate.setter
    def rate(self, value: float | None) -> None:
        with self._lock:
            self._rate = float(value) if value else None
            self._buckets.clear()  # new budget, fresh buckets

    def allow(self, key: str) -> bool:
        """Take one token from ``key``'s bucket; False means the request must get a 429."""
        rate = self._rate
        if not rate:
            return True
        capacity = max(1.0, rate)
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return True
            self._buckets[key] = (tokens, now)
            return False

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
