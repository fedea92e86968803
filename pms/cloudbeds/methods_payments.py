"""Endpoint methods for payments and room blocks.

Mixed into ``CloudbedsClient``. Neither postPayment nor postRoomBlock is deduplicated by Cloudbeds,
so when the outcome of one is unknown (a timeout, a 5xx) the client looks before sending it again:
a payment by the reservation's paid amount (given the amount paid before it was sent, a rise of at
least this payment's amount means it went through), a block by the room's blocks on those dates
with the same reason. deleteRoomBlock of a block already gone counts as done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from pms.cloudbeds.models_payments import (
    PaymentMethod,
    PostedPayment,
    RoomBlock,
    payment_method,
    room_block,
)
from pms.cloudbeds.pagination import OnPage, Paged
from pms.errors import NotFoundError

if TYPE_CHECKING:
    from pms.cloudbeds.client import CloudbedsClient

__all__ = ["PaymentMethods"]


class PaymentMethods:
    """getPaymentMethods, postPayment, postVoidPayment, getRoomBlocks, postRoomBlock,
    putRoomBlock, deleteRoomBlock."""

    def get_payment_methods(
        self: CloudbedsClient, *, lang: str | None = None, property_id: str | None = None
    ) -> list[PaymentMethod]:
        """``getPaymentMethods``: the property's active payment methods."""
        pid = self._pid(property_id)
        body = self.request("getPaymentMethods", {"propertyID": pid, "lang": lang}, property_id=pid)
        reader = self.reader()
        data = reader.mapping(body.get("data"))
        return [m for m in (payment_method(reader, x) for x in reader.items(data.get("methods"))) if m.method]

    def post_payment(
        self: CloudbedsClient,
        reservation_id: str,
        *,
        type: str,
        amount: Decimal,
        sub_reservation_id: str | None = None,
        card_type: str | None = None,
        description: str | None = None,
        is_deposit: bool | None = None,
        paid_before: Decimal | None = None,
        property_id: str | None = None,
    ) -> PostedPayment:
        """``postPayment`` on a reservation.

        ``paid_before``: the reservation's paid amount before this payment; with it, an attempt
        whose outcome is unknown is checked (the paid amount rose by ``amount``) before it is
        sent again, and a found one returns ``recovered=True`` without ids.
        """
        pid = self._pid(property_id)
        amount = Decimal(amount)
        params = {
            "propertyID": pid,
            "reservationID": reservation_id,
            "subReservationID": sub_reservation_id,
            "type": type,
            "amount": amount,
            "cardType": card_type,
            "description": description,
            "isDeposit": is_deposit,
        }

        def check() -> PostedPayment | None:
            if paid_before is None:
                return None
            now = self.get_reservation(reservation_id, property_id=pid).paid
            if now is not None and now >= paid_before + amount:
                return PostedPayment(None, None, amount, recovered=True)
            return None

        result = self.request(
            "postPayment", params, property_id=pid, check=check if paid_before is not None else None
        )
        if not isinstance(result, dict):
            return result.value
        reader = self.reader()
        return PostedPayment(
            reader.id(result.get("paymentID")), reader.id(result.get("transactionID")), amount
        )

    def post_void_payment(
        self: CloudbedsClient, reservation_id: str, payment_id: str, *, property_id: str | None = None
    ) -> None:
        """``postVoidPayment``: take a payment back."""
        pid = self._pid(property_id)
        self.request(
            "postVoidPayment",
            {"propertyID": pid, "reservationID": reservation_id, "paymentID": payment_id},
            property_id=pid,
        )

    def get_room_blocks(
        self: CloudbedsClient,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        room_block_id: str | None = None,
        room_type_id: str | None = None,
        room_id: str | None = None,
        property_id: str | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[RoomBlock]:
        """``getRoomBlocks``: blocks touching ``start_date``..``end_date`` (35 days at most; both
        default to today)."""
        pid = self._pid(property_id)
        params = {
            "propertyID": pid,
            "roomBlockID": room_block_id,
            "roomTypeID": room_type_id,
            "roomID": room_id,
            "startDate": start_date,
            "endDate": end_date,
        }

        def fetch(number: int, size: int):
            body = self.request(
                "getRoomBlocks", {**params, "pageNumber": number, "pageSize": size}, property_id=pid
            )
            data = self.reader().mapping(body.get("data"))
            return self._raw_page({**body, "data": data.get("roomBlocks") or []})

        reader = self.reader
        return Paged(
            fetch,
            lambda items: [room_block(reader(), x) for x in items],
            page_size=page_size,
            on_page=on_page,
            on_warning=self._warn,
            name="getRoomBlocks",
        )

    def post_room_block(
        self: CloudbedsClient,
        *,
        room_ids: Sequence[str],
        start_date: date,
        end_date: date,
        block_type: str = "out_of_service",
        reason: str | None = None,
        room_type_ids: Iterable[str | None] | None = None,
        property_id: str | None = None,
    ) -> RoomBlock:
        """``postRoomBlock``: take rooms out of inventory from ``start_date`` to ``end_date``."""
        pid = self._pid(property_id)
        types = list(room_type_ids or [None] * len(room_ids))
        params = {
            "propertyID": pid,
            "roomBlockType": block_type,
            "roomBlockReason": reason,
            "startDate": start_date,
            "endDate": end_date,
            "rooms": [
                {k: v for k, v in (("roomID", r), ("roomTypeID", t)) if v}
                for r, t in zip(room_ids, types, strict=True)
            ],
        }

        def check() -> RoomBlock | None:
            for block in self.get_room_blocks(
                start_date=start_date, end_date=start_date, room_id=room_ids[0], property_id=pid
            ):
                if block.reason == reason and block.start_date == start_date and block.end_date == end_date:
                    return block
            return None

        result = self.request("postRoomBlock", params, property_id=pid, check=check)
        if not isinstance(result, dict):
            return result.value
        return room_block(self.reader(), result)

    def put_room_block(
        self: CloudbedsClient,
        room_block_id: str,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        reason: str | None = None,
        room_ids: Sequence[str] | None = None,
        property_id: str | None = None,
    ) -> RoomBlock:
        """``putRoomBlock``: change a block's dates, reason or rooms."""
        pid = self._pid(property_id)
        params = {
            "propertyID": pid,
            "roomBlockID": room_block_id,
            "roomBlockReason": reason,
            "startDate": start_date,
            "endDate": end_date,
            "rooms": [{"roomID": r} for r in room_ids] if room_ids else None,
        }
        body = self.request("putRoomBlock", params, property_id=pid)
        return room_block(self.reader(), body)

    def delete_room_block(
        self: CloudbedsClient, room_block_id: str, *, property_id: str | None = None
    ) -> bool:
        """``deleteRoomBlock``; False when the block was already gone (nothing left to do)."""
        pid = self._pid(property_id)
        try:
            self.request(
                "deleteRoomBlock", {"propertyID": pid, "roomBlockID": room_block_id}, property_id=pid
            )
        except NotFoundError:
            return False
        return True
