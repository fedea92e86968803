"""Wire → typed records for bookings: reservations, their rooms and guests, and guest records.

One function per record reads all the shapes Cloudbeds uses for it (API.md §8.6-8.11, §8.17 and
the quirks in §10): getReservations, getReservationsWithRateDetails and getReservation disagree on
names (``startDate`` vs ``reservationCheckIn``), on types (``adults`` as a string, ``source`` as a
string or an object) and on timestamps (property-local only, or with ``*UTC`` twins). UTC twins
win when present; plain values are converted from the property's zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pms.cloudbeds.models_bookings import (
    CreatedReservation,
    Guest,
    Reservation,
    ReservationGuest,
    ReservationRoom,
)
from pms.cloudbeds.wire import Fields, Reader

__all__ = [
    "GUEST_STATUSES",
    "PAYMENT_COLLECT",
    "RESERVATION_STATUSES",
    "ROOM_STATUSES",
    "created_reservation",
    "custom_fields",
    "guest",
    "payment_collect",
    "reservation",
    "reservation_guest",
    "reservation_room",
]

RESERVATION_STATUSES = frozenset(
    {"not_confirmed", "confirmed", "canceled", "checked_in", "checked_out", "no_show"}
)
ROOM_STATUSES = frozenset({"not_checked_in", "in_house", "checked_out", "cancelled", "canceled"})
GUEST_STATUSES = (
    RESERVATION_STATUSES
    | ROOM_STATUSES
    | frozenset({"in_progress", "call2confirm", "paypal_init", "pending_payment"})
)
# The rate-details source says "collect" where getSources says "channel" (API.md §10.7).
PAYMENT_COLLECT = {"hotel": "hotel", "channel": "channel", "collect": "channel"}
# Held on the card only as last digits, but card data is kept out of records (and their reprs).
_DROPPED = ("cardsOnFile", "success")


def payment_collect(r: Reader, value: Any, what: str = "paymentCollect") -> str | None:
    """``hotel`` or ``channel``; an unknown value is kept as sent and reported."""
    text = r.text(value)
    if text is None:
        return None
    normal = PAYMENT_COLLECT.get(text.lower())
    if normal is None:
        r.warn(f"unknown {what} {text!r} kept as-is")
        return text
    return normal


def custom_fields(r: Reader, value: Any) -> dict[str, str]:
    """Both spellings (``customFieldName``/``fieldName``) into {name: value}."""
    out: dict[str, str] = {}
    for row in r.items(value):
        if not isinstance(row, Mapping):
            continue
        name = row.get("customFieldName") or row.get("fieldName") or row.get("shortcode")
        if name:
            val = row.get("customFieldValue", row.get("fieldValue"))
            out[str(name)] = "" if val is None else str(val)
    return out


def reservation_room(r: Reader, raw: Any, *, where: str = "reservation") -> ReservationRoom:
    """A room from ``rooms[]``, ``assigned[]``, ``unassigned[]`` (read or create answers)."""
    f = Fields(raw)
    sub_id = r.id(f.get("subReservationID"))
    what = f"{where} room {sub_id}"
    daily = r.date_amounts(f.get("detailedRoomRates", "dailyRates"), f"{what} rates")
    total = r.decimal(f.get("roomTotal"), f"{what} roomTotal")
    if total is None and daily:
        total = sum(daily.values(), Decimal(0))
    return ReservationRoom(
        sub_reservation_id=sub_id,
        room_type_id=r.id(f.get("roomTypeID")),
        room_type_name=r.text(f.get("roomTypeName")),
        room_id=r.id(f.get("roomID")),
        room_name=r.text(f.get("roomName")),
        check_in=r.day(f.get("roomCheckIn", "startDate", "checkinDate"), f"{what} check-in"),
        check_out=r.day(f.get("roomCheckOut", "endDate", "checkoutDate"), f"{what} check-out"),
        adults=r.integer(f.get("adults"), f"{what} adults"),
        children=r.integer(f.get("children"), f"{what} children"),
        status=r.enum(f.get("roomStatus"), ROOM_STATUSES, f"{what} roomStatus"),
        rate_id=r.id(f.get("rateID", "roomRateID")),
        rate_name=r.text(f.get("rateName")),
        total=total,
        daily_rates=daily,
        guest_id=r.id(f.get("guestID")),
        reservation_room_id=r.id(f.get("reservationRoomID")),
        extra=f.rest(),
    )


def reservation_guest(
    r: Reader, raw: Any, key: str | None = None, *, where: str = "reservation"
) -> ReservationGuest:
    """A guest from a reservation's ``guestList`` (a map keyed by guestID)."""
    f = Fields(raw)
    guest_id = r.id(f.get("guestID")) or r.id(key) or ""
    what = f"{where} guest {guest_id}"
    return ReservationGuest(
        guest_id=guest_id,
        first_name=r.text(f.get("guestFirstName", "firstName")),
        last_name=r.text(f.get("guestLastName", "lastName")),
        name=r.text(f.get("guestName")),
        email=r.text(f.get("guestEmail", "email")),
        phone=r.text(f.get("guestPhone", "phone")),
        cell_phone=r.text(f.get("guestCellPhone", "cellPhone")),
        gender=r.text(f.get("guestGender", "gender")),
        country=r.text(f.get("guestCountry", "country")),
        address1=r.text(f.get("guestAddress", "guestAddress1", "address")),
        address2=r.text(f.get("guestAddress2", "address2")),
        city=r.text(f.get("guestCity", "city")),
        state=r.text(f.get("guestState", "state")),
        zip=r.text(f.get("guestZip", "zip")),
        birth_date=r.day(f.get("guestBirthdate", "guestBirthDate", "birthDate"), f"{what} birth date"),
        status=r.enum(f.get("guestStatus", "status"), GUEST_STATUSES, f"{what} status"),
        is_main=r.boolean(f.get("isMainGuest"), f"{what} isMainGuest"),
        room_id=r.id(f.get("roomID")),
        sub_reservation_id=r.id(f.get("subReservationID")),
        extra=f.rest(),
    )


