"""The sync carries the front desk, on both ADF variants and both engines, against the real sandbox."""

from __future__ import annotations

from collections import Counter
from datetime import date

from pms.db.settings import Settings
from pms.sandbox.catalog import build_room_types
from pms.sync import SyncRequest, plan_sync
from pms.sync.rules import room_number
from tests.sync.helpers import mismatches, reservation, today_of

from .helpers import as_date, bookings, by_code, consistent, double_booked, guests, links, room_numbers
from .steps import ready, sync


def _live_rooms(truth, today: date) -> dict[str, dict]:
    """Cloudbeds' rooms in scope: stays not cancelled ending today or later, by sub-reservation."""
    out = {}
    for t in truth:
        if t["isDeleted"] or t["status"] in ("canceled", "no_show"):
            continue
        for room in t["rooms"]:
            if date.fromisoformat(room["checkOut"]) >= today:
                out[room["subReservationID"]] = {**room, "reservation": t}
    return out


def test_full_sync_writes_one_booking_per_assigned_room(ctx, admin, box, variant):
    ready(ctx, box)
    result = sync(ctx, "full")
    today = today_of(admin)
    wanted = _live_rooms(admin.truth(), today)
    made = {lk["cloudbed_sub_reservation_id"]: lk for lk in links(ctx.engine) if lk["adf_booking_id"]}
    rows = {b["id"]: b for b in bookings(ctx.engine)}
    numbers = room_numbers(ctx.engine)
    cloudbeds_rooms = build_room_types(box.property_id)[1]
    placed = [sub for sub, room in wanted.items() if room["roomID"]]
    assert placed and len(made) >= len(placed) - result.front_desk["warn"]
    for sub, lk in made.items():
        b = rows[lk["adf_booking_id"]]
        room = wanted[sub]
        assert b["booking_code"].startswith("CB" + room["reservation"]["reservationID"])
        assert (as_date(b["check_in_date"]), as_date(b["check_out_date"])) == (
            date.fromisoformat(room["checkIn"]),
            date.fromisoformat(room["checkOut"]),
        )
        assert room_number(cloudbeds_rooms[room["roomID"]].name) == numbers[b["room_id"]]  # rule 4
        assert f"Cloudbeds #{room['reservation']['reservationID']}" in b["notes"]
        assert b["guest_id"] in guests(ctx.engine)
    assert double_booked(ctx.engine) == []
    unassigned = [sub for sub, room in wanted.items() if not room["roomID"]]
    problems = {lk["cloudbed_sub_reservation_id"]: lk for lk in links(ctx.engine) if lk["problem_kind"]}
    assert all(problems[sub]["problem_kind"] == "unassigned" for sub in unassigned)
    assert any("assign a room in Cloudbeds" in w for w in result.warnings) == bool(unassigned)
    assert result.to_json()["front_desk"]["create"] == len(made)
    # The projection is idempotent: a second full sync writes nothing new.
    again = sync(ctx, "full")
    assert (again.front_desk["create"], again.front_desk["update"], again.front_desk["move"]) == (0, 0, 0)
    assert len(bookings(ctx.engine)) == len(rows)
    assert mismatches(ctx.engine, box.property_id, admin.truth()) == []


def test_switched_off_nothing_is_written_but_the_plan_shows_it(ctx, admin, box):
    ready(ctx, box, enable=False)
    plan = plan_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    assert plan.front_desk["create"] > 0 and plan.front_desk_samples["create"]
    assert "Front desk (ADF):" in "\n".join(plan.lines())
    assert plan.to_json()["front_desk"]["actions"]["create"] == plan.front_desk["create"]
    result = sync(ctx, "full")
    assert bookings(ctx.engine) == [] and result.front_desk is None
    # Switched on: the next run (even an incremental one with nothing new) writes every stay in scope.
    Settings(ctx.engine).set("adf_frontdesk_enabled", True)
    calls0 = admin.requests_made()
    result = sync(ctx, "incremental")
    assert result.front_desk["create"] == plan.front_desk["create"]
    assert admin.requests_made() - calls0 <= 3
    assert double_booked(ctx.engine) == []


