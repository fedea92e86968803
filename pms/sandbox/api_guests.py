"""Guest methods: getGuestList, getGuestsModified, getGuest, postGuest, putGuest.

getGuestList's ``data`` is a map keyed by guest id (API.md §10.6); getGuestsModified returns one
row per guest per room and, without a date range, only today's changes. The guest endpoints say
``guestAddress1`` and ``guestBirthDate`` where reservation guest lists say ``guestAddress`` and
``guestBirthdate``; putGuest spells the document type ``driver_licence`` and calls its custom
fields ``guestCustomFields``. All of that is reproduced.
"""

from __future__ import annotations

from typing import Any

from pms.sandbox import mutations
from pms.sandbox.api_bookings import guest_fields_from
from pms.sandbox.api_reservations import get_reservation_or_404
from pms.sandbox.endpoint import Call, Endpoint, NotFound
from pms.sandbox.forms import ParamError
from pms.sandbox.queries import guest_ids, property_mismatch
from pms.sandbox.serialize_guests import guest_detail, guest_list_entry, guest_modified_rows

__all__ = ["ENDPOINTS"]

POST_DOCUMENT_TYPES = (
    "cpf",
    "dni",
    "driver_license",
    "na",
    "nie",
    "passport",
    "social_security_card",
    "student_id",
)
PUT_DOCUMENT_TYPES = (
    "na",
    "driver_licence",
    "student_id",
    "passport",
    "dni",
    "nie",
    "social_security_card",
    "cpf",
)


def get_guest_list(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyIDs")
    number, size = p.page(100)
    info = p.bool("includeGuestInfo")
    ids = guest_ids(store, p, "list", call.backend.reading("modified_filter_tz"))
    page_ids = ids[(number - 1) * size : (number - 1) * size + size]
    data = {}
    for gid in page_ids:
        guest = store.guests[gid]
        data[gid] = guest_list_entry(store, guest, store.reservations[guest.reservation_id], info)
    return {"success": True, "data": data, "count": len(data), "total": len(ids)}


def get_guests_modified(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyIDs")
    number, size = p.page(100)
    first, last = (number - 1) * size, number * size
    # Paging counts rows (a guest in two rooms is two rows): count cheaply, render only this page.
    rows: list[dict[str, Any]] = []
    position = 0
    for gid in guest_ids(store, p, "modified", call.backend.reading("modified_filter_tz")):
        guest = store.guests[gid]
        res = store.reservations[guest.reservation_id]
        count = sum(1 for r in res.rooms if r.guest_id == gid) or 1
        if position + count > first and position < last:
            for k, row in enumerate(guest_modified_rows(store, guest, res)):
                if first <= position + k < last:
                    rows.append(row)
        position += count
    return {"success": True, "data": rows, "count": len(rows), "total": position}


def _guest_or_404(call: Call):
    store, p = call.store, call.params
    guest_id = p.str("guestID")
    if guest_id:
        guest = store.guests.get(guest_id)
        if guest is None or store.live_reservation(guest.reservation_id) is None:
            raise NotFound("Guest not found")
        return guest
    if "reservationID" not in p:
        raise ParamError("Parameter guestID or reservationID is required")
    res = get_reservation_or_404(call)
    return store.guests[res.main_guest_id]  # with only a reservation, its main guest


def get_guest(call: Call) -> dict[str, Any]:
    property_mismatch(call.store, call.params, "propertyID")
    return {"success": True, "data": guest_detail(call.store, _guest_or_404(call))}


def _document_type(call: Call, allowed: tuple[str, ...]) -> None:
    doc = call.params.str("guestDocumentType")
    if doc is not None and doc not in allowed:
        raise ParamError(f"Parameter guestDocumentType must be one of {', '.join(allowed)}, got {doc!r}")


def post_guest(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    res = get_reservation_or_404(call)
    _document_type(call, POST_DOCUMENT_TYPES)
    fields = guest_fields_from(
        p, ("guestFirstName", "guestLastName", "guestEmail", "guestCountry"), mutations.GUEST_FIELDS
    )
    custom = [
        {"name": str(f.get("customFieldName", "")), "value": str(f.get("customFieldValue", ""))}
        for f in p.objects("customFields")
    ]
    if custom:
        fields["custom_fields"] = custom
    guest = mutations.add_guest(store, res, fields)
    return {"success": True, "guestID": guest.guest_id}


def put_guest(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    guest_id = p.str("guestID", required=True)
    guest = store.guests.get(guest_id)
    if guest is None or store.live_reservation(guest.reservation_id) is None:
        raise NotFound("Guest not found")
    _document_type(call, PUT_DOCUMENT_TYPES)
    fields = guest_fields_from(p, (), mutations.GUEST_FIELDS)
    custom = p.objects("guestCustomFields")
    if custom:
        merged = {f["name"]: f["value"] for f in guest.custom_fields}
        for f in custom:
            merged[str(f.get("customFieldName", ""))] = str(f.get("customFieldValue", ""))
        fields["custom_fields"] = [{"name": k, "value": v} for k, v in merged.items()]
    if not fields:
        raise ParamError("Nothing to update: send at least one guest field")
    mutations.update_guest(store, guest, fields)
    return {"success": True}


ENDPOINTS = [
    Endpoint("getGuestList", "GET", "read:guest", get_guest_list),
    Endpoint("getGuestsModified", "GET", "read:guest", get_guests_modified),
    Endpoint("getGuest", "GET", "read:guest", get_guest),
    Endpoint("postGuest", "POST", "write:guest", post_guest),
    Endpoint("putGuest", "PUT", "write:guest", put_guest),
]
