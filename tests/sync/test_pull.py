"""Pulling from Cloudbeds: full, incremental and window runs against the sandbox and a real database."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.sync import SyncRequest, run_sync
from pms.sync.state import read_cursor

from .helpers import count, mismatches, rows


def test_full_sync_equals_the_sandbox(ctx, admin, box):
    result = run_sync(ctx, SyncRequest(mode="full"))
    assert result.status == "completed", result.error
    truth = admin.truth()
    assert mismatches(ctx.engine, box.property_id, truth) == []
    assert result.counts["reservations"].created == len(truth)
    assert count(ctx.engine, schema.reservasi) == len(truth)
    assert count(ctx.engine, schema.reservasi_room) == sum(len(t["rooms"]) for t in truth)
    assert count(ctx.engine, schema.guest) == len({g["guestID"] for t in truth for g in t["guests"]})


def test_full_pull_costs_about_one_call_per_hundred_reservations(ctx, admin):
    admin.reset_counters()
    result = run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    pages = -(-len(admin.truth()) // 100)
    calls = admin.calls()
    # The time zone is learnt once (getHotels); then one rate-details page per 100 bookings, no detail calls.
    assert calls.get("getReservationsWithRateDetails") == pages
    assert "getReservation" not in calls and "getGuest" not in calls
    assert result.api_calls == admin.requests_made() <= pages + 1


def test_a_second_full_sync_changes_nothing(ctx):
    run_sync(ctx, SyncRequest(mode="full"))
    with ctx.engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.max(schema.reservasi.c.updated_at))).scalar()
    again = run_sync(ctx, SyncRequest(mode="full"))
    counts = again.counts["reservations"]
    assert (counts.created, counts.updated, counts.deleted) == (0, 0, 0)
    assert counts.unchanged == again.counts["reservations"].processed
    assert again.counts["rooms"].updated == 0 and again.counts["guests"].updated == 0
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.max(schema.reservasi.c.updated_at))).scalar() == before


def test_incremental_picks_up_exactly_the_changes(ctx, admin, box):
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    changed = admin.mutate(12, ["create", "modify", "dates", "guest"])
    admin.reset_counters()
    result = run_sync(ctx, SyncRequest(mode="incremental"))
    assert result.status == "completed", result.error
    counts = result.counts["reservations"]
    new = {m["reservationID"] for m in changed["mutations"] if m["kind"] == "create"}
    assert counts.created == len(new)
    assert counts.updated == len(set(changed["changed"]) - new)
    assert mismatches(ctx.engine, box.property_id, admin.truth()) == []
    assert admin.requests_made() <= 4  # one rate-details page, one getGuestsModified page (+ a spare)


def test_incremental_with_nothing_changed_costs_at_most_three_calls(ctx, admin):
    run_sync(ctx, SyncRequest(mode="full"))
    admin.reset_counters()
    result = run_sync(ctx, SyncRequest(mode="incremental"))
    assert result.status == "completed"
    assert admin.requests_made() <= 3
    assert result.api_calls == admin.requests_made()
    counts = result.counts["reservations"]
    assert counts.created == counts.updated == counts.deleted == 0


def test_cursor_per_property_and_entity_moves_with_the_run(ctx, admin):
    with ctx.engine.connect() as conn:
        assert read_cursor(conn, ctx.property_id, "reservations") is None
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    with ctx.engine.connect() as conn:
        first = read_cursor(conn, ctx.property_id, "reservations")
        assert first is not None and read_cursor(conn, ctx.property_id, "guests") is not None
        assert read_cursor(conn, "999999", "reservations") is None
    admin.mutate(3, ["modify"])
    run_sync(ctx, SyncRequest(mode="incremental"))
    with ctx.engine.connect() as conn:
        assert read_cursor(conn, ctx.property_id, "reservations") >= first


def test_incremental_without_a_cursor_runs_a_full_pull(ctx, admin, box):
    result = run_sync(ctx, SyncRequest(mode="incremental"))
    assert result.mode == "full"
    assert any("no incremental cursor" in w for w in result.warnings)
    assert mismatches(ctx.engine, box.property_id, admin.truth()) == []


def test_window_sync_reads_stays_overlapping_the_window(sctx, admin, box):
    truth = admin.truth()
    # A window that begins in the middle of a long stay, so not only arrivals are in it.
    long_stay = next(
        t
        for t in truth
        if not t["isDeleted"]
        and (date.fromisoformat(t["endDate"]) - date.fromisoformat(t["startDate"])).days >= 3
    )
    start = date.fromisoformat(long_stay["startDate"]) + timedelta(days=1)
    end = start + timedelta(days=4)
    overlapping = [
        t
        for t in truth
        if not t["isDeleted"]
        and date.fromisoformat(t["startDate"]) <= end
        and date.fromisoformat(t["endDate"]) >= start
    ]
    result = run_sync(
        sctx, SyncRequest(mode="window", date_from=start, date_to=end, entities="reservations,guests")
    )
    assert result.status == "completed", result.error
    stored = {r["cloudbed_reservation_id"] for r in rows(sctx.engine, schema.reservasi)}
    assert stored == {t["reservationID"] for t in overlapping}
    # Not only arrivals: stays that began before the window are there too.
    assert any(date.fromisoformat(t["startDate"]) < start for t in overlapping)
    assert mismatches(sctx.engine, box.property_id, overlapping) == []


def test_catalogue_rates_and_availability(sctx, box):
    result = run_sync(sctx, SyncRequest(mode="full", entities="catalog,rates,availability"))
    assert result.status == "completed", result.error
    prop = rows(sctx.engine, schema.cloudbed_properties)[0]
    assert (prop["timezone"], prop["currency_code"]) == ("Asia/Jakarta", "IDR")
    types = {t["room_type_id"]: t for t in rows(sctx.engine, schema.cloudbed_room_types)}
    assert len(types) == 6 and sum(t["units"] for t in types.values()) == 33
    rooms = rows(sctx.engine, schema.cloudbed_rooms)
    assert {r["room_number"] for r in rooms} >= {"101", "201", "301", "401", "501", "601"}
    sources = {s["source_id"]: s["payment_collect"] for s in rows(sctx.engine, schema.cloudbed_sources)}
    assert sources["ss-101-0"] == "channel" and sources["ss-101-1"] == "hotel"
    rates = rows(sctx.engine, schema.cloudbed_rate_sync)
    assert len({r["rate_date"] for r in rates}) == 90 and len({r["rate_id"] for r in rates}) == 12
    avail = rows(sctx.engine, schema.cloudbed_availability)
    assert len(avail) == 6 * 90
    assert all(
        0 <= a["rooms_available"] <= a["rooms_total"] == types[a["room_type_id"]]["units"] for a in avail
    )
    assert result.api_calls <= 7  # five catalogue calls and one getRatePlans for 90 nights
