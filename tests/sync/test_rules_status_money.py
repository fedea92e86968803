"""Domain rules 6, 7 and 9-12: cancellations, deletions and money, against the sandbox."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from pms.db import schema
from pms.sync import SyncRequest, run_sync
from pms.sync.rules import cancel_block, choose_total, holds_payment

from .helpers import mismatches, pick, reservation, rows, set_reservation, today_of


def _full(ctx):
    result = run_sync(ctx, SyncRequest(mode="full", entities="catalog,reservations,guests"))
    assert result.status == "completed", result.error
    return result


def test_rule_06_cancel_only_unpaid_not_checked_in(ctx, admin):
    _full(ctx)
    a, b, c, d = pick(admin.truth(), today_of(admin), 4)
    set_reservation(ctx.engine, a["reservationID"], paid=0)
    # Rule 6 guards the hotel's own reservations; the mirror's copies of Cloudbeds follow it
    # (test_a_cloudbeds_cancellation_of_a_paid_reservation_is_mirrored in tests/adf).
    set_reservation(ctx.engine, b["reservationID"], paid=250_000, payment_collect="hotel", origin="local")
    set_reservation(ctx.engine, c["reservationID"], status="checked_in", origin="local")
    set_reservation(ctx.engine, d["reservationID"], paid=900_000, payment_collect="channel")
    ctx.client.put_reservation(a["reservationID"], status="no_show")  # treated like canceled
    for t in (b, c, d):
        ctx.client.put_reservation(t["reservationID"], status="canceled")
    result = run_sync(ctx, SyncRequest(mode="incremental"))

    assert reservation(ctx.engine, a["reservationID"])["status"] == "no_show"
    paid = reservation(ctx.engine, b["reservationID"])
    assert paid["status"] == "confirmed" and paid["sync_status"] == "error"
    assert "refund" in paid["sync_error"]
    in_house = reservation(ctx.engine, c["reservationID"])
    assert in_house["status"] == "checked_in" and in_house["sync_status"] == "synced"  # never touched
    # Channel Collect: the OTA holds the money and refunds it, so the booking cancels here too.
    assert reservation(ctx.engine, d["reservationID"])["status"] == "canceled"
    assert sum("refund it by hand" in w for w in result.warnings) == 1
    assert any("checked in here" in w for w in result.warnings)
    assert result.counts["reservations"].failed == 2


def test_rule_06_cancel_block_is_pure():
    assert cancel_block({"status": "confirmed", "paid": 0}) is None
    assert "refund" in cancel_block(
        {"status": "not_confirmed", "paid": Decimal("10"), "payment_collect": "hotel"}
    )
    assert "untouched" in cancel_block({"status": "checked_out", "paid": 0})
    assert not holds_payment({"paid": Decimal("10"), "payment_collect": "channel"})


def test_rule_07_never_deletes_rows_only_marks_them(ctx, admin, box):
    _full(ctx)
    deleted = admin.mutate(3, ["delete"])["changed"]
    assert deleted
    # A booking the database has but Cloudbeds no longer lists at all.
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.insert(schema.reservasi).values(
                property_id=box.property_id,
                cloudbed_reservation_id="5299999999",
                status="confirmed",
                check_in=date(2026, 1, 1),
                check_out=date(2026, 1, 2),
                sync_status="synced",
            )
        )
    before = len(rows(ctx.engine, schema.reservasi))
    result = run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    assert len(rows(ctx.engine, schema.reservasi)) == before  # nothing removed
    for rid in deleted:
        assert reservation(ctx.engine, rid)["is_deleted"] is True
    gone = reservation(ctx.engine, "5299999999")
    assert gone["is_deleted"] is True and "no longer in Cloudbeds" in gone["sync_error"]
    assert result.counts["reservations"].deleted == len(deleted) + 1
    assert mismatches(ctx.engine, box.property_id, admin.truth()) == []


def test_rule_07_deletions_arrive_with_incremental_runs(ctx, admin):
    _full(ctx)
    deleted = admin.mutate(2, ["delete"])["changed"]
    result = run_sync(ctx, SyncRequest(mode="incremental"))
    assert result.counts["reservations"].deleted == len(deleted)
    assert all(reservation(ctx.engine, rid)["is_deleted"] for rid in deleted)


def test_rule_09_totals_include_taxes_and_fees(ctx, admin):
    _full(ctx)
    for t in admin.truth()[:20]:
        row = reservation(ctx.engine, t["reservationID"])
        assert row["total"] == t["grandTotal"] == t["subTotal"] + t["taxesFees"] + t["additionalItems"]
        assert row["total"] > row["sub_total"]


def test_rule_10_hotel_price_wins_unless_changed_in_cloudbeds(ctx, admin):
    _full(ctx)
    hotel_made, ota = pick(admin.truth(), today_of(admin), 2, rooms=1)
    hotel_price = hotel_made["grandTotal"] - 100_000
    set_reservation(ctx.engine, hotel_made["reservationID"], origin="local", total=hotel_price)
    set_reservation(ctx.engine, ota["reservationID"], total=ota["grandTotal"] - 100_000)
    # A change in Cloudbeds that leaves the price alone.
    for t in (hotel_made, ota):
        ctx.client.put_reservation(t["reservationID"], estimated_arrival_time="18:30")
    run_sync(ctx, SyncRequest(mode="incremental"))
    assert reservation(ctx.engine, hotel_made["reservationID"])["total"] == hotel_price
    assert reservation(ctx.engine, ota["reservationID"])["total"] == ota["grandTotal"]  # Cloudbeds is master
    # Somebody changes the price in Cloudbeds (one more night): that change wins.
    end = date.fromisoformat(hotel_made["endDate"])
    ctx.client.put_reservation(hotel_made["reservationID"], checkout_date=end + timedelta(days=1))
    run_sync(ctx, SyncRequest(mode="incremental"))
    now = admin.truth([hotel_made["reservationID"]])[0]["grandTotal"]
    row = reservation(ctx.engine, hotel_made["reservationID"])
    assert now > hotel_made["grandTotal"] and row["total"] == now == row["cloudbed_total"]


def test_rule_11_total_more_than_twice_local_is_not_imported(ctx, admin):
    _full(ctx)
    (t,) = pick(admin.truth(), today_of(admin), 1)
    small = Decimal(t["grandTotal"]) / 3
    set_reservation(ctx.engine, t["reservationID"], total=small, cloudbed_total=small, origin="local")
    ctx.client.put_reservation(t["reservationID"], estimated_arrival_time="20:00")
    result = run_sync(ctx, SyncRequest(mode="incremental"))
    row = reservation(ctx.engine, t["reservationID"])
    assert row["total"] == small.quantize(Decimal("0.01")) and row["sync_status"] == "error"
    assert "more than twice" in row["sync_error"] and row["estimated_arrival"] == "20:00"
    assert any("more than twice" in w for w in result.warnings)
    assert result.counts["reservations"].failed == 1
    # A longer stay is not a broken folio: the local total is scaled by the nights first.
    total, _, warning = choose_total(
        {"total": 100, "cloudbed_total": 100, "check_in": date(2026, 1, 1), "check_out": date(2026, 1, 2)},
        Decimal(300),
        check_in=date(2026, 1, 1),
        check_out=date(2026, 1, 4),
    )
    assert (total, warning) == (Decimal(300), None)


def test_rule_12_payment_collect_from_the_source_field(ctx, admin):
    _full(ctx)
    sources = {s["source_id"]: s for s in rows(ctx.engine, schema.cloudbed_sources)}
    stored = rows(ctx.engine, schema.reservasi)
    assert {r["payment_collect"] for r in stored} == {"hotel", "channel"}
    for r in stored:
        assert r["payment_collect"] == sources[r["source_id"]]["payment_collect"]
    # Channel Collect sources say so in the field; their names alone would not tell which they are.
    channel = [s for s in sources.values() if s["payment_collect"] == "channel"]
    assert channel and all(s["source_id"].endswith("-0") for s in channel)


def test_a_full_reconcile_keeps_an_unsent_hotel_edit(ctx, admin):
    _full(ctx)
    (t,) = pick(admin.truth(), today_of(admin), 1)
    from pms.db.types import utcnow

    set_reservation(
        ctx.engine,
        t["reservationID"],
        status="checked_in",
        sync_status="pending",
        last_sync_at=utcnow() - timedelta(minutes=10),
        local_modified_at=utcnow() - timedelta(minutes=5),
    )
    _full(ctx)
    _full(ctx)  # a second reconcile must still see the edit as unsent
    row = reservation(ctx.engine, t["reservationID"])
    assert (row["status"], row["sync_status"], row["is_deleted"]) == ("checked_in", "pending", False)
