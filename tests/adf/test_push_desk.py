"""Staff type at the hotel's front desk (ADF) and it reaches Cloudbeds: both ADF variants, SQLite and
MariaDB, the real sandbox over HTTP. Nothing from before the push switch is sent; an echo of our
own pull is never sent back; a create whose answer was lost is not doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pms.adf.pushscan import forget_desk
from pms.db import schema
from tests.sync.helpers import today_of

from .deskstaff import by_third_party, change, free_rooms, push, push_on, room_id_of, stay, type_booking
from .helpers import links
from .steps import ready, sync


@pytest.fixture
def sandbox_config() -> dict:
    return {"reservations": 40}


@pytest.fixture(autouse=True)
def _fresh_reflection():
    forget_desk()
    yield
    forget_desk()


def _outbound(engine, operation: str) -> list[dict]:
    import sqlalchemy as sa

    log = schema.cloudbed_outbound_log
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(log).where(log.c.operation == operation)).mappings()]


def test_walk_in_typed_at_the_desk_reaches_cloudbeds_and_is_linked(ctx, admin, box, variant):
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    check_in, check_out = stay(today, 3, 2)
    room = free_rooms(admin, box, check_in, check_out, 1)[0]
    push_on(ctx.engine)
    booking_id, _ = type_booking(
        ctx.engine, code="BK-7001", room=room, check_in=check_in, check_out=check_out
    )
    result = push(ctx)
    found = by_third_party(admin, "BK-7001")
    assert len(found) == 1, result.warnings
    res = found[0]
    assert res["status"] == "confirmed"  # rule 8: created not_confirmed, then confirmed as the desk has it
    assert (res["startDate"], res["endDate"]) == (check_in.isoformat(), check_out.isoformat())
    (cb_room,) = res["rooms"]
    assert cb_room["roomID"] and cb_room["roomID"].endswith(tuple(room[-1:]))
    assert cb_room["adults"] == 2
    assert any(g["firstName"] == "Bapak Joko" and g["lastName"] == "Widodo" for g in res["guests"])
    (link,) = links(ctx.engine, adf_booking_id=booking_id)
    assert (link["how"], link["state"], link["cloudbed_reservation_id"]) == (
        "pushed",
        "active",
        res["reservationID"],
    )
    # The next pull reads it back and writes nothing into the desk; the next push sends nothing.
    calls = len(_outbound(ctx.engine, "postReservation")) + len(_outbound(ctx.engine, "putReservation"))
    again = sync(ctx, "incremental", direction="both")
    assert (again.front_desk or {}).get("update", 0) == 0
    push(ctx)
    assert (
        len(_outbound(ctx.engine, "postReservation")) + len(_outbound(ctx.engine, "putReservation")) == calls
    )
    assert len(by_third_party(admin, "BK-7001")) == 1


def test_nothing_typed_before_the_switch_is_sent(ctx, admin, box):
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    check_in, check_out = stay(today, 4, 2)
    room = free_rooms(admin, box, check_in, check_out, 1)[0]
    type_booking(ctx.engine, code="OLD-1", room=room, check_in=check_in, check_out=check_out)
    import time

    time.sleep(1.1)  # the desk's timestamps count seconds
    push_on(ctx.engine)
    push(ctx)
    assert by_third_party(admin, "OLD-1") == []
    assert _outbound(ctx.engine, "postReservation") == []


def test_status_dates_room_and_guest_changes_each_arrive_once(ctx, admin, box, variant):
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    check_in, check_out = today, today + timedelta(days=2)
    rooms = free_rooms(admin, box, check_in, check_out + timedelta(days=2), 2)
    push_on(ctx.engine)
    booking_id, guest_id = type_booking(
        ctx.engine, code="BK-7002", room=rooms[0], check_in=check_in, check_out=check_out
    )
    push(ctx)
    (res,) = by_third_party(admin, "BK-7002")
    rid = res["reservationID"]
    # Check-in at the desk.
    change(ctx.engine, "bookings", booking_id, status="checked_in")
    push(ctx)
    assert by_third_party(admin, "BK-7002")[0]["status"] == "checked_in"
    # Extension and room move.
    change(ctx.engine, "bookings", booking_id, check_out_date=check_out + timedelta(days=1))
    change(ctx.engine, "bookings", booking_id, room_id=room_id_of(ctx.engine, rooms[1]))
    push(ctx)
    (res,) = by_third_party(admin, "BK-7002")
    assert res["endDate"] == (check_out + timedelta(days=1)).isoformat()
    assert res["rooms"][0]["roomID"].split("-")[-1] and res["rooms"][0]["roomID"] != res["rooms"][0].get("x")
    # Guest edit at the desk → putGuest.
    change(ctx.engine, "guests", guest_id, guest_name="Joko Santoso", email="joko@example.com")
    push(ctx)
    (res,) = by_third_party(admin, "BK-7002")
    assert any(g["lastName"] == "Santoso" and g["email"] == "joko@example.com" for g in res["guests"])
    # A pull in between: our own echo is not sent back.
    sent = len(_outbound(ctx.engine, "putReservation")) + len(_outbound(ctx.engine, "putGuest"))
    sync(ctx, "incremental", direction="both")
    push(ctx)
    assert len(_outbound(ctx.engine, "putReservation")) + len(_outbound(ctx.engine, "putGuest")) == sent
    # Check-out at the desk.
    change(ctx.engine, "bookings", booking_id, status="checked_out")
    push(ctx)
    assert by_third_party(admin, "BK-7002")[0]["status"] == "checked_out"
    statuses = [r["payload"] for r in _outbound(ctx.engine, "putReservation") if r["cloudbed_id"] == rid]
    assert sum('"checked_in"' in p for p in statuses) == 1
    assert sum('"checked_out"' in p for p in statuses) == 1


def test_a_group_typed_as_several_bookings_is_one_reservation(ctx, admin, box):
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    check_in, check_out = stay(today, 5, 3)
    rooms = free_rooms(admin, box, check_in, check_out, 2)
    push_on(ctx.engine)
    first, guest = type_booking(
        ctx.engine, code="GRP-1", room=rooms[0], check_in=check_in, check_out=check_out
    )
    second, _ = type_booking(
        ctx.engine, code="GRP-2", room=rooms[1], check_in=check_in, check_out=check_out, guest_id=guest
    )
    push(ctx)
    (res,) = by_third_party(admin, "GRP-1")
    assert len(res["rooms"]) == 2 and all(r["roomID"] for r in res["rooms"])
    made = {
        lk["adf_booking_id"]: lk for lk in links(ctx.engine, cloudbed_reservation_id=res["reservationID"])
    }
    assert set(made) == {first, second}
    # One room of the group cancelled at the desk is a warning, not a cancelled reservation.
    change(ctx.engine, "bookings", second, status="cancelled")
    result = push(ctx)
    assert by_third_party(admin, "GRP-1")[0]["status"] == "confirmed"
    assert any("cancel that room in Cloudbeds by hand" in w for w in result.warnings)
    # Both cancelled: the reservation is cancelled, once.
    change(ctx.engine, "bookings", first, status="cancelled")
    push(ctx)
    push(ctx)
    assert by_third_party(admin, "GRP-1")[0]["status"] == "canceled"
    cancels = [r for r in _outbound(ctx.engine, "putReservation") if '"canceled"' in r["payload"]]
    assert [(r["decision"], r["success"]) for r in cancels] == [("refused", False), ("sent", True)]


def test_a_create_whose_answer_was_lost_is_not_doubled(desk, admin, box):
    from tests.sync.helpers import make_ctx

    ctx = make_ctx(desk, box, timeout=1.0)
    try:
        ready(ctx, box)
        sync(ctx, "full")
        today = today_of(admin)
        check_in, check_out = stay(today, 6, 2)
        room = free_rooms(admin, box, check_in, check_out, 1)[0]
        push_on(ctx.engine)
        type_booking(ctx.engine, code="BK-LOST", room=room, check_in=check_in, check_out=check_out)
        admin.fault("postReservation", "timeout", delay=2.5)  # Cloudbeds makes it; the answer is late
        push(ctx)
        push(ctx)
        assert len(by_third_party(admin, "BK-LOST")) == 1
        assert by_third_party(admin, "BK-LOST")[0]["status"] == "confirmed"
    finally:
        ctx.client.close()


def test_a_stay_cloudbeds_already_has_is_not_sent_again(ctx, admin, box):
    """Rule 3 first: staff typed a stay the mirror already holds (same dates, a shared name word)."""
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    mine = next(
        t
        for t in admin.truth()
        if t["status"] == "confirmed" and t["startDate"] > today.isoformat() and t["guests"] and t["rooms"]
    )
    from datetime import date

    push_on(ctx.engine)
    guest = mine["guests"][0]
    type_booking(
        ctx.engine,
        code="TYPED-1",
        room="101",
        check_in=date.fromisoformat(mine["startDate"]),
        check_out=date.fromisoformat(mine["endDate"]),
        name=f"Ibu {guest['firstName']} {guest['lastName']}",
    )
    result = push(ctx)
    assert by_third_party(admin, "TYPED-1") == []
    assert any("matches Cloudbeds reservation" in w for w in result.warnings)


def test_the_desks_overnight_check_out_reaches_cloudbeds_once(ctx, admin, box, variant):
    """ADF's dashboard checks out overdue in-house bookings by itself: Cloudbeds hears it once."""
    ready(ctx, box)
    sync(ctx, "full")
    push_on(ctx.engine)
    # A guest checked in in Cloudbeds (made and checked in there), pulled into the desk.
    from pms.cloudbeds.methods_reservations import RoomRequest
    from pms.sandbox.catalog import build_room_types
    from pms.sync.rules import room_number

    today = today_of(admin)
    number = free_rooms(admin, box, today, today + timedelta(days=1), 1)[0]
    cb_room = next(r for r in build_room_types(box.property_id)[1].values() if room_number(r.name) == number)
    made = ctx.client.post_reservation(
        start_date=today,
        end_date=today + timedelta(days=1),
        guest_first_name="Siti",
        guest_last_name="Rahayu",
        guest_email="siti@example.com",
        guest_country="ID",
        guest_zip="55281",
        rooms=[RoomRequest(cb_room.room_type_id, adults=1, room_id=cb_room.room_id)],
    )
    ctx.client.put_reservation(made.reservation_id, status="checked_in")
    sync(ctx, "incremental")
    (lk,) = links(ctx.engine, cloudbed_reservation_id=made.reservation_id)
    assert lk["how"] == "created" and lk["adf_booking_id"]
    out_col = "actual_check_out" if variant == "documented" else "actual_checkout_time"
    import sqlalchemy as sa

    with ctx.engine.begin() as conn:  # what ADF's dashboard runs, for the stay leaving soonest
        conn.execute(
            sa.text(
                f"UPDATE bookings SET status = 'checked_out', {out_col} = CURRENT_TIMESTAMP, "
                "updated_at = CURRENT_TIMESTAMP WHERE id = :i AND status = 'checked_in'"
            ),
            {"i": lk["adf_booking_id"]},
        )
    push(ctx)
    push(ctx)
    rid = lk["cloudbed_reservation_id"]
    assert next(t for t in admin.truth() if t["reservationID"] == rid)["status"] == "checked_out"
    sent = [r for r in _outbound(ctx.engine, "putReservation") if r["cloudbed_id"] == rid]
    assert len(sent) == 1 and sent[0]["success"]
    again = sync(ctx, "incremental", direction="both")
    assert not [w for w in again.warnings if rid in w and "front desk" in w]
    assert len([r for r in _outbound(ctx.engine, "putReservation") if r["cloudbed_id"] == rid]) == 1


