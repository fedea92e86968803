"""The catalogue methods: getHotels, getHotelDetails, getRoomTypes, getRooms, getSources.

Shapes follow API.md §8.1-8.5: ``propertyCurrency`` is an array in getHotels but an object in
getHotelDetails; getRooms nests rooms per property, and what its pages and counters count is the
``rooms_paging`` reading; getRoomTypes has no count/total in the spec, but we add them (clients
ignore extra fields).
"""

from __future__ import annotations

from typing import Any

from pms.sandbox.api_roomblocks import blocked_today
from pms.sandbox.endpoint import Call, Endpoint, paged
from pms.sandbox.forms import ParamError
from pms.sandbox.models import Property, RoomType
from pms.sandbox.queries import property_mismatch

__all__ = ["ENDPOINTS", "currency_list"]


def currency_list(prop: Property) -> list[dict[str, str]]:
    return [
        {
            "currencyCode": prop.currency_code,
            "currencySymbol": prop.currency_symbol,
            "currencyPosition": "before",
        }
    ]


def _hotel_summary(prop: Property) -> dict[str, Any]:
    return {
        "propertyID": prop.property_id,
        "organizationID": prop.organization_id,
        "propertyName": prop.name,
        "propertyImage": "https://images.omahsekar.example/facade.jpg",
        "propertyDescription": prop.description,
        "propertyTimezone": prop.timezone,
        "propertyCurrency": currency_list(prop),
    }


def get_hotels(call: Call) -> dict[str, Any]:
    p, prop = call.params, call.store.property
    property_mismatch(call.store, p, "propertyIDs")
    page = p.page(20)
    name, city = p.str("propertyName"), p.str("propertyCity")
    match = (not name or name.casefold() in prop.name.casefold()) and (
        not city or city.casefold() in prop.city.casefold()
    )
    items, total = paged([prop.property_id] if match else [], page, lambda _: _hotel_summary(prop))
    return {"success": True, "data": items, "count": len(items), "total": total}


def get_hotel_details(call: Call) -> dict[str, Any]:
    prop = call.store.property
    property_mismatch(call.store, call.params, "propertyID")
    image = {
        "thumb": "https://images.omahsekar.example/facade_t.jpg",
        "image": "https://images.omahsekar.example/facade.jpg",
    }
    return {
        "success": True,
        "data": {
            "propertyID": prop.property_id,
            "organizationID": prop.organization_id,
            "propertyName": prop.name,
            "propertyType": prop.type,
            "propertyImage": [image],
            "propertyDescription": prop.description,
            "propertyCurrency": {
                "currencyCode": prop.currency_code,
                "currencySymbol": prop.currency_symbol,
                "currencyPosition": "before",
                "currencyDecimalSeparator": ",",
                "currencyThousandsSeparator": ".",
            },
            "propertyPrimaryLanguage": "id",
            "propertyAdditionalPhotos": [
                {
                    "thumb": "https://images.omahsekar.example/pool_t.jpg",
                    "image": "https://images.omahsekar.example/pool.jpg",
                }
            ],
            "propertyPhone": prop.phone,
            "propertyEmail": prop.email,
            "propertyAddress": {
                "propertyAddress1": prop.address1,
                "propertyAddress2": prop.address2,
                "propertyCity": prop.city,
                "propertyState": prop.state,
                "propertyZip": prop.zip,
                "propertyCountry": prop.country,
                "propertyLatitude": prop.latitude,
                "propertyLongitude": prop.longitude,
            },
            "propertyPolicy": {
                "propertyCheckInTime": prop.check_in_time,
                "propertyCheckOutTime": prop.check_out_time,
                "propertyLateCheckOutAllowed": True,
                "propertyLateCheckOutType": "percent",
                "propertyLateCheckOutValue": "50",
                "propertyTermsAndConditions": (
                    "Check-in from 14:00, check-out until 12:00. Non-refundable rates are charged at booking."
                ),
                "propertyFullPaymentBeforeCheckin": False,
            },
            "propertyAmenities": prop.amenities,
            "taxID": prop.tax_id,
            "taxID2": "",
            "companyLegalName": prop.legal_name,
        },
    }


def room_type_json(rt: RoomType, property_id: str) -> dict[str, Any]:
    return {
        "roomTypeID": rt.room_type_id,
        "propertyID": property_id,
        "roomTypeName": rt.name,
        "roomTypeNameShort": rt.short,
        "roomTypeDescription": rt.description,
        "isPrivate": rt.is_private,
        "maxGuests": rt.max_guests,
        "adultsIncluded": rt.adults_included,
        "childrenIncluded": rt.children_included,
    }


