"""Payments and room blocks through the client, against the sandbox: no payment or block is made
twice when an answer is lost."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pms.errors import APIError

from .helpers import make_client


def _today(admin) -> date:
    return date.fromisoformat(admin.state()["today"])


def _open_booking(client, admin):
    today = _today(admin)
    return next(
        r
        for r in client.get_reservations(status="confirmed", check_in_from=today + timedelta(days=3))
        if r.balance and r.balance > 1000
    )


def test_payment_methods_and_a_payment(client, admin):
    methods = {m.method: m for m in client.get_payment_methods()}
    assert {"cash", "credit", "ebanking", "qris"} <= set(methods)
    assert "visa" in methods["credit"].card_types
    booking = _open_booking(client, admin)
    before = client.get_reservation(booking.reservation_id).paid
    made = client.post_payment(booking.reservation_id, type="cash", amount=Decimal("125000"))
    assert made.payment_id and made.transaction_id and not made.recovered
    assert client.get_reservation(booking.reservation_id).paid == before + 125000
    client.post_void_payment(booking.reservation_id, made.payment_id)
    assert client.get_reservation(booking.reservation_id).paid == before
    with pytest.raises(APIError, match="Invalid payment type"):
        client.post_payment(booking.reservation_id, type="barter", amount=Decimal(1))


def test_timed_out_payment_is_found_not_paid_twice(box, admin, fake_time):
    records: list = []
    c = make_client(box, fake_time, timeout=0.4, on_call=records.append)
    booking = _open_booking(c, admin)
    before = c.get_reservation(booking.reservation_id).paid
    admin.fault("postPayment", "timeout", times=1, delay=1.5)  # booked; the answer comes too late
    made = c.post_payment(booking.reservation_id, type="qris", amount=Decimal("50000"), paid_before=before)
    assert made.recovered and made.payment_id is None
    assert c.get_reservation(booking.reservation_id).paid == before + 50000
    assert [r.endpoint for r in records].count("postPayment") == 1


def test_room_block_round_trip(client, admin):
    start = _today(admin) + timedelta(days=50)
    end = start + timedelta(days=3)
    room = client.get_rooms(start_date=start, end_date=end + timedelta(days=1)).all()[0]
    block = client.post_room_block(
        room_ids=[room.room_id], start_date=start, end_date=end, reason="ADF room 101: maintenance"
    )
    assert block.room_block_id and block.room_ids == (room.room_id,)
    assert (block.start_date, block.end_date, block.block_type) == (start, end, "out_of_service")
    found = client.get_room_blocks(start_date=start, end_date=end).all()
    assert [b.room_block_id for b in found if room.room_id in b.room_ids] == [block.room_block_id]
    longer = client.put_room_block(block.room_block_id, end_date=end + timedelta(days=2))
    assert longer.end_date == end + timedelta(days=2)
    assert client.delete_room_block(block.room_block_id) is True
    assert client.delete_room_block(block.room_block_id) is False  # already gone: nothing to do
    assert client.get_room_blocks(start_date=start, end_date=end).all() == []


def test_timed_out_room_block_is_found_not_made_twice(box, admin, fake_time):
    c = make_client(box, fake_time, timeout=0.4)
    start = _today(admin) + timedelta(days=55)
    room = c.get_rooms(start_date=start, end_date=start + timedelta(days=1)).all()[0]
    admin.fault("postRoomBlock", "timeout", times=1, delay=1.5)
    block = c.post_room_block(room_ids=[room.room_id], start_date=start, end_date=start, reason="ADF room 1")
    assert block.room_block_id
    assert len(c.get_room_blocks(start_date=start, end_date=start).all()) == 1
