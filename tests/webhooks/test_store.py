"""The durable event store on SQLite and MariaDB: dedupe, claims, retries with backoff, failures."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.webhooks import store
from pms.webhooks.events import parse_event


def _event(n: int, prop: str = "254042", event: str = "reservation/created", ts: float = 1795602710.5):
    body = {"event": event, "timestamp": ts + n, "propertyID_str": prop, "reservationID": str(5200000000 + n)}
    import json

    return parse_event(body), json.dumps(body)


def test_record_is_durable_and_deduplicated(db):
    parsed, raw = _event(1)
    first = store.record(db, parsed, raw)
    again = store.record(db, parsed, raw)
    assert first.id and not first.duplicate
    assert again.duplicate and again.id == first.id
    with db.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(schema.cloudbed_webhook_events)).scalar() == 1
        )
    assert store.counts(db) == {"pending": 1, "processing": 0, "processed": 0, "failed": 0, "ignored": 0}


def test_claim_process_and_never_claim_twice(db):
    for n in range(5):
        store.record(db, *_event(n))
    store.record(db, *_event(9, prop="other"))
    claimed = store.claim(db, "254042")
    assert [e.entity_id for e in claimed] == [str(5200000000 + n) for n in range(5)]
    assert all(e.attempts == 0 for e in claimed)
    assert store.claim(db, "254042") == []  # claimed events are not due again
    assert store.mark_processed(db, [e.id for e in claimed]) == 5
    assert store.counts(db, "254042")["processed"] == 5 and store.counts(db, "other")["pending"] == 1


def test_failures_back_off_then_end_as_failed(db):
    store.record(db, *_event(1))
    now = utcnow()
    for attempt in range(1, store.MAX_ATTEMPTS + 1):
        (ev,) = store.claim(db, "254042", now=now)
        counts = store.mark_failed(db, [ev], "APIError: boom", now=now)
        if attempt < store.MAX_ATTEMPTS:
            assert counts == {"retry": 1, "failed": 0}
            assert store.claim(db, "254042", now=now) == []  # not before the backoff
            now += store.retry_delay(attempt)
        else:
            assert counts == {"retry": 0, "failed": 1}
    assert store.counts(db)["failed"] == 1
    assert store.claim(db, "254042", now=now + timedelta(days=1)) == []
    assert store.retry_failed(db) == 1
    assert len(store.claim(db, "254042")) == 1


def test_a_dead_workers_claim_is_taken_over_after_its_deadline(db):
    store.record(db, *_event(1))
    now = utcnow()
    assert len(store.claim(db, "254042", now=now)) == 1  # the worker dies here
    assert store.claim(db, "254042", now=now + timedelta(minutes=1)) == []
    (again,) = store.claim(db, "254042", now=now + store.CLAIM_FOR + timedelta(seconds=1))
    assert again.attempts == 1  # the lost attempt counts


def test_concurrent_claimers_share_nothing(db):
    for n in range(300):
        store.record(db, *_event(n))
    got: list[list[int]] = [[], []]

    def claimer(slot: int) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            batch = store.claim(db, "254042", limit=7)
            if not batch:
                return
            got[slot] += [e.id for e in batch]

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got[0]) + len(got[1]) == 300
    assert not set(got[0]) & set(got[1])


def test_due_reports_the_window_of_waiting_events(db):
    assert store.due(db, "254042").count == 0
    store.record(db, *_event(1), now=utcnow() - timedelta(seconds=5))
    store.record(db, *_event(2))
    due = store.due(db, "254042")
    assert due.count == 2 and due.oldest < due.newest and due.newest.tzinfo is not None


def test_a_batch_is_stored_in_three_round_trips_with_duplicates_told_apart(db):
    stored = [_event(n) for n in (1, 2)]
    earlier = [store.record(db, p, r) for p, r in stored]
    batch = [_event(n) for n in (3, 1, 4, 3, 2, 5)]  # 1 and 2 stored before, 3 twice in the batch
    sent: list[str] = []
    sa.event.listen(db, "before_cursor_execute", lambda c, cur, stmt, *a: sent.append(stmt.split()[0]))
    sa.event.listen(db, "commit", lambda c: sent.append("COMMIT"))
    got = store.record_many(db, [store.Incoming(p, r) for p, r in batch])
    statements = [s for s in sent if s != "BEGIN"]
    if getattr(db.dialect, "insert_returning", False):
        assert statements == ["SELECT", "INSERT", "COMMIT"], sent
    assert [g.duplicate for g in got] == [False, True, False, True, True, False]
    assert got[1].id == earlier[0].id and got[4].id == earlier[1].id
    assert got[3].id == got[0].id and len({got[0].id, got[2].id, got[5].id}) == 3
    with db.connect() as conn:
        ids = dict(
            conn.execute(
                sa.select(schema.cloudbed_webhook_events.c.dedupe_key, schema.cloudbed_webhook_events.c.id)
            ).all()
        )
    assert len(ids) == 5
    assert {got[i].id for i in range(6)} == set(ids.values())
    assert all(ids[p.dedupe_key] == g.id for (p, _), g in zip(batch, got, strict=True))
