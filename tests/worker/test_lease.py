"""Per-property worker leases on SQLite and MariaDB: one holder, expiry, release, races."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from pms.db.setup import ensure_schema
from pms.db.types import utcnow
from pms.worker import lease

TTL = timedelta(seconds=60)


@pytest.fixture
def db(engine):
    ensure_schema(engine)
    return engine


def test_one_holder_until_expiry_or_release(db):
    now = utcnow()
    assert lease.acquire(db, "p1", "a", TTL, now)
    assert not lease.acquire(db, "p1", "b", TTL, now)
    assert lease.acquire(db, "p1", "a", TTL, now + timedelta(seconds=30))  # renewal
    assert lease.holder(db, "p1", now).owner == "a"
    assert not lease.acquire(db, "p1", "b", TTL, now + timedelta(seconds=80))  # renewed at +30: still live
    assert lease.acquire(db, "p1", "b", TTL, now + timedelta(seconds=91))  # a stopped renewing
    assert not lease.release(db, "p1", "a")  # a no longer holds it
    assert lease.release(db, "p1", "b")
    assert lease.holder(db, "p1") is None
    assert lease.acquire(db, "p1", "a", TTL)
    assert lease.acquire(db, "p2", "b", TTL)  # properties are independent


def test_racing_workers_never_both_win(db):
    for round_ in range(10):
        pid = f"race{round_}"
        wins: list[str] = []
        barrier = threading.Barrier(4)

        def contend(owner: str) -> None:
            barrier.wait()
            if lease.acquire(db, pid, owner, TTL):
                wins.append(owner)

        threads = [threading.Thread(target=contend, args=(f"w{i}",)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1, wins
        assert lease.holder(db, pid).owner == wins[0]


def test_heartbeat(db):
    assert lease.last_beat(db) is None
    now = utcnow()
    lease.beat(db, "w1", now)
    lease.beat(db, "w2", now + timedelta(seconds=5))
    owner, at = lease.last_beat(db)
    assert owner == "w2" and at == now + timedelta(seconds=5)
