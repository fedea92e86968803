"""ADF payments reach Cloudbeds once, on both ADF variants and both engines, against the sandbox.

A payment staff record in ``booking_payments`` on a linked Hotel Collect booking becomes one
postPayment (also after a re-run and after a lost answer); never for Channel Collect (rule 12),
never from before push was switched on (rule 14); a payment made in Cloudbeds changes only the
booking's paid amount and payment status, never ``booking_payments``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import requests
import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from pms.sync import SyncRequest, plan_sync, run_sync
from tests.sync.helpers import make_ctx, rows

from .helpers import bookings, links
from .steps import ready, sync

OUT, PAY = schema.cloudbed_outbound_log, schema.cloudbed_payment_link


def _linked(engine, pid: str, collect: str, today) -> dict:
    """A linked ADF booking (future, confirmed) whose Cloudbeds reservation has ``collect``."""
    link, r = schema.cloudbed_booking_link, schema.reservasi
    with engine.connect() as conn:
        found = (
            conn.execute(
                sa.select(link.c.adf_booking_id, link.c.cloudbed_reservation_id)
                .join(
                    r,
                    sa.and_(
                        r.c.property_id == link.c.property_id,
                        r.c.cloudbed_reservation_id == link.c.cloudbed_reservation_id,
                    ),
                )
                .where(
                    link.c.property_id == pid,
                    link.c.adf_booking_id.is_not(None),
                    link.c.state == "active",
                    r.c.payment_collect == collect,
                    r.c.status == "confirmed",
                    r.c.check_in > today,
                )
                .order_by(link.c.id)
            )
            .mappings()
            .first()
        )
    assert found is not None, f"the seeded sandbox has a linked {collect}-collect booking"
    return dict(found)


def _record_payment(engine, booking_id: int, amount: int, method: str = "cash", created=None) -> int:
    """What ADF's front desk does when staff take money: a row in booking_payments."""
    values = {"b": booking_id, "a": amount, "m": method}
    columns = "booking_id, amount, payment_method"
    if created is not None:
        columns += ", created_at"
        values["c"] = created.replace(tzinfo=None)
    params = ", ".join(f":{k}" for k in values)
    with engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO booking_payments ({columns}) VALUES ({params})"), values)
        return int(conn.execute(sa.text("SELECT MAX(id) FROM booking_payments")).scalar())


def _pay_in_cloudbeds(box, rid: str, amount: int) -> None:
    """A payment someone takes in Cloudbeds itself."""
    requests.post(
        f"{box.base_url}/postPayment",
        data={"reservationID": rid, "type": "cash", "amount": str(amount)},
        headers={"x-api-key": box.api_key},
        timeout=30,
    ).raise_for_status()


def _paid(admin, rid: str) -> Decimal:
    (truth,) = admin.truth([rid])
    return Decimal(str(truth["paid"]))