def _balance(r: Reader, value: Any, what: str) -> dict[str, Decimal | None]:
    """``balanceDetailed`` is an object, or (getReservation's oneOf) a list of them: summed."""
    parts = [value] if isinstance(value, Mapping) else [v for v in r.items(value) if isinstance(v, Mapping)]
    out: dict[str, Decimal | None] = {}
    for name in ("grandTotal", "subTotal", "taxesFees", "additionalItems", "paid", "suggestedDeposit"):
        amounts = [r.decimal(p.get(name), f"{what} {name}") for p in parts]
        amounts = [a for a in amounts if a is not None]
        out[name] = sum(amounts, Decimal(0)) if amounts else None
    return out


def reservation(r: Reader, raw: Any) -> Reservation:
    """A reservation from any of the three read endpoints."""
    f = Fields(raw)
    for name in _DROPPED:
        f.get(name)
    rid = r.id(f.get("reservationID")) or ""
    what = f"reservation {rid}"

    source = f.get("source")
    source_obj = source if isinstance(source, Mapping) else {}
    money = _balance(r, f.get("balanceDetailed"), what)

    rooms = [reservation_room(r, row, where=what) for row in r.items(f.get("rooms"))]
    rooms += [reservation_room(r, row, where=what) for row in r.items(f.get("assigned"))]
    rooms += [reservation_room(r, row, where=what) for row in r.items(f.get("unassigned"))]
    guest_map = f.get("guestList")
    guests = [reservation_guest(r, row, key, where=what) for key, row in r.mapping(guest_map).items()]

    guest_id = r.id(f.get("guestID"))
    if guest_id is None:  # getReservation names the main guest only inside guestList
        guest_id = next((g.guest_id for g in guests if g.is_main), None)

    adults = r.integer(f.get("adults"), f"{what} adults")
    children = r.integer(f.get("children"), f"{what} children")
    if adults is None and rooms and all(room.adults is not None for room in rooms):
        adults = sum(room.adults or 0 for room in rooms)
    if children is None and rooms and all(room.children is not None for room in rooms):
        children = sum(room.children or 0 for room in rooms)

    created_utc, created_local = f.get("dateCreatedUTC"), f.get("dateCreated")
    modified_utc, modified_local = f.get("dateModifiedUTC"), f.get("dateModified")
    cancelled_utc, cancelled_local = f.get("dateCancelledUTC"), f.get("dateCancelled")
    total = money["grandTotal"]
    if total is None:
        total = r.decimal(f.get("total", "grandTotal"), f"{what} total")
    else:
        f.get("total")

    return Reservation(
        reservation_id=rid,
        property_id=r.id(f.get("propertyID")),
        status=r.enum(f.get("status"), RESERVATION_STATUSES, f"{what} status"),
        check_in=r.day(f.get("reservationCheckIn", "startDate"), f"{what} check-in"),
        check_out=r.day(f.get("reservationCheckOut", "endDate"), f"{what} check-out"),
        created_at=r.utc(created_utc) if created_utc else r.local(created_local, f"{what} dateCreated"),
        modified_at=r.utc(modified_utc) if modified_utc else r.local(modified_local, f"{what} dateModified"),
        cancelled_at=r.utc(cancelled_utc)
        if cancelled_utc
        else r.local(cancelled_local, f"{what} dateCancelled"),
        is_deleted=bool(r.boolean(f.get("isDeleted"), f"{what} isDeleted")),
        guest_id=guest_id,
        guest_name=r.text(f.get("guestName")),
        guest_email=r.text(f.get("guestEmail")),
        adults=adults,
        children=children,
        total=total,
        balance=r.decimal(f.get("balance"), f"{what} balance"),
        paid=money["paid"],
        sub_total=money["subTotal"],
        taxes_fees=money["taxesFees"],
        additional_items=money["additionalItems"],
        currency=r.text(f.get("propertyCurrency", "currency")),
        source_id=r.id(f.get("sourceID") or source_obj.get("sourceID")),
        source_name=r.text(
            f.get("sourceName") or (source if isinstance(source, str) else source_obj.get("name"))
        ),
        source_category=r.text(f.get("sourceCategory") or source_obj.get("category")),
        payment_collect=payment_collect(r, source_obj.get("paymentCollect"), f"{what} paymentCollect"),
        third_party_identifier=r.text(f.get("thirdPartyIdentifier")),
        source_reservation_id=r.text(f.get("sourceReservationID", "sourceReservationId")),
        origin=r.text(f.get("origin")),
        estimated_arrival_time=r.text(f.get("estimatedArrivalTime")),
        rooms=tuple(rooms),
        guests=tuple(guests),
        detailed_rates=r.date_amounts(f.get("detailedRates"), f"{what} rates"),
        custom_fields=custom_fields(r, f.get("customFields")),
        extra=f.rest(),
    )


