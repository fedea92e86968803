"""domain rule 21: one sync per property at a time, through a lease row in the database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.leases import SYNC_LEASE as LEASE_NAME
from pms.db.leases import Lease
from pms.db.types import utcnow
from pms.errors import SyncLockedError
from pms.sync import SyncRequest, lease_info, run_sync
from pms.sync.state import read_cursor

from .helpers import count, make_ctx, mismatches, rows


def test_rule_21_second_concurrent_sync_is_refused(ctx):
    other = Lease(ctx.engine, ctx.property_id, "auto incremental sync").acquire()
    try:
        with pytest.raises(SyncLockedError) as info:
            run_sync(ctx, SyncRequest(mode="full"))
        message = str(info.value)
        assert "Another sync is already running" in message and "auto incremental sync" in message
        assert info.value.owner == other.owner
        assert count(ctx.engine, schema.reservasi) == 0 and count(ctx.engine, schema.cloudbed_sync_log) == 0
    finally:
        other.release()
    assert run_sync(ctx, SyncRequest(mode="full")).status == "completed"


def test_rule_21_two_syncs_started_together_one_runs(db, box, admin):
    # The first page answer is held for a second, so the first sync is surely still running.
    admin.fault("getReservationsWithRateDetails", "timeout", times=1, delay=1.0)
    results, errors = [], []
    started = threading.Event()

    def first():
        ctx = make_ctx(db, box)
        started.set()
        results.append(run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests")))

    t = threading.Thread(target=first)
    t.start()
    assert started.wait(10)
    threading.Event().wait(0.4)
    try:
        run_sync(make_ctx(db, box), SyncRequest(mode="full", entities="reservations,guests"))
    except SyncLockedError as exc:
        errors.append(exc)
    t.join(30)
    assert len(errors) == 1 and results[0].status == "completed"
    ids = [r["cloudbed_reservation_id"] for r in rows(db, schema.reservasi)]
    assert len(ids) == len(set(ids)) == len(admin.truth())  # no duplicate rows


def test_rule_21_a_sync_asked_to_wait_runs_after_the_other(sctx):
    other = Lease(sctx.engine, sctx.property_id, "manual full sync").acquire()
    timer = threading.Timer(0.5, other.release)
    timer.start()
    result = run_sync(
        sctx, SyncRequest(mode="full", entities="reservations", wait_for_lease=True, lease_timeout_s=20)
    )
    timer.join()
    assert result.status == "completed"
    with pytest.raises(SyncLockedError, match="did not finish in time"):
        Lease(sctx.engine, sctx.property_id, "x").acquire()  # free again? take it, then wait on it
        Lease(sctx.engine, sctx.property_id, "y").acquire(wait=True, timeout=0.3, poll=0.05)


def test_lease_of_a_dead_process_on_this_machine_is_taken_over(sctx):
    import socket

    now = utcnow()
    with sctx.engine.begin() as conn:  # a holder killed with SIGKILL: its pid no longer exists
        conn.execute(
            sa.insert(schema.cloudbed_sync_state).values(
                property_id=sctx.property_id,
                name=LEASE_NAME,
                lease_owner=f"{socket.gethostname()[:40]}:999999:dead:cli",
                lease_expires_at=now + timedelta(minutes=9),
                cursor_at=now,
                cursor_value="cli full sync",
            )
        )
        conn.execute(
            sa.insert(schema.cloudbed_sync_log).values(
                property_id=sctx.property_id, sync_type="reservations", status="running", started_at=now
            )
        )
    assert lease_info(sctx.engine, sctx.property_id).held
    result = run_sync(sctx, SyncRequest(mode="full", entities="reservations"))
    assert result.status == "completed"
    logs = rows(sctx.engine, schema.cloudbed_sync_log)
    interrupted = [x for x in logs if x["id"] != result.sync_log_id]
    assert interrupted[0]["status"] == "failed" and "interrupted" in interrupted[0]["error_details"]
    assert not lease_info(sctx.engine, sctx.property_id).held


def test_a_sync_that_loses_its_lease_stops_without_writing_more(sctx, admin, box):
    stolen = []

    def steal(done, expected, label):
        if label == "reservations" and not stolen:
            with sctx.engine.begin() as conn:
                conn.execute(
                    sa.update(schema.cloudbed_sync_state)
                    .where(schema.cloudbed_sync_state.c.name == LEASE_NAME)
                    .values(
                        lease_owner="elsewhere:1:x:worker", lease_expires_at=utcnow() + timedelta(minutes=5)
                    )
                )
            stolen.append(done)

    sctx.progress = steal
    result = run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    assert result.status == "failed" and "lost its lease" in result.error
    assert count(sctx.engine, schema.reservasi) == stolen[0] == 100  # the first page only
    with sctx.engine.connect() as conn:
        assert read_cursor(conn, sctx.property_id, "reservations") is None
    with sctx.engine.begin() as conn:
        conn.execute(sa.update(schema.cloudbed_sync_state).values(lease_owner=None, lease_expires_at=None))
    sctx.progress = None
    assert run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests")).status == "completed"
    assert mismatches(sctx.engine, box.property_id, admin.truth()) == []
