"""The per-credential limit: a hammering client gets 429s (counted), a paced one never does."""

from __future__ import annotations

import time

import pytest

from pms.sandbox.ratelimit import RateLimiter

from .helpers import Api


def test_bucket_math_with_an_injected_clock():
    now = [0.0]
    limiter = RateLimiter(5.0, clock=lambda: now[0])
    assert all(limiter.allow("k") for _ in range(5))  # one second's worth of burst
    assert not limiter.allow("k")
    assert limiter.allow("other")  # buckets are per credential
    now[0] += 0.2
    assert limiter.allow("k") and not limiter.allow("k")
    # A client spacing calls exactly 1/rate apart never runs dry.
    for _ in range(100):
        now[0] += 0.2
        assert limiter.allow("paced")
    limiter.rate = None
    assert all(limiter.allow("k") for _ in range(50))


def test_hammering_gets_429_and_is_counted(sandbox):
    api = Api(sandbox, key=sandbox.api_key)
    responses = [api.get("getHotels") for _ in range(25)]
    statuses = [r.status_code for r in responses]
    assert 429 in statuses and 200 in statuses
    limited = next(r for r in responses if r.status_code == 429)
    assert limited.json() == {"success": False, "message": "Rate limit exceeded"}
    state = api.admin("state")
    assert state["rate_limited"] >= statuses.count(429) > 0
    # Admin routes are never limited.
    for _ in range(20):
        api.admin("state")


@pytest.mark.slow
def test_client_pacing_at_the_limit_never_sees_429(sandbox):
    api = Api(sandbox, key=sandbox.api_key)
    api.admin("reset", {"counters_only": True})
    start = time.monotonic()
    for i in range(15):  # exactly 5/s for 3 s
        target = start + i * 0.2
        delay = target - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        assert api.get("getHotels").status_code == 200
    assert api.admin("state")["rate_limited"] == 0


def test_limit_is_per_credential_and_changeable_at_run_time(sandbox):
    api = Api(sandbox, key=sandbox.api_key)
    other_key = api.admin("api-keys", {"scopes": ["read:hotel"]})["api_key"]
    other = Api(sandbox, key=other_key)
    while api.get("getHotels").status_code != 429:
        pass
    assert other.get("getHotels").status_code == 200
    api.admin("config", {"rate_limit": 0})
    assert all(api.get("getHotels").status_code == 200 for _ in range(20))
    assert api.admin("config")["rate_limit"] is None
