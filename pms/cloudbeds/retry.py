"""Retry policy as data: which failures are retried, how often, and how long to wait.

Retried: HTTP 429 (waiting what ``Retry-After`` asks, when it says), 5xx, timeouts and broken
connections. Never retried: any other 4xx (the same request would fail the same way) and
``success: false`` answers. Creates are special and handled by the client: a postReservation or
postGuest whose outcome is unknown is only sent again after a look-up shows it did not happen.

Backoff is exponential (``base * 2**(n-1)``, capped) with "equal jitter" by default: half the delay
is fixed, half random, so many clients that failed together do not come back together. The jitter
is a plain function so tests can pin it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RetryPolicy", "equal_jitter", "no_jitter", "parse_retry_after"]


def equal_jitter(delay: float) -> float:
    """Half of ``delay`` plus a random share of the other half."""
    return delay / 2 + random.uniform(0, delay / 2)


def no_jitter(delay: float) -> float:
    """The delay unchanged (deterministic, for tests and benchmarks)."""
    return delay


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """When and how the client retries.

    Attributes:
        max_attempts: attempts in total, the first included (1 disables retries).
        statuses: HTTP statuses worth retrying.
        base: first backoff delay in seconds.
        cap: no single backoff delay exceeds this.
        max_retry_after: a ``Retry-After`` longer than this is not waited for; the call fails
            with a RateLimitError that says how long Cloudbeds asked to wait.
        retry_connection_errors: retry timeouts and broken connections.
        jitter: maps the computed delay to the one actually slept.
    """

    max_attempts: int = 5
    statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    base: float = 0.5
    cap: float = 30.0
    max_retry_after: float = 120.0
    retry_connection_errors: bool = True
    jitter: Callable[[float], float] = field(default=equal_jitter, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base < 0 or self.cap < 0:
            raise ValueError("base and cap must not be negative")

    def retryable_status(self, status: int) -> bool:
        return status in self.statuses

    def backoff(self, retry_number: int) -> float:
        """Delay before retry number ``retry_number`` (1 for the first retry), jitter applied."""
        raw = min(self.cap, self.base * (2 ** max(0, retry_number - 1)))
        return max(0.0, min(self.cap, self.jitter(raw)))

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """The wait before a retry: the server's ``Retry-After`` when given, else the backoff."""
        if retry_after is not None:
            return retry_after
        return self.backoff(retry_number)
