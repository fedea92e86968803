"""Typed views of payments and room blocks as the client returns them.

Kept beside ``models`` (catalogue, rates, webhooks) and ``models_bookings`` (reservations and
guests) so each stays small. Ids are strings (domain rule 2); amounts are ``Decimal``; block dates
are ``date`` objects, ``end_date`` being Cloudbeds' "room block end date" as sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pms.cloudbeds.wire import Fields, Reader

__all__ = [
    "PaymentMethod",
    "PostedPayment",
    "RoomBlock",
    "RoomBlockRoom",
    "payment_method",
    "room_block",
]


@dataclass(frozen=True)
class PaymentMethod:
    """One active payment method of the property (getPaymentMethods)."""

    method: str
    code: str | None = None
    name: str | None = None
    card_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostedPayment:
    """What postPayment answered; ``recovered`` when a lost answer was found by its effect instead
    (then the ids are unknown)."""

    payment_id: str | None
    transaction_id: str | None
    amount: Decimal
    recovered: bool = False


@dataclass(frozen=True)
class RoomBlockRoom:
    room_id: str
    room_type_id: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class RoomBlock:
    room_block_id: str
    block_type: str | None
    reason: str | None
    start_date: date | None
    end_date: date | None
    rooms: tuple[RoomBlockRoom, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def room_ids(self) -> tuple[str, ...]:
        return tuple(r.room_id for r in self.rooms)


def payment_method(r: Reader, raw: Any) -> PaymentMethod:
    f = Fields(raw)
    cards = tuple(c for c in (r.text(Fields(x).get("cardCode")) for x in r.items(f.get("cardTypes"))) if c)
    return PaymentMethod(
        method=r.text(f.get("method")) or r.text(f.get("code")) or "",
        code=r.text(f.get("code")),
        name=r.text(f.get("name")),
        card_types=cards,
    )


def room_block(r: Reader, raw: Any) -> RoomBlock:
    f = Fields(raw)
    rooms = []
    for item in r.items(f.get("rooms")):
        g = Fields(item)
        room_id = r.id(g.get("roomID", "roomId"))
        if room_id:
            rooms.append(
                RoomBlockRoom(room_id, r.id(g.get("roomTypeID", "roomTypeId")), r.id(g.get("eventID")))
            )
    return RoomBlock(
        room_block_id=r.id(f.get("roomBlockID", "roomBlockId")) or "",
        block_type=r.text(f.get("roomBlockType")),
        reason=r.text(f.get("roomBlockReason")),
        start_date=r.day(f.get("startDate"), "room block startDate"),
        end_date=r.day(f.get("endDate"), "room block endDate"),
        rooms=tuple(rooms),
        extra=f.rest(),
    )
