"""Reservation reads: getReservations, getReservationsWithRateDetails, getReservation.

The list methods page a cached, sorted id list (see ``queries``), so only the 100 items of the
requested page are rendered. Deleted reservations appear only in the rate details with
``includeDeleted=true``, flagged ``isDeleted``.
"""

from __future__ import annotations

from typing import Any

from pms.sandbox.endpoint import Call, Endpoint, NotFound, paged
from pms.sandbox.queries import property_mismatch, reservation_ids
from pms.sandbox.serialize import reservation_detail, reservation_rate_row, reservation_row

__all__ = ["ENDPOINTS", "get_reservation_or_404"]


def get_reservations(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    page = p.page(100)
    guests, rooms, custom = (
        p.bool("includeGuestsDetails"),
        p.bool("includeAllRooms"),
        p.bool("includeCustomFields"),
    )
    ids = reservation_ids(store, p, "list", call.backend.reading("modified_filter_tz"))
    items, total = paged(
        ids, page, lambda i: reservation_row(store, store.reservations[i], guests, rooms, custom)
    )
    return {"success": True, "data": items, "count": len(items), "total": total}


def get_reservations_with_rate_details(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    page = p.page(100)
    guests, custom = p.bool("includeGuestsDetails"), p.bool("includeCustomFields")
    ids = reservation_ids(store, p, "rates", call.backend.reading("modified_filter_tz"))
    items, total = paged(
        ids, page, lambda i: reservation_rate_row(store, store.reservations[i], guests, custom)
    )
    return {"success": True, "data": items, "count": len(items), "total": total}


def get_reservation_or_404(call: Call, field: str = "reservationID"):
    reservation_id = call.params.str(field, required=True)
    res = call.store.live_reservation(reservation_id)
    if res is None:
        raise NotFound("Reservation not found")
    return res


def get_reservation(call: Call) -> dict[str, Any]:
    property_mismatch(call.store, call.params, "propertyID")
    res = get_reservation_or_404(call)
    return {"success": True, "data": reservation_detail(call.store, res)}


ENDPOINTS = [
    Endpoint("getReservations", "GET", "read:reservation", get_reservations),
    Endpoint("getReservationsWithRateDetails", "GET", "read:reservation", get_reservations_with_rate_details),
    Endpoint("getReservation", "GET", "read:reservation", get_reservation),
]
