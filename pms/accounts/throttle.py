"""Budgets for login attempts: per client, for the whole server, and per account and client.

Each attempt costs a 32 MiB scrypt hash, so unlimited attempts are both a guessing tool and a way
to exhaust the server. Three limits, checked before any hashing:

- **per client** (its IP address as the server sees it, ``X-Forwarded-For`` from a local proxy): a
  token bucket of ``CLIENT_BURST`` attempts refilled at ``CLIENT_PER_MINUTE``, whatever user names
  it tries, so rotating names buys nothing; a successful login gives its token back, so a hotel
  whose staff share one office address can start a shift together (a guesser never gets one back);
- **global**: a bucket of ``GLOBAL_BURST`` refilled at ``GLOBAL_PER_SECOND``, which bounds the
  hashing work many clients together can cause;
- **per account and client**: after ``LOCK_AFTER`` wrong passwords in a row a delay of 60 s,
  doubling per further failure up to 15 minutes. It is a delay for that client, not a lock on the
  account: a manager at another address logs in as usual, so nobody can lock a manager out by
  failing on purpose. A new password (a new ``session_version``) lifts it.

Unknown user names go through exactly the same steps (and one dummy hash), so the answers do not
tell which names exist. The budgets live in this process's memory (each replica guards its own
CPU); time is injected (``now``) so tests never sleep.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

__all__ = [
    "CLIENT_BURST",
    "CLIENT_PER_MINUTE",
    "GLOBAL_BURST",
    "GLOBAL_PER_SECOND",
    "LOCK_AFTER",
    "LoginThrottle",
    "TokenBucket",
    "lock_seconds",
]

CLIENT_BURST = 10
CLIENT_PER_MINUTE = 2.0
GLOBAL_BURST = 30
GLOBAL_PER_SECOND = 1.0
LOCK_AFTER = 5
LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60
_MAX_KEYS = 10_000


def lock_seconds(failures: int) -> int:
    """0 below the threshold, then 60 s, 120 s, 240 s ... capped at 15 minutes."""
    if failures < LOCK_AFTER:
        return 0
    return min(MAX_LOCK_SECONDS, LOCK_SECONDS * 2 ** (failures - LOCK_AFTER))


class TokenBucket:
    """``capacity`` tokens per key, refilled continuously at ``per_second``; keys bounded in memory."""

    def __init__(self, capacity: float, per_second: float) -> None:
        self.capacity = float(capacity)
        self.per_second = float(per_second)
        self._state: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def take(self, key: str, at: float) -> int:
        """Spend one token for ``key`` at time ``at`` (seconds): 0, or the seconds to wait."""
        tokens, last = self._state.pop(key, (self.capacity, at))
        tokens = min(self.capacity, tokens + max(0.0, at - last) * self.per_second)
        if tokens >= 1.0:
            self._state[key] = (tokens - 1.0, at)
            wait = 0
        else:
            self._state[key] = (tokens, at)
            wait = int((1.0 - tokens) / self.per_second) + 1
        while len(self._state) > _MAX_KEYS:
            self._state.popitem(last=False)
        return wait

    def refund(self, key: str) -> None:
        """Give back one token ``key`` spent (never above the capacity)."""
        if key in self._state:
            tokens, at = self._state[key]
            self._state[key] = (min(self.capacity, tokens + 1.0), at)


class LoginThrottle:
    """The three budgets of the module docstring, for one server process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clients = TokenBucket(CLIENT_BURST, CLIENT_PER_MINUTE / 60.0)
        self.everyone = TokenBucket(GLOBAL_BURST, GLOBAL_PER_SECOND)
        self._failures: OrderedDict[tuple[str, str, int], tuple[int, float]] = OrderedDict()

    def admit(self, client: str | None, now: datetime) -> int:
        """Spend the client's and the server's budget for one attempt: 0, or seconds to wait."""
        at = now.timestamp()
        with self._lock:
            wait = self.clients.take(client or "-", at)
            if wait:
                return wait
            return self.everyone.take("*", at)

    def delay(self, name: str, client: str | None, version: int, now: datetime) -> int:
        """Seconds this client must still wait before trying ``name`` again (0: go ahead)."""
        with self._lock:
            count, until = self._failures.get((name, client or "-", version), (0, 0.0))
        if count < LOCK_AFTER:
            return 0
        return max(0, int(until - now.timestamp() + 0.999))

    def failed(self, name: str, client: str | None, version: int, now: datetime) -> int:
        """Count a wrong password; the delay it starts (0 below the threshold)."""
        key = (name, client or "-", version)
        with self._lock:
            count = self._failures.pop(key, (0, 0.0))[0] + 1
            wait = lock_seconds(count)
            self._failures[key] = (count, now.timestamp() + wait)
            while len(self._failures) > _MAX_KEYS:
                self._failures.popitem(last=False)
        return wait

    def succeeded(self, name: str, client: str | None, version: int) -> None:
        """A right password: its failures are forgotten and the budgets get their tokens back."""
        with self._lock:
            self._failures.pop((name, client or "-", version), None)
            self.clients.refund(client or "-")
            self.everyone.refund("*")
