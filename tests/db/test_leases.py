"""Leases on SQLite and MariaDB: one holder, renewal, expiry, release, races; and the worker's heartbeat."""

from __future__ import annotations

import threading
from datetime import timedelta

from pms.db import leases
from pms.db.types import utcnow
from pms.worker import heartbeat

TTL = timedelta(seconds=60)
NAME = leases.WORKER_LEASE


def took(db, pid, owner, now=None) -> bool:
    return leases.take(db, pid, NAME, owner, TTL, now=now) is None


def test_one_holder_until_expiry_or_release(db):
    now = utcnow()
    assert took(db, "p1", "a", now)
    assert not took(db, "p1", "b", now)
    assert took(db, "p1", "a", now + timedelta(seconds=30))  # renewal
    assert leases.holder(db, "p1", NAME, now).owner == "a"
    assert not took(db, "p1", "b", now + timedelta(seconds=80))  # renewed at +30: still live
    assert took(db, "p1", "b", now + timedelta(seconds=91))  # a stopped renewing
    assert not leases.release(db, "p1", NAME, "a")  # a no longer holds it
    assert leases.release(db, "p1", NAME, "b")
    assert leases.holder(db, "p1", NAME) is None
    assert took(db, "p1", "a")
    assert took(db, "p2", "b")  # properties are independent


def test_a_refused_taker_learns_who_holds_the_lease(db):
    assert took(db, "p1", "a")
    info = leases.take(db, "p1", NAME, "b", TTL, purpose="second worker")
    assert info is not None and info.owner == "a" and info.held


def test_racing_holders_never_both_win(db):
    for round_ in range(10):
        pid = f"race{round_}"
        wins: list[str] = []
        barrier = threading.Barrier(4)

        def contend(owner: str, pid: str, barrier: threading.Barrier, wins: list[str]) -> None:
            barrier.wait()
            if took(db, pid, owner):
                wins.append(owner)

        threads = [threading.Thread(target=contend, args=(f"w{i}", pid, barrier, wins)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1, wins
        assert leases.holder(db, pid, NAME).owner == wins[0]


def test_owners_name_host_process_and_purpose():
    owner = leases.new_owner("worker")
    host, pid, purpose, _ = owner.split(":")
    assert purpose == "worker" and int(pid) > 0 and host
    assert not leases.owner_is_dead(owner)  # this very process
    assert leases.owner_is_dead(f"{host}:999999:worker:dead")  # no such process here
    assert not leases.owner_is_dead("elsewhere:1:worker:x")  # another machine: cannot tell


def test_heartbeat(db):
    assert heartbeat.last_beat(db) is None
    now = utcnow()
    heartbeat.beat(db, "w1", now)
    heartbeat.beat(db, "w2", now + timedelta(seconds=5))
    owner, at = heartbeat.last_beat(db)
    assert owner == "w2" and at == now + timedelta(seconds=5)
