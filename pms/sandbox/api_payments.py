"""Payments: getPaymentMethods, postPayment and postVoidPayment on a reservation.

The demo property takes cash, cards, bank transfer and QRIS (a custom method, as Indonesian hotels
add it). postPayment adds to the reservation's paid amount (its balance falls) and moves its
``dateModified``, so the next incremental pull sees the new paid amount; postVoidPayment takes a
payment back. Cloudbeds does not deduplicate payments: sending the same one twice books it twice,
which is what a client must avoid (the sandbox does not protect it either). House accounts and
groups are not modelled: such a payment is refused with ``success:false``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pms.sandbox.endpoint import Call, Endpoint, NotFound, Refused
from pms.sandbox.forms import ParamError
from pms.sandbox.models import Payment
from pms.sandbox.queries import property_mismatch

__all__ = ["CARD_TYPES", "ENDPOINTS", "METHODS"]

# (method, name) of the property's active payment methods.
METHODS = (
    ("cash", "Cash"),
    ("credit", "Credit Card"),
    ("ebanking", "Bank Transfer"),
    ("qris", "QRIS"),
)
CARD_TYPES = (("visa", "Visa"), ("master", "Mastercard"), ("amex", "American Express"), ("jcb", "JCB"))


def get_payment_methods(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    p.enum("lang", ("en", "pt-br", "es"))
    methods = []
    for method, name in METHODS:
        item: dict[str, Any] = {"method": method, "code": method, "name": name}
        if method == "credit":
            item["cardTypes"] = [{"cardCode": code, "cardName": label} for code, label in CARD_TYPES]
        methods.append(item)
    return {
        "success": True,
        "data": {
            "propertyID": store.property.property_id,
            "methods": methods,
            "gateway": {"name": "None", "currency": store.property.currency_code},
        },
    }


def _amount(call: Call) -> int:
    text = call.params.str("amount", required=True)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ParamError(f"Parameter amount must be a number, got {text!r}") from None
    if not value.is_finite() or value <= 0:
        raise ParamError("Parameter amount must be greater than 0")
    return int(value.quantize(Decimal(1)))


def _reservation(call: Call):
    p, store = call.params, call.store
    rid = p.str("reservationID")
    if not rid:
        if p.str("houseAccountID") or p.str("groupCode"):
            raise Refused("House accounts and groups are not available in this sandbox")
        raise ParamError("Parameter reservationID is required")
    res = store.live_reservation(rid)
    if res is None:
        raise NotFound(f"Reservation {rid} not found")
    return res


def post_payment(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    res = _reservation(call)
    sub = p.str("subReservationID")
    if sub and sub not in {r.sub_reservation_id for r in res.rooms}:
        raise ParamError(f"Unknown subReservationID {sub!r} for reservation {res.reservation_id}")
    kind = p.str("type", required=True)
    if kind not in {m for m, _ in METHODS}:
        raise Refused(f"Invalid payment type {kind!r}: use one of getPaymentMethods")
    card = p.str("cardType")
    if kind == "credit" and card and card not in {c for c, _ in CARD_TYPES}:
        raise Refused(f"Invalid cardType {card!r} for this property")
    amount = _amount(call)
    deposit = p.bool("isDeposit")
    store.next_payment_id += store.rng.randint(1, 17)
    payment = Payment(
        payment_id=str(store.next_payment_id),
        transaction_id=f"T{store.next_payment_id}",
        reservation_id=res.reservation_id,
        sub_reservation_id=sub,
        type=kind,
        amount=amount,
        description=p.str("description") or "",
        is_deposit=deposit,
        created=store.clock.now(),
        card_type=card,
    )
    store.payments[payment.payment_id] = payment
    res.paid += amount
    res.modified = max(store.clock.now(), res.modified)
    store.touch()
    return {"success": True, "paymentID": payment.payment_id, "transactionID": payment.transaction_id}


def post_void_payment(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    res = _reservation(call)
    pid = p.str("paymentID", required=True)
    payment = store.payments.get(pid)
    if payment is None or payment.reservation_id != res.reservation_id:
        raise NotFound(f"Payment {pid} not found on reservation {res.reservation_id}")
    if payment.voided:
        raise Refused(f"Payment {pid} is already voided")
    payment.voided = True
    res.paid -= payment.amount
    res.modified = max(store.clock.now(), res.modified)
    store.touch()
    return {"success": True}


ENDPOINTS = [
    Endpoint("getPaymentMethods", "GET", "read:payment", get_payment_methods),
    Endpoint("postPayment", "POST", "write:payment", post_payment),
    Endpoint("postVoidPayment", "POST", "write:payment", post_void_payment),
]
