"""Walk-ins made in our own dashboard form while sending was off are not lost: they reach
Cloudbeds once sending is switched on (rule 14 protects what was typed before the integration,
not our own form's bookings), with a front desk (typed into ADF) and without one (reservasi)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from pms import edits
from pms.adf.pushscan import forget_desk
from pms.edits import walkin
from pms.sandbox.catalog import build_room_types
from tests.sync.helpers import make_ctx, today_of

from .deskstaff import by_third_party, push, push_on
from .helpers import links
from .steps import ready, sync


@pytest.fixture
def sandbox_config() -> dict:
    return {"reservations": 30}


@pytest.fixture(autouse=True)
def _fresh_reflection():
    forget_desk()
    yield
    forget_desk()


def _booking(box, today, nights=2):
    type_id = sorted(build_room_types(box.property_id)[0])[0]
    return edits.NewReservation(
        check_in=today + timedelta(days=8),
        check_out=today + timedelta(days=8 + nights),
        first_name="Made",
        last_name="Wirawan",
        email="made@example.id",
        rooms=(edits.RoomRequest(type_id, adults=2),),
    )


def test_a_desk_walk_in_made_while_sending_was_off_is_sent_once_it_is_on(ctx, admin, box, variant):
    ready(ctx, box)
    sync(ctx, "full")
    today = today_of(admin)
    out = walkin.create_walk_in(ctx.engine, box.property_id, _booking(box, today), today, submission="f00d")
    assert out["where"] == "front_desk" and not out["again"]
    time.sleep(1.1)  # switched on later than the booking was typed
    push_on(ctx.engine)
    push(ctx)
    (res,) = by_third_party(admin, out["code"])
    assert res["status"] == "confirmed" and res["rooms"][0]["roomID"]
    (link,) = links(ctx.engine, adf_booking_id=out["id"])
    assert link["how"] == "pushed"
    push(ctx)
    assert len(by_third_party(admin, out["code"])) == 1


def test_a_form_reservation_made_while_sending_was_off_is_sent_once_it_is_on(db, box, admin):
    ctx = make_ctx(db, box)
    try:
        from pms.sync import SyncRequest, run_sync

        assert run_sync(ctx, SyncRequest(mode="full", entities="catalog")).status == "completed"
        today = today_of(admin)
        out = walkin.create_walk_in(db, box.property_id, _booking(box, today), today, submission="beef")
        assert out["where"] == "reservations"
        time.sleep(1.1)
        push_on(db)
        result = run_sync(ctx, SyncRequest(mode="incremental", direction="push", entities="reservations"))
        assert result.status == "completed", (result.error, result.errors)
        assert len(by_third_party(admin, out["local_ref"])) == 1
    finally:
        ctx.client.close()