def test_incremental_after_sandbox_mutate_follows_the_front_desk(ctx, admin, box):
    ready(ctx, box)
    sync(ctx, "full")
    before = by_code(ctx.engine)
    changed = admin.mutate(12, ["create", "modify", "cancel", "dates"])["changed"]
    assert changed
    result = sync(ctx, "incremental")
    after = by_code(ctx.engine)
    truth = {t["reservationID"]: t for t in admin.truth(changed)}
    today = today_of(admin)
    kinds = Counter()
    for t in truth.values():
        for room in t["rooms"]:
            lk = next(
                (x for x in links(ctx.engine, cloudbed_sub_reservation_id=room["subReservationID"])), None
            )
            if lk is None or lk["adf_booking_id"] is None:
                continue
            b = next(b for b in after.values() if b["id"] == lk["adf_booking_id"])
            if t["status"] == "canceled":
                paid = float(t["paid"] or 0) > 0 and t.get("sourceID", "").endswith("-1")
                assert b["status"] == "cancelled" or (paid and lk["problem_kind"] == "cancel")
                kinds["cancel"] += 1
            elif date.fromisoformat(room["checkOut"]) >= today and lk["problem_kind"] is None:
                assert as_date(b["check_out_date"]) == date.fromisoformat(room["checkOut"])
                kinds["follow"] += 1
    assert kinds and len(after) >= len(before)
    assert double_booked(ctx.engine) == []
    assert result.front_desk is not None
    assert mismatches(ctx.engine, box.property_id, admin.truth()) == []


def test_a_cloudbeds_cancellation_of_a_paid_reservation_is_mirrored(ctx, admin, box):
    """The mirror says what Cloudbeds says; rule 6 holds the hotel's ADF booking with a warning."""
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    paid = [
        t
        for t in admin.truth()
        if t["status"] == "confirmed"
        and float(t["paid"] or 0) > 0
        and not t["sourceID"].endswith("-0")  # Hotel Collect: the hotel holds the money
        and date.fromisoformat(t["startDate"]) > today
    ]
    placed = {lk["cloudbed_reservation_id"]: lk for lk in links(ctx.engine) if lk["adf_booking_id"]}
    rid = next(t["reservationID"] for t in paid if t["reservationID"] in placed)
    target = placed[rid]
    ctx.client.put_reservation(rid, status="canceled")
    result = sync(ctx, "incremental")
    mirror = reservation(ctx.engine, rid)
    assert mirror["status"] == "canceled" and mirror["sync_status"] == "synced"  # the mirror tells the truth
    b = next(b for b in bookings(ctx.engine) if b["id"] == target["adf_booking_id"])
    assert b["status"] != "cancelled"  # the hotel's booking holds money: a person cancels it
    lk = links(ctx.engine, cloudbed_sub_reservation_id=target["cloudbed_sub_reservation_id"])[0]
    assert lk["problem_kind"] == "cancel" and "refund it by hand" in lk["problem"]
    assert any("refund it by hand" in w for w in result.warnings)
    assert mismatches(ctx.engine, box.property_id, admin.truth()) == []


def test_the_mirror_equals_cloudbeds_after_100_random_front_desk_changes(desk, sandbox_factory, variant):
    """Paid reservations cancelled in Cloudbeds used to stay confirmed in the mirror; now the mirror
    equals Cloudbeds after any mix of changes, and the front desk holds no double-booked room."""
    from tests.sync.helpers import Admin, make_ctx

    box = sandbox_factory(rate_limit=None, reservations=500)
    admin = Admin(box)
    ctx = make_ctx(desk, box)
    try:
        ready(ctx, box)
        sync(ctx, "full")
        admin.mutate(100)
        sync(ctx, "incremental")
        assert mismatches(ctx.engine, box.property_id, admin.truth()) == []
        consistent(ctx.engine)
    finally:
        ctx.client.close()
