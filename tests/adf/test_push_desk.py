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
