"""Retry policy as data: backoff growth and cap, jitter bounds, Retry-After parsing."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from pms.cloudbeds.retry import RetryPolicy, equal_jitter, no_jitter, parse_retry_after


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(base=0.5, cap=4.0, jitter=no_jitter)
    assert [policy.backoff(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_equal_jitter_stays_within_half_and_whole():
    for _ in range(200):
        d = equal_jitter(8.0)
        assert 4.0 <= d <= 8.0


def test_retry_after_wins_over_backoff():
    policy = RetryPolicy(jitter=no_jitter)
    assert policy.delay(1, retry_after=3.0) == 3.0
    assert policy.delay(3, retry_after=None) == 2.0


def test_parse_retry_after_seconds_and_dates():
    now = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(" 0.5 ") == 0.5
    assert parse_retry_after(format_datetime(now + timedelta(seconds=7), usegmt=True), now=now) == 7.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=7), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-3") == 0.0


def test_default_statuses_and_validation():
    policy = RetryPolicy()
    assert all(policy.retryable_status(s) for s in (429, 500, 502, 503, 504))
    assert not any(policy.retryable_status(s) for s in (400, 401, 403, 404, 422))
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
