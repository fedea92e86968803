"""Token-bucket arithmetic with a fake clock: evenly spaced calls, no bursts, shared per credential."""

import itertools
import threading

import pytest

from pms.cloudbeds.ratelimit import TokenBucket, credential_key, shared_limiter


def test_calls_are_spaced_at_the_rate(fake_time):
    bucket = TokenBucket(5.0, clock=fake_time.clock, sleep=fake_time.sleep)
    start = fake_time.now
    stamps = []
    for _ in range(11):
        bucket.acquire()
        stamps.append(fake_time.now - start)
    assert stamps[0] == 0.0  # the first call goes at once
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert all(abs(g - 0.2) < 1e-9 for g in gaps)
    assert stamps[-1] == pytest.approx(2.0)  # 11 calls take 2 s at 5/s


def test_idle_time_saves_at_most_burst_tokens(fake_time):
    bucket = TokenBucket(5.0, burst=3, clock=fake_time.clock, sleep=fake_time.sleep)
    fake_time.now += 60  # idle for a minute
    waits = [bucket.acquire() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(0.2)
    assert waits[4] == pytest.approx(0.2)


def test_any_window_of_one_second_holds_at_most_rate_plus_burst_calls(fake_time):
    bucket = TokenBucket(5.0, clock=fake_time.clock, sleep=fake_time.sleep)
    stamps = []
    for _ in range(200):
        bucket.acquire()
        stamps.append(fake_time.now)
    worst = max(sum(1 for t in stamps if s <= t < s + 1.0 - 1e-9) for s in stamps)
    assert worst <= 5


def test_threads_reserve_distinct_slots():
    now = [0.0]
    lock = threading.Lock()
    bucket = TokenBucket(10.0, clock=lambda: now[0], sleep=lambda s: None)
    waits = []

    def worker():
        for _ in range(25):
            w = bucket.reserve()
            with lock:
                waits.append(round(w, 6))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 200 reservations at a frozen instant: each got its own slot 0.1 s after the previous one.
    assert sorted(waits) == [round(i * 0.1, 6) for i in range(200)]


def test_registry_shares_one_bucket_per_credential_and_server(fake_time):
    key = credential_key("http://127.0.0.1:1", "cbat_secret_value")
    assert "cbat" not in key and "secret" not in key
    a = shared_limiter(key, 5.0, clock=fake_time.clock, sleep=fake_time.sleep)
    b = shared_limiter(key, 5.0, clock=fake_time.clock, sleep=fake_time.sleep)
    other = shared_limiter(
        credential_key("http://127.0.0.1:2", "cbat_secret_value"),
        5.0,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
    )
    assert a is b
    assert other is not a


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        TokenBucket(0)
    with pytest.raises(ValueError):
        TokenBucket(5, burst=0)
