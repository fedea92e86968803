"""Helpers for the client tests: a fake clock, and clients wired to a real sandbox.

The fake clock replaces ``time.monotonic``/``time.sleep`` in the rate limiter and the retry
backoff, so the tests check the waiting arithmetic without waiting.
"""

from __future__ import annotations

import pytest


class FakeTime:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def sandbox_config() -> dict:
    """More reservations than one page holds, so paging is exercised."""
    return {"reservations": 250}


@pytest.fixture
def admin(box):
    from .helpers import Admin

    return Admin(box)


@pytest.fixture
def client(box):
    from .helpers import make_client

    records = []
    c = make_client(box, on_call=records.append)
    c.records = records  # what on_call received, for assertions
    yield c
    c.close()