def guest(r: Reader, raw: Any, key: str | None = None, *, guest_id: str | None = None) -> Guest:
    """A guest from getGuestList (map values), getGuestsModified (rows) or getGuest (no id)."""
    f = Fields(raw)
    gid = r.id(f.get("guestID")) or r.id(key) or guest_id
    what = f"guest {gid}"
    return Guest(
        guest_id=gid,
        reservation_id=r.id(f.get("reservationID")),
        first_name=r.text(f.get("guestFirstName", "firstName")),
        last_name=r.text(f.get("guestLastName", "lastName")),
        name=r.text(f.get("guestName")),
        email=r.text(f.get("guestEmail", "email")),
        phone=r.text(f.get("guestPhone", "phone")),
        cell_phone=r.text(f.get("guestCellPhone", "cellPhone")),
        gender=r.text(f.get("guestGender", "gender")),
        country=r.text(f.get("guestCountry", "country")),
        address1=r.text(f.get("guestAddress1", "guestAddress", "address")),
        address2=r.text(f.get("guestAddress2", "address2")),
        city=r.text(f.get("guestCity", "city")),
        state=r.text(f.get("guestState", "state")),
        zip=r.text(f.get("guestZip", "zip")),
        birth_date=r.day(f.get("guestBirthDate", "guestBirthdate", "birthDate"), f"{what} birth date"),
        document_type=r.text(f.get("guestDocumentType", "documentType")),
        document_number=r.text(f.get("guestDocumentNumber", "documentNumber")),
        status=r.enum(f.get("status", "guestStatus"), GUEST_STATUSES, f"{what} status"),
        is_main=r.boolean(f.get("isMainGuest"), f"{what} isMainGuest"),
        is_anonymized=r.boolean(f.get("isAnonymized"), f"{what} isAnonymized"),
        is_merged=r.boolean(f.get("isMerged"), f"{what} isMerged"),
        new_guest_id=r.id(f.get("newGuestID")),
        room_id=r.id(f.get("roomID")),
        room_type_id=r.id(f.get("roomTypeID")),
        check_in=r.day(f.get("startDate"), f"{what} check-in"),
        check_out=r.day(f.get("endDate"), f"{what} check-out"),
        created_at=r.local(f.get("dateCreated"), f"{what} dateCreated"),
        modified_at=r.local(f.get("dateModified"), f"{what} dateModified"),
        custom_fields=custom_fields(r, f.get("customFields", "guestCustomFields")),
        extra=f.rest(),
    )


def created_reservation(r: Reader, body: Any) -> CreatedReservation:
    """postReservation's top-level answer (no ``data`` envelope)."""
    f = Fields(body)
    f.get("success")
    rid = r.id(f.get("reservationID")) or ""
    what = f"new reservation {rid}"
    rooms = [reservation_room(r, row, where=what) for row in r.items(f.get("unassigned"))]
    rooms += [reservation_room(r, row, where=what) for row in r.items(f.get("assigned"))]
    return CreatedReservation(
        reservation_id=rid,
        status=r.enum(f.get("status"), RESERVATION_STATUSES, f"{what} status"),
        guest_id=r.id(f.get("guestID")),
        check_in=r.day(f.get("startDate"), f"{what} check-in"),
        check_out=r.day(f.get("endDate"), f"{what} check-out"),
        created_at=r.local(f.get("dateCreated"), f"{what} dateCreated"),
        grand_total=r.decimal(f.get("grandTotal", "total"), f"{what} grandTotal"),
        rooms=tuple(rooms),
        third_party_identifier=r.text(f.get("thirdPartyIdentifier")),
        extra=f.rest(),
    )
