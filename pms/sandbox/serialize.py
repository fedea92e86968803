"""Internal records → Cloudbeds wire shapes for reservations (guests: ``serialize_guests``).

This is where the quirks live, on purpose in one place (API.md §10): adults/children as strings in
the read endpoints but ints in postReservation's answer, ``roomTotal`` as a string in getReservation
but a number in postReservation's, ``guestList`` as a map keyed by
guest id, ``source`` a string in getReservation but an object in the rate details (whose
``paymentCollect`` says ``collect`` where getSources says ``channel``), property-local
``dateCreated``/``dateModified`` with ``...UTC`` twins, and ``guestAddress`` versus ``guestAddress1``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pms.sandbox.clock import format_local, format_utc
from pms.sandbox.models import ROOM_STATUS, Guest, Reservation, ReservationRoom
from pms.sandbox.store import Store

__all__ = [
    "created_reservation",
    "money_str",
    "reservation_detail",
    "reservation_rate_row",
    "reservation_row",
]

# What a guest's status is called in guestList (getReservation), by reservation status.
_GUEST_STATUS = {
    "not_confirmed": "not_confirmed",
    "confirmed": "not_checked_in",
    "checked_in": "in_house",
    "checked_out": "checked_out",
    "canceled": "canceled",
    "no_show": "no_show",
}


def money_str(amount: int) -> str:
    return f"{amount:.2f}"


def _d(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _room_common(store: Store, res: Reservation, room: ReservationRoom) -> dict[str, Any]:
    rt = store.room_types[room.room_type_id]
    assigned = store.rooms.get(room.room_id) if room.room_id else None
    guest = store.guests.get(room.guest_id or "")
    return {
        "roomTypeID": rt.room_type_id,
        "roomTypeName": rt.name,
        "roomTypeIsVirtual": False,
        "subReservationID": room.sub_reservation_id,
        "isRoomLocked": False,
        "guestID": guest.guest_id if guest else "",
        "guestName": guest.full_name if guest else "",
        "adults": str(room.adults),
        "children": str(room.children),
        "reservationRoomID": room.reservation_room_id,
        "roomID": assigned.room_id if assigned else None,
        "roomName": assigned.name if assigned else None,
        "roomCheckIn": room.check_in.isoformat(),
        "roomCheckOut": room.check_out.isoformat(),
        "roomStatus": ROOM_STATUS[res.status],
        "marketName": "Leisure",
        "marketCode": "LEI",
    }


def _guest_rooms(store: Store, res: Reservation, guest: Guest) -> tuple[list[dict], list[dict]]:
    assigned, unassigned = [], []
    for room in res.rooms:
        if room.guest_id != guest.guest_id:
            continue
        rt = store.room_types[room.room_type_id]
        plan = store.rate_plans.get(room.rate_id)
        base = {
            "reservationRoomID": room.reservation_room_id,
            "roomTypeID": rt.room_type_id,
            "roomTypeName": rt.name,
            "roomTypeIsVirtual": False,
            "roomTypeNameShort": rt.short,
            "rateID": room.rate_id,
            "ratePlanName": plan.name_public if plan else "",
            "subReservationID": room.sub_reservation_id,
            "isRoomLocked": False,
        }
        if room.room_id:
            # This enum has no "cancelled": a cancelled booking's room reads as never checked in.
            status = ROOM_STATUS[res.status]
            assigned.append(
                {
                    **base,
                    "roomID": room.room_id,
                    "roomName": store.rooms[room.room_id].name,
                    "roomStatus": "not_checked_in" if status == "cancelled" else status,
                }
            )
        else:
            unassigned.append(base)
    return assigned, unassigned


def _guest_list(store: Store, res: Reservation, detail: bool = False) -> dict[str, dict]:
    """``guestList``: a map keyed by guest id (the shape getReservation(s) use)."""
    out: dict[str, dict] = {}
    for guest in store.reservation_guests(res):
        assigned, unassigned = _guest_rooms(store, res, guest)
        first_room = next((r for r in res.rooms if r.guest_id == guest.guest_id), res.rooms[0])
        room = store.rooms.get(first_room.room_id or "")
        entry: dict[str, Any] = {
            "guestID": guest.guest_id,
            "guestName": guest.full_name,
            "guestFirstName": guest.first_name,
            "guestLastName": guest.last_name,
            "guestGender": guest.gender,
            "guestEmail": guest.email,
            "guestPhone": guest.phone,
            "guestCellPhone": guest.cell_phone,
            "guestAddress": guest.address1,
            "guestAddress2": guest.address2,
            "guestCity": guest.city,
            "guestState": guest.state,
            "guestCountry": guest.country,
            "guestZip": guest.zip,
            "guestBirthdate": _d(guest.birth_date),
            "guestDocumentType": guest.document_type,
            "guestDocumentNumber": guest.document_number,
            "guestDocumentIssueDate": _d(guest.document_issue_date),
            "guestDocumentIssuingCountry": guest.document_issuing_country,
            "guestDocumentExpirationDate": _d(guest.document_expiration_date),
            "taxID": guest.tax_id,
            "companyTaxID": guest.company_tax_id,
            "companyName": guest.company_name,
            "subReservationID": first_room.sub_reservation_id,
            "startDate": first_room.check_in.isoformat(),
            "endDate": first_room.check_out.isoformat(),
            "assignedRoom": room is not None,
            "roomID": room.room_id if room else None,
            "roomName": room.name if room else None,
            "roomTypeName": store.room_types[first_room.room_type_id].name,
            "roomTypeIsVirtual": False,
            "rooms": assigned,
            "unassignedRooms": unassigned,
            "guestRequirements": None,
            "customFields": guest.custom_fields,
            "isAnonymized": False,
            "isMainGuest": guest.is_main,
        }
        if detail:
            entry["guestStatus"] = _GUEST_STATUS[res.status]
            del entry["guestName"], entry["subReservationID"], entry["startDate"], entry["endDate"]
        out[guest.guest_id] = entry
    return out


def _custom_fields(res: Reservation) -> list[dict]:
    return [
        {
            "customFieldID": str(i),
            "shortcode": f["name"],
            "isActive": True,
            "customFieldName": f["name"],
            "customFieldValue": f["value"],
        }
        for i, f in enumerate(res.custom_fields, start=1)
    ]


def reservation_row(
    store: Store, res: Reservation, guests: bool, rooms: bool, custom: bool
) -> dict[str, Any]:
    """One ``getReservations`` item."""
    tz = store.clock.tz
    main = store.guests[res.main_guest_id]
    source = store.sources[res.source_id]
    row: dict[str, Any] = {
        "propertyID": store.property.property_id,
        "reservationID": res.reservation_id,
        "dateCreated": format_local(res.created, tz),
        "dateModified": format_local(res.modified, tz),
        "status": res.status,
        "guestID": main.guest_id,
        "profileID": main.guest_id,
        "guestName": main.full_name,
        "startDate": res.start.isoformat(),
        "endDate": res.end.isoformat(),
        "allotmentBlockCode": None,
        "groupCode": None,
        "adults": str(res.adults()),
        "children": str(res.children()),
        "balance": res.balance,
        "sourceName": source.name,
        "sourceID": source.source_id,
        "thirdPartyIdentifier": res.third_party_id,
        "groupInventory": [],
        "origin": source.origin,
        "mealPlans": "",
    }
    if rooms:
        row["rooms"] = [_room_common(store, res, r) for r in res.rooms]
    if guests:
        row["guestList"] = _guest_list(store, res)
    if custom:
        row["customFields"] = _custom_fields(res)
    return row


def _balance_detailed(res: Reservation) -> dict[str, Any]:
    return {
        "suggestedDeposit": money_str(res.grand_total // 2 if res.paid == 0 else 0),
        "subTotal": res.sub_total,
        "additionalItems": res.additional_items,
        "taxesFees": res.taxes_fees,
        "grandTotal": res.grand_total,
        "paid": res.paid,
    }


def reservation_rate_row(store: Store, res: Reservation, guests: bool, custom: bool) -> dict[str, Any]:
    """One ``getReservationsWithRateDetails`` item: totals, nightly rates and UTC twins."""
    tz = store.clock.tz
    main = store.guests[res.main_guest_id]
    source = store.sources[res.source_id]
    detailed: dict[str, int] = {}
    rooms = []
    for room in res.rooms:
        nightly = {night.isoformat(): rate for night, rate in zip(room.nights(), room.rates, strict=False)}
        for night, rate in nightly.items():
            detailed[night] = detailed.get(night, 0) + rate
        plan = store.rate_plans.get(room.rate_id)
        item = _room_common(store, res, room)
        item["rateID"] = room.rate_id
        item["rateName"] = plan.name_public if plan else ""
        item["detailedRoomRates"] = nightly
        rooms.append(item)
    row: dict[str, Any] = {
        "propertyID": store.property.property_id,
        "reservationID": res.reservation_id,
        "isDeleted": res.is_deleted,
        "dateCreated": format_local(res.created, tz),
        "dateCreatedUTC": format_utc(res.created),
        "dateModified": format_local(res.modified, tz),
        "dateModifiedUTC": format_utc(res.modified),
        "dateCancelled": format_local(res.cancelled, tz),
        "dateCancelledUTC": format_utc(res.cancelled),
        "status": res.status,
        "reservationCheckIn": res.start.isoformat(),
        "reservationCheckOut": res.end.isoformat(),
        "guestID": main.guest_id,
        "profileID": main.guest_id,
        "guestCountry": main.country,
        "sourceName": source.name,
        "source": {
            "name": source.brand,
            "paymentCollect": "hotel" if source.payment_collect == "hotel" else "collect",
            "sourceID": source.source_id,
            "category": source.category,
        },
        "sourceCategory": source.category,
        "sourceReservationID": res.third_party_id or None,
        "propertyCurrency": store.property.currency_code,
        "balanceDetailed": _balance_detailed(res),
        "detailedRates": detailed,
        "rooms": rooms,
        "total": res.grand_total,
        "balance": res.balance,
        "estimatedArrivalTime": res.estimated_arrival,
        "dateImported": format_local(res.created, tz),
        "thirdPartyIdentifier": res.third_party_id,
        "origin": source.origin,
        "mealPlans": "",
    }
    if guests:
        row["guestList"] = _guest_list(store, res)
    if custom:
        row["customFields"] = _custom_fields(res)
    return row


def _stay_room(store: Store, room: ReservationRoom) -> dict[str, Any]:
    rt = store.room_types[room.room_type_id]
    out: dict[str, Any] = {
        "reservationRoomID": room.reservation_room_id,
        "roomTypeName": rt.name,
        "roomTypeNameShort": rt.short,
        "roomTypeIsVirtual": False,
        "roomTypeID": rt.room_type_id,
        "subReservationID": room.sub_reservation_id,
        "isRoomLocked": False,
        "startDate": room.check_in.isoformat(),
        "endDate": room.check_out.isoformat(),
        "adults": str(room.adults),
        "children": str(room.children),
        "dailyRates": [
            {"date": n.isoformat(), "rate": r} for n, r in zip(room.nights(), room.rates, strict=False)
        ],
        "roomTotal": money_str(room.total),
    }
    if room.room_id:
        out.update(
            {
                "dormRoomName": None,
                "roomName": store.rooms[room.room_id].name,
                "roomID": room.room_id,
                "marketName": "Leisure",
                "marketCode": "LEI",
            }
        )
    else:
        del out["roomTypeNameShort"]
    return out


def reservation_detail(store: Store, res: Reservation) -> dict[str, Any]:
    """``getReservation``'s ``data`` (also what putReservation returns)."""
    tz = store.clock.tz
    main = store.guests[res.main_guest_id]
    source = store.sources[res.source_id]
    return {
        "propertyID": store.property.property_id,
        "reservationID": res.reservation_id,
        "status": res.status,
        "dateCreated": format_local(res.created, tz),
        "dateModified": format_local(res.modified, tz),
        "startDate": res.start.isoformat(),
        "endDate": res.end.isoformat(),
        "estimatedArrivalTime": res.estimated_arrival,
        "source": source.name,
        "sourceID": source.source_id,
        "thirdPartyIdentifier": res.third_party_id or None,
        "total": res.grand_total,
        "balance": res.balance,
        "balanceDetailed": _balance_detailed(res),
        "guestName": main.full_name,
        "guestEmail": main.email,
        "isAnonymized": False,
        "guestList": _guest_list(store, res, detail=True),
        "assigned": [_stay_room(store, r) for r in res.rooms if r.room_id],
        "unassigned": [_stay_room(store, r) for r in res.rooms if not r.room_id],
        "cardsOnFile": [],
        "customFields": _custom_fields(res),
        "allotmentBlockCode": None,
        "channelProvidedCreditCard": source.is_third_party and source.payment_collect == "channel",
        "groupInventory": [],
        "origin": source.origin,
        "mealPlans": "",
    }


