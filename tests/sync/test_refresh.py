"""Targeted re-reads: webhook batches by id, guests, retries of failed records, the catalogue alone."""

from __future__ import annotations

from datetime import timedelta

from pms.db import schema
from pms.db.types import utcnow
from pms.sync import (
    SyncRequest,
    refresh_catalog,
    refresh_guests,
    refresh_reservations,
    retry_failed,
    run_sync,
)

from .helpers import count, mismatches, pick, reservation, rows, set_reservation, today_of


def test_refresh_reservations_reads_a_batch_by_id_in_one_call(ctx, admin, box):
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    changed = admin.mutate(6, ["create", "modify", "cancel", "dates", "guest"])["changed"]
    admin.reset_counters()
    result = refresh_reservations(ctx, changed + changed[:2])  # duplicates in a burst are harmless
    assert result.status == "completed", result.error
    assert admin.calls() == {"getReservationsWithRateDetails": 1}
    assert mismatches(ctx.engine, box.property_id, admin.truth(changed)) == []
    log = rows(ctx.engine, schema.cloudbed_sync_log)[-1]
    assert (log["mode"], log["trigger"], log["status"]) == ("refresh", "webhook", "completed")


def test_refresh_applies_only_what_is_newer_than_the_database(sctx, admin):
    run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    (t,) = pick(admin.truth(), today_of(admin), 1)
    rid = t["reservationID"]
    # The database already holds a newer version than Cloudbeds sends (a late, out-of-order event).
    newer = utcnow() + timedelta(hours=1)
    set_reservation(sctx.engine, rid, status="checked_in", cloudbed_updated_at=newer)
    result = refresh_reservations(sctx, [rid])
    assert reservation(sctx.engine, rid)["status"] == "checked_in"
    assert result.counts["reservations"].unchanged == 1
    # The same version again changes nothing either (a replayed event).
    set_reservation(
        sctx.engine, rid, cloudbed_updated_at=reservation(sctx.engine, rid)["cloudbed_updated_at"]
    )
    sctx.client.put_reservation(rid, estimated_arrival_time="21:00")
    set_reservation(sctx.engine, rid, cloudbed_updated_at=utcnow() - timedelta(days=1))
    refresh_reservations(sctx, [rid])
    assert reservation(sctx.engine, rid)["estimated_arrival"] == "21:00"


def test_refresh_of_unknown_and_deleted_reservations(sctx, admin):
    run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    (deleted,) = admin.mutate(1, ["delete"])["changed"]
    result = refresh_reservations(sctx, [deleted, "5200999999"])
    assert reservation(sctx.engine, deleted)["is_deleted"] is True
    assert any("5200999999" in w and "not found" in w for w in result.warnings)


def test_refresh_guests_through_their_reservations(sctx, admin):
    run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    changed = admin.mutate(2, ["guest"])["changed"]
    guest_ids = [g["guestID"] for t in admin.truth(changed) for g in t["guests"] if g["isMainGuest"]]
    admin.reset_counters()
    result = refresh_guests(sctx, guest_ids)
    assert result.status == "completed"
    assert admin.calls() == {"getReservationsWithRateDetails": 1}
    for t in admin.truth(changed):
        main = next(g for g in t["guests"] if g["isMainGuest"])
        stored = rows(sctx.engine, schema.guest, schema.guest.c.cloudbed_guest_id == main["guestID"])[0]
        assert stored["phone"] == main["phone"]


def test_refresh_guests_never_seen_are_found_through_their_reservation(sctx, admin):
    # No event time to bound a modified list: the documented guestID filter of getReservations
    # finds the booking (one call), which is then read with its guests, linked.
    run_sync(sctx, SyncRequest(mode="full", entities="reservations"))  # no guest rows yet
    truth = admin.truth()[0]
    guest_id = truth["guests"][0]["guestID"]
    admin.reset_counters()
    refresh_guests(sctx, [guest_id], reservation_ids=[])
    assert admin.calls() == {"getReservations": 1, "getReservationsWithRateDetails": 1}
    stored = rows(sctx.engine, schema.guest, schema.guest.c.cloudbed_guest_id == guest_id)
    assert len(stored) == 1 and stored[0]["cloudbed_reservation_id"] == truth["reservationID"]


def test_retry_failed_reads_failed_records_again(sctx, admin):
    run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    (t,) = pick(admin.truth(), today_of(admin), 1)
    set_reservation(
        sctx.engine,
        t["reservationID"],
        sync_status="error",
        sync_error="HTTP 500",
        status="x",
        cloudbed_updated_at=utcnow() + timedelta(hours=2),
    )
    result = retry_failed(sctx)
    assert result.status == "completed", result.error
    row = reservation(sctx.engine, t["reservationID"])
    assert (row["status"], row["sync_status"], row["sync_error"]) == (t["status"], "synced", None)


def test_refresh_catalog_alone(sctx, admin):
    result = refresh_catalog(sctx)
    assert result.status == "completed"
    assert count(sctx.engine, schema.cloudbed_room_types) == 6 and count(sctx.engine, schema.reservasi) == 0
    assert result.api_calls == 5


def test_unexpected_shapes_fail_only_the_bad_record(sctx, admin):
    """A record that cannot be stored is counted as failed; the rest of its page is stored."""
    from dataclasses import replace

    from pms.sync.reservations import process_page
    from pms.sync.run import new_run

    page = list(
        next(iter(sctx.client.get_reservations_with_rate_details(include_guests_details=True).pages())).items
    )
    page[0] = replace(page[0], check_in=None)
    page[1] = replace(page[1], total=10**20)
    run = new_run(sctx, SyncRequest(mode="full", entities="reservations,guests"), apply=True)
    with sctx.engine.begin() as conn:
        process_page(conn, run, page)
    assert run.result.counts["reservations"].failed == 2
    assert count(sctx.engine, schema.reservasi) == len(page) - 2
    assert any("no readable check-in" in e for e in run.result.errors)
    assert any("out of range" in e for e in run.result.errors)


def test_bookings_that_failed_are_read_again_on_the_next_run(sctx, admin):
    from dataclasses import replace

    from pms.sync.reservations import process_page
    from pms.sync.run import RETRY, new_run
    from pms.sync.state import read_ids, write_ids

    run_sync(sctx, SyncRequest(mode="full", entities="reservations,guests"))
    (t,) = pick(admin.truth(), today_of(admin), 1)
    rid = t["reservationID"]
    # An earlier run could not store this booking (an unreadable answer) ...
    page = list(sctx.client.get_reservations_with_rate_details(reservation_ids=[rid]))
    run = new_run(sctx, SyncRequest(mode="incremental"), apply=True)
    with sctx.engine.begin() as conn:
        process_page(conn, run, [replace(page[0], check_in=None)])
        assert run.failed_ids == {rid}
        write_ids(conn, sctx.property_id, RETRY, sorted(run.failed_ids))
    set_reservation(sctx.engine, rid, status="stale")
    # ... so the next run reads it again first, although Cloudbeds did not touch it since.
    admin.reset_counters()
    result = run_sync(sctx, SyncRequest(mode="incremental"))
    assert result.status == "completed"
    assert reservation(sctx.engine, rid)["status"] == t["status"]
    assert admin.calls()["getReservationsWithRateDetails"] == 2  # the retry, then the usual page
    with sctx.engine.connect() as conn:
        assert read_ids(conn, sctx.property_id, RETRY) == []
