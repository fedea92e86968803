"""The Front desk page's outbox: what waits to be sent to Cloudbeds, what was refused and why, and a
Retry that only managers get (AppTest, a real ADF database, real pushes against the sandbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.sync import SyncRequest, run_sync
from tests.dashboard.conftest import texts
from tests.sync.helpers import make_ctx, rows, today_of

from .steps import sync
from .test_dashboard import FRONT, hotel  # noqa: F401  (the fixture)
from .test_payments_push import _linked, _record_payment

PAY = schema.cloudbed_payment_link


@pytest.fixture
def outbox_hotel(hotel, box, admin):  # noqa: F811
    """The hotel with bookings on the desk, push on, and three payments: one sent, one refused
    (Channel Collect), one waiting (its booking was typed at the desk before push was switched on,
    so it is not in Cloudbeds)."""
    Settings(hotel.engine).set("adf_frontdesk_enabled", True)
    ctx = make_ctx(hotel.engine, box)
    sync(ctx, "full")
    today = today_of(admin)
    Settings(hotel.engine).set_push_enabled(True, now=utcnow() - timedelta(minutes=1))
    paid = _record_payment(
        hotel.engine, _linked(hotel.engine, box.property_id, "hotel", today)["adf_booking_id"], 10_000
    )
    refused = _record_payment(
        hotel.engine, _linked(hotel.engine, box.property_id, "channel", today)["adf_booking_id"], 20_000
    )
    with hotel.engine.begin() as conn:
        room = conn.execute(sa.text("SELECT MAX(id) FROM rooms")).scalar()
        guest = conn.execute(
            sa.text("INSERT INTO guests (guest_name, id_card_number) VALUES ('Walk In', 'K1')")
        ).lastrowid
        booking = conn.execute(  # typed before push was switched on: the push does not send it
            sa.text(
                "INSERT INTO bookings (booking_code, guest_id, room_id, check_in_date, check_out_date, "
                "status, created_at) VALUES ('BK-W1', :g, :r, :i, :o, 'confirmed', :c)"
            ),
            {
                "g": guest,
                "r": room,
                "i": today + timedelta(days=90),
                "o": today + timedelta(days=91),
                "c": (utcnow() - timedelta(hours=2)).replace(tzinfo=None),
            },
        ).lastrowid
    waiting = _record_payment(hotel.engine, booking, 30_000)
    result = run_sync(ctx, SyncRequest(mode="incremental", direction="push"))
    assert result.status == "completed", result.error
    ctx.client.close()
    return hotel, {"sent": paid, "refused": refused, "waiting": waiting}


def test_manager_sees_waiting_and_refused_and_retries(outbox_hotel):
    dash, ids = outbox_hotel
    at = dash.app(as_user=dash.user())
    at.switch_page(FRONT).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Sending to Cloudbeds" in shown and "Waiting (1)" in shown and "Refused (1)" in shown
    records = [
        set(el.value["record"])
        for el in at.dataframe
        if "record" in el.value.columns and "reason" in el.value.columns
    ]
    assert {f"booking_payments #{ids['waiting']}"} in records and {
        f"booking_payments #{ids['refused']}"
    } in records
    assert all(f"#{ids['sent']}" not in r for s in records for r in s)  # sent: nothing left to do
    reasons = " ".join(r for el in at.dataframe if "reason" in el.value.columns for r in el.value["reason"])
    assert "Channel Collect" in reasons and "not in Cloudbeds yet" in reasons
    at.button(key="frontdesk_retry").click().run()
    assert not at.exception, at.exception
    assert f"booking_payments #{ids['refused']} will be tried again" in texts(at)
    (link,) = rows(dash.engine, PAY, PAY.c.adf_payment_id == ids["refused"])
    assert link["state"] == "failed"


def test_staff_see_the_outbox_without_a_retry_button(outbox_hotel):
    dash, _ids = outbox_hotel
    at = dash.app(as_user=dash.user("budi", role="staff"))
    at.switch_page(FRONT).run()
    assert not at.exception, at.exception
    assert "Refused (1)" in texts(at)
    assert "frontdesk_retry" not in [b.key for b in at.button]
    assert "frontdesk_retry_pick" not in [s.key for s in at.selectbox]
