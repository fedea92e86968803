"""The client is never the reason the sandbox counts a 429: its bucket spaces calls under the limit."""

import threading
import time

import pytest

from pms.cloudbeds import ApiKeyAuth, CloudbedsClient

from .helpers import Admin


def test_clients_sharing_a_credential_share_one_bucket(sandbox_factory):
    box = sandbox_factory(rate_limit=40.0, reservations=20)
    admin = Admin(box)
    admin.reset_counters()
    a = CloudbedsClient(box.base_url, ApiKeyAuth(box.api_key), property_id=box.property_id, rate_limit=40.0)
    b = CloudbedsClient(box.base_url, ApiKeyAuth(box.api_key), property_id=box.property_id, rate_limit=40.0)
    assert a.limiter is b.limiter
    errors = []

    def hammer(client):
        try:
            for _ in range(25):
                client.get_sources()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(c,)) for c in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state = admin.state()
    assert errors == []
    assert state["endpoints"]["getSources"] == 100
    assert state["rate_limited"] == 0
    assert a.stats.rate_limited == b.stats.rate_limited == 0


@pytest.mark.slow
def test_200_calls_at_the_default_5_per_second_see_no_429(sandbox_factory):
    box = sandbox_factory(rate_limit=5.0, reservations=20)  # Cloudbeds' own limit
    admin = Admin(box)
    admin.reset_counters()
    client = CloudbedsClient(box.base_url, ApiKeyAuth(box.api_key), property_id=box.property_id)
    started = time.monotonic()
    for _ in range(200):
        client.get_sources()
    elapsed = time.monotonic() - started
    state = admin.state()
    assert state["endpoints"]["getSources"] == 200
    assert state["rate_limited"] == 0 and client.stats.rate_limited == 0
    assert elapsed >= 199 / 5.0 - 0.05  # the bucket cannot let 200 calls through faster than 5/s