def test_an_idle_poll_costs_no_cloudbeds_call(ctx, admin, box):
    from pms.sync.adfpush import front_desk_waiting

    ready(ctx, box)
    sync(ctx, "full")
    push_on(ctx.engine)
    push(ctx)
    calls = admin.requests_made()
    for _ in range(3):
        assert front_desk_waiting(ctx.engine, box.property_id) is False
    assert admin.requests_made() == calls
    today = today_of(admin)
    check_in, check_out = stay(today, 7, 1)
    room = free_rooms(admin, box, check_in, check_out, 1)[0]
    type_booking(ctx.engine, code="BK-POLL", room=room, check_in=check_in, check_out=check_out)
    assert front_desk_waiting(ctx.engine, box.property_id) is True
    assert admin.requests_made() == calls


def test_a_refused_walk_in_is_sent_after_a_managers_retry(ctx, admin, box):
    """Cloudbeds declines a create: a warning, not retried on its own; Retry on the Front desk
    page puts it back in the queue and the next push sends it (once)."""
    from pms.sync.outbox_retry import retry

    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    check_in, check_out = stay(today, 4, 2)
    room = free_rooms(admin, box, check_in, check_out, 1)[0]
    push_on(ctx.engine)
    booking_id, _ = type_booking(
        ctx.engine, code="BK-RETRY", room=room, check_in=check_in, check_out=check_out
    )
    admin.fault("postReservation", "success_false")
    push(ctx)
    push(ctx)  # refused by Cloudbeds: not tried again by itself
    assert by_third_party(admin, "BK-RETRY") == []
    refused = [
        r
        for r in _outbound(ctx.engine, "postReservation")
        if r["local_table"] == "bookings" and r["local_id"] == booking_id
    ]
    assert refused and not any(r["success"] for r in refused)
    assert retry(ctx.engine, ctx.property_id, refused[-1]["id"]) == f"bookings #{booking_id}"
    push(ctx)
    push(ctx)
    (res,) = by_third_party(admin, "BK-RETRY")
    assert res["status"] == "confirmed"
    assert links(ctx.engine, adf_booking_id=booking_id)


def test_a_payment_taken_for_a_walk_in_follows_it_to_cloudbeds(ctx, admin, box):
    """The desk types a walk-in and takes its money at once: the same push creates the
    reservation and sends the payment (our own booking: the hotel collects), once."""
    from .test_payments_push import _paid, _record_payment

    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    check_in, check_out = stay(today, 2, 1)
    room = free_rooms(admin, box, check_in, check_out, 1)[0]
    push_on(ctx.engine)
    booking_id, _ = type_booking(ctx.engine, code="BK-PAY", room=room, check_in=check_in, check_out=check_out)
    _record_payment(ctx.engine, booking_id, 250_000)
    push(ctx)
    (res,) = by_third_party(admin, "BK-PAY")
    assert _paid(admin, res["reservationID"]) == 250_000
    push(ctx)
    sync(ctx, "incremental")
    push(ctx)
    assert _paid(admin, res["reservationID"]) == 250_000  # sent once