def get_room_types(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyIDs")
    page = p.page(20)
    wanted = p.id_list("roomTypeIDs")
    name = p.str("roomTypeName")
    max_guests = p.int("maxGuests")
    types = [
        rt
        for rt in store.room_types.values()
        if (wanted is None or rt.room_type_id in wanted)
        and (not name or name.casefold() in rt.name.casefold())
        and (max_guests is None or rt.max_guests >= max_guests)
    ]
    if (p.str("sort") or "").endswith(":desc"):
        types.reverse()
    pid = store.property.property_id
    by_id = {rt.room_type_id: rt for rt in types}
    items, total = paged(list(by_id), page, lambda i: room_type_json(by_id[i], pid))
    return {"success": True, "data": items, "count": len(items), "total": total}


def get_rooms(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyIDs")
    page = p.page(20)
    start, end = p.date("startDate"), p.date("endDate")
    if (start is None) != (end is None):
        raise ParamError("Parameters startDate and endDate must be sent together")
    if start and end and end < start:
        raise ParamError("Parameter endDate must not be before startDate")
    type_ids = p.id_list("roomTypeID")
    short = p.str("roomTypeNameShort")
    relations = p.bool("includeRoomRelations")
    # With dates, only rooms free (unassigned) in the window; without, all rooms.
    candidates = store.free_rooms(None, start, end) if start and end else list(store.rooms.values())
    rooms = []
    for room in candidates:
        rt = store.room_types[room.room_type_id]
        if type_ids is not None and rt.room_type_id not in type_ids:
            continue
        if short and rt.short != short:
            continue
        item = {
            "roomID": room.room_id,
            "roomName": room.name,
            "dormRoomName": "",
            "roomDescription": room.description,
            "maxGuests": rt.max_guests,
            "isPrivate": rt.is_private,
            "isVirtual": False,
            "roomBlocked": blocked_today(store, room.room_id),  # in a room block today
            "roomTypeID": rt.room_type_id,
            "roomTypeName": rt.name,
            "roomTypeNameShort": rt.short,
            "doorlockID": room.doorlock_id,
        }
        if relations:
            item.update({"linkedRoomIDs": [], "linkedRoomTypeIDs": [], "linkedRoomTypeQty": []})
        rooms.append(item)
    return _rooms_page(call.backend.reading("rooms_paging"), store.property.property_id, rooms, page)


def _rooms_page(reading: str, property_id: str, rooms: list[dict], page: tuple[int, int]) -> dict[str, Any]:
    """One getRooms page under the ``rooms_paging`` reading (what pageSize, count and total count)."""
    if reading == "properties":  # whole properties per page, counted as properties (API.md §7)
        items, total = paged([property_id], page, lambda pid: {"propertyID": pid, "rooms": rooms})
        return {"success": True, "data": items, "count": len(items), "total": total}
    number, size = page
    chunk = rooms[(number - 1) * size : number * size]
    data = [{"propertyID": property_id, "rooms": chunk}] if chunk else []
    if reading == "rooms":
        return {"success": True, "data": data, "count": len(chunk), "total": len(rooms)}
    return {"success": True, "data": data, "count": len(data), "total": 1}  # rooms_property_totals


def get_sources(call: Call) -> dict[str, Any]:
    store = call.store
    property_mismatch(store, call.params, "propertyIDs")
    pid = store.property.property_id
    taxes = [
        {
            "taxID": "1",
            "name": "PB1 Pajak Hotel",
            "amount": 10,
            "amountType": "percentage",
            "type": "exclusive",
        },
        {
            "taxID": "2",
            "name": "Service Charge",
            "amount": 11,
            "amountType": "percentage",
            "type": "exclusive",
        },
    ]
    data = [
        {
            "propertyID": pid,
            "sourceID": s.source_id,
            "sourceName": s.name,
            "isThirdParty": s.is_third_party,
            "status": True,
            "commission": s.commission,
            "paymentCollect": s.payment_collect,
            "taxes": taxes,
            "fees": [],
        }
        for s in store.sources.values()
    ]
    return {"success": True, "data": data}


ENDPOINTS = [
    Endpoint("getHotels", "GET", "read:hotel", get_hotels),
    Endpoint("getHotelDetails", "GET", "read:hotel", get_hotel_details),
    Endpoint("getRoomTypes", "GET", "read:room", get_room_types),
    Endpoint("getRooms", "GET", "read:room", get_rooms),
    Endpoint("getSources", "GET", "read:reservation", get_sources),
]