def _created_room(store: Store, room: ReservationRoom) -> dict[str, Any]:
    rt = store.room_types[room.room_type_id]
    item: dict[str, Any] = {
        "subReservationID": room.sub_reservation_id,
        "roomTypeName": rt.name,
        "roomTypeID": rt.room_type_id,
        "adults": room.adults,  # ints here, strings in the read endpoints (API.md §10.1)
        "children": room.children,
        "dailyRates": [
            {"date": n.isoformat(), "rate": r} for n, r in zip(room.nights(), room.rates, strict=False)
        ],
        "roomTotal": room.total,  # a number here, a string in getReservation
    }
    if room.room_id:
        item.update({"roomID": room.room_id, "roomName": store.rooms[room.room_id].name})
    return item


def created_reservation(store: Store, res: Reservation) -> dict[str, Any]:
    """postReservation's answer: top-level fields (no ``data``), rooms under ``unassigned`` and,
    for rooms given a ``roomID``, an extra ``assigned`` list."""
    main = store.guests[res.main_guest_id]
    body: dict[str, Any] = {
        "success": True,
        "reservationID": res.reservation_id,
        "status": res.status,
        "guestID": main.guest_id,
        "guestFirstName": main.first_name,
        "guestLastName": main.last_name,
        "guestGender": main.gender,
        "guestEmail": main.email,
        "startDate": res.start.isoformat(),
        "endDate": res.end.isoformat(),
        "dateCreated": format_local(res.created, store.clock.tz),
        "grandTotal": res.grand_total,
        "unassigned": [_created_room(store, r) for r in res.rooms if not r.room_id],
    }
    assigned = [_created_room(store, r) for r in res.rooms if r.room_id]
    if assigned:
        body["assigned"] = assigned
    return body