def _adf_payments(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT COUNT(*) FROM booking_payments")).scalar())


def _push(ctx):
    result = run_sync(ctx, SyncRequest(mode="incremental", direction="push"))
    assert result.status in ("completed", "partial"), (result.error, result.errors)
    return result


def test_payment_is_sent_once_never_for_channel_collect_nor_from_before_push(ctx, admin, box):
    ready(ctx, box)
    sync(ctx, "full")
    today = date_of(admin)
    hotel = _linked(ctx.engine, box.property_id, "hotel", today)
    channel = _linked(ctx.engine, box.property_id, "channel", today)
    since = utcnow() - timedelta(minutes=5)
    old = _record_payment(ctx.engine, hotel["adf_booking_id"], 99_000, created=since - timedelta(hours=2))
    _pay_in_cloudbeds(box, hotel["cloudbed_reservation_id"], 99_000)  # typed in by hand back then
    Settings(ctx.engine).set_push_enabled(True, now=since)
    paid0 = _paid(admin, hotel["cloudbed_reservation_id"])
    new = _record_payment(ctx.engine, hotel["adf_booking_id"], 150_000, method="qris")
    ota = _record_payment(ctx.engine, channel["adf_booking_id"], 75_000)
    # The preview shows what would be sent and sends nothing.
    plan = plan_sync(ctx, SyncRequest(mode="incremental", direction="push"))
    sent_plan = [a for a in plan.samples["push_create"] if a.entity == "payments"]
    assert [a.key for a in sent_plan] == [f"ADF payment #{new}"]
    warned = plan.samples["warn"]
    assert any(a.key == f"ADF payment #{ota}" and "Channel Collect" in a.summary for a in warned)
    assert _paid(admin, hotel["cloudbed_reservation_id"]) == paid0
    calls0 = admin.calls().get("postPayment", 0)
    _push(ctx)
    assert _paid(admin, hotel["cloudbed_reservation_id"]) == paid0 + 150_000
    (link,) = rows(ctx.engine, PAY, PAY.c.adf_payment_id == new)
    assert link["state"] == "sent" and link["cloudbed_transaction_id"] and link["cloudbed_method"] == "qris"
    assert rows(ctx.engine, PAY, PAY.c.adf_payment_id == old) == []  # rule 14: typed in by hand already
    (skipped,) = rows(ctx.engine, PAY, PAY.c.adf_payment_id == ota)
    assert skipped["state"] == "skipped" and "Channel Collect" in skipped["error"]
    logged = {
        (o["local_id"], o["decision"], o["success"])
        for o in rows(ctx.engine, OUT, OUT.c.operation == "postPayment")
    }
    assert logged == {(new, "sent", True), (ota, "refused", False)}
    # A re-run sends nothing again.
    _push(ctx)
    assert admin.calls().get("postPayment", 0) - calls0 == 1
    assert _paid(admin, hotel["cloudbed_reservation_id"]) == paid0 + 150_000
    # The pull brings Cloudbeds' paid amount back as paid_amount only, never as a payment row.
    count0 = _adf_payments(ctx.engine)
    _pay_in_cloudbeds(box, hotel["cloudbed_reservation_id"], 25_000)
    sync(ctx, "incremental")
    assert _adf_payments(ctx.engine) == count0
    # Split over the reservation's rooms, the ADF bookings hold what Cloudbeds says is paid.
    rooms = {
        lk["adf_booking_id"]
        for lk in links(ctx.engine, cloudbed_reservation_id=hotel["cloudbed_reservation_id"])
    }
    held = [b for b in bookings(ctx.engine) if b["id"] in rooms]
    assert sum(Decimal(str(b["paid_amount"])) for b in held) == _paid(admin, hotel["cloudbed_reservation_id"])
    assert {b["payment_status"] for b in held} <= {"partial", "paid"}
    _push(ctx)
    assert admin.calls().get("postPayment", 0) - calls0 == 2  # ours once, and the one made in Cloudbeds
    # Deleted at the desk after it was sent: never voided automatically, a person is told once.
    with ctx.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM booking_payments WHERE id = :p"), {"p": new})
    result = _push(ctx)
    assert any("void it in Cloudbeds by hand" in w for w in result.warnings)
    assert rows(ctx.engine, PAY, PAY.c.adf_payment_id == new)[0]["state"] == "deleted"
    assert "postVoidPayment" not in admin.calls()
    assert not any("void it in Cloudbeds" in w for w in _push(ctx).warnings)


def test_a_lost_answer_is_found_by_the_next_run_not_paid_twice(desk, admin, box):
    ctx = make_ctx(desk, box, timeout=0.4)
    try:
        ready(ctx, box)
        sync(ctx, "full")
        hotel = _linked(ctx.engine, box.property_id, "hotel", date_of(admin))
        Settings(ctx.engine).set_push_enabled(True, now=utcnow() - timedelta(minutes=1))
        paid0 = _paid(admin, hotel["cloudbed_reservation_id"])
        new = _record_payment(ctx.engine, hotel["adf_booking_id"], 200_000, method="transfer")
        admin.fault("postPayment", "timeout", times=1, delay=1.5)  # booked; the answer comes too late
        # ... and the look-up after it fails too.
        admin.fault("getReservation", "http_500", times=20)
        _push(ctx)
        (link,) = rows(ctx.engine, PAY, PAY.c.adf_payment_id == new)
        assert link["state"] == "failed" and link["paid_before"] == paid0
        admin.clear_faults()
        calls0 = admin.calls().get("postPayment", 0)
        _push(ctx)
        (link,) = rows(ctx.engine, PAY, PAY.c.adf_payment_id == new)
        assert link["state"] == "sent" and link["cloudbed_method"] == "ebanking"
        assert admin.calls().get("postPayment", 0) == calls0  # found, not sent again
        assert _paid(admin, hotel["cloudbed_reservation_id"]) == paid0 + 200_000
    finally:
        ctx.client.close()


def test_method_mapping_and_a_payment_that_cannot_be_sent_expires(ctx, admin, box):
    ready(ctx, box)
    sync(ctx, "full")
    today = date_of(admin)
    hotel = _linked(ctx.engine, box.property_id, "hotel", today)
    Settings(ctx.engine).set_push_enabled(True, now=utcnow() - timedelta(minutes=1))
    Settings(ctx.engine).set("adf_payment_methods", {"cash": "ebanking"})  # the manager's choice
    # A booking typed at the desk before push was switched on: it never reaches Cloudbeds.
    with ctx.engine.begin() as conn:
        room = conn.execute(sa.text("SELECT MAX(id) FROM rooms")).scalar()
        guest = conn.execute(
            sa.text("INSERT INTO guests (guest_name, id_card_number) VALUES ('Walk In', 'K1')")
        ).lastrowid
        desk_only = conn.execute(
            sa.text(
                "INSERT INTO bookings (booking_code, guest_id, room_id, check_in_date, check_out_date, "
                "room_price, total_nights, total_price, final_price, status, created_at) "
                "VALUES ('BK-W1', :g, :r, :i, :o, 1, 1, 1, 1, 'confirmed', :c)"
            ),
            {
                "g": guest,
                "r": room,
                "i": today + timedelta(days=200),
                "o": today + timedelta(days=201),
                "c": (utcnow() - timedelta(hours=2)).replace(tzinfo=None),
            },
        ).lastrowid
    paid0 = _paid(admin, hotel["cloudbed_reservation_id"])
    cash = _record_payment(ctx.engine, hotel["adf_booking_id"], 40_000, method="cash")
    card = _record_payment(ctx.engine, hotel["adf_booking_id"], 15_000, method="card")
    stuck = _record_payment(ctx.engine, desk_only, 60_000)
    _push(ctx)
    (sent,) = rows(ctx.engine, PAY, PAY.c.adf_payment_id == cash)
    assert (sent["state"], sent["cloudbed_method"]) == ("sent", "ebanking")
    (second,) = rows(ctx.engine, PAY, PAY.c.adf_payment_id == card)
    assert (second["state"], second["cloudbed_method"]) == ("sent", "credit")
    # Two payments on one reservation in one run: each knows what was paid before it.
    assert (sent["paid_before"], second["paid_before"]) == (paid0, paid0 + 40_000)
    assert _paid(admin, hotel["cloudbed_reservation_id"]) == paid0 + 55_000
    (waiting,) = rows(ctx.engine, PAY, PAY.c.adf_payment_id == stuck)
    assert waiting["state"] == "waiting" and "not in Cloudbeds yet" in waiting["error"]
    _push(ctx)  # still waiting, nothing logged for it yet
    assert rows(ctx.engine, OUT, OUT.c.local_id == stuck, OUT.c.operation == "postPayment") == []
    with ctx.engine.begin() as conn:  # an hour later (the expiry is 45 minutes)
        conn.execute(
            sa.update(PAY)
            .where(PAY.c.adf_payment_id == stuck)
            .values(created_at=utcnow() - timedelta(hours=1))
        )
    result = _push(ctx)
    assert any("so it was dropped" in w for w in result.warnings)
    (gone,) = rows(ctx.engine, PAY, PAY.c.adf_payment_id == stuck)
    assert gone["state"] == "expired"
    (logged,) = rows(ctx.engine, OUT, OUT.c.local_id == stuck, OUT.c.operation == "postPayment")
    assert logged["decision"] == "refused" and "so it was dropped" in logged["reason"]


def test_cloudbeds_never_lowers_the_money_the_desk_recorded(ctx, admin, box):
    ready(ctx, box)
    sync(ctx, "full")
    hotel = _linked(ctx.engine, box.property_id, "hotel", date_of(admin))
    # Push is off: the desk's payment stays in ADF, where its front desk also sets paid_amount.
    _record_payment(ctx.engine, hotel["adf_booking_id"], 90_000_000)
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE bookings SET paid_amount = 90000000, payment_status = 'paid' WHERE id = :b"),
            {"b": hotel["adf_booking_id"]},
        )
    _pay_in_cloudbeds(box, hotel["cloudbed_reservation_id"], 25_000)
    sync(ctx, "incremental")
    booking = next(b for b in bookings(ctx.engine) if b["id"] == hotel["adf_booking_id"])
    assert (Decimal(str(booking["paid_amount"])), booking["payment_status"]) == (Decimal(90_000_000), "paid")
    assert admin.calls().get("postPayment", 0) == 1  # only the one made in Cloudbeds: nothing pushed


def test_adf_methods_are_read_by_their_words():
    from pms.sync.payment_methods import adf_kind

    cases = {
        "": "cash",
        "cash": "cash",
        "Tunai": "cash",
        "Transfer BCA": "transfer",
        "Debit BNI": "card",
        "Kartu Kredit": "card",
        "QRIS ": "qris",
        "ota": "ota",
        "Voucher": "voucher",
    }
    assert {k: adf_kind(k) for k in cases} == cases


def date_of(admin):
    from tests.sync.helpers import today_of

    return today_of(admin)
