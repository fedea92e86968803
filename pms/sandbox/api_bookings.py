"""Reservation writes: postReservation, putReservation and postRoomAssign.

postReservation takes parallel bracket-key arrays (``rooms[i]``, ``adults[i]``, ``children[i]``
matched by roomTypeID), refuses a start date in the past like Cloudbeds (domain rule 18), and creates
the booking as ``not_confirmed`` (domain rule 8). ``thirdPartyIdentifier`` is stored and returned
by the reads (getReservations' documented ``sourceReservationId`` filter matches it too), so a
client can check whether a timed-out create happened before retrying it. The answer's body is
built in ``serialize``. putReservation is a partial update.
"""

from __future__ import annotations

from typing import Any

from pms.sandbox import mutations
from pms.sandbox.api_reservations import get_reservation_or_404
from pms.sandbox.endpoint import Call, Endpoint
from pms.sandbox.forms import ParamError, Params, parse_bool, parse_date, parse_datetime
from pms.sandbox.models import RESERVATION_STATUSES
from pms.sandbox.queries import property_mismatch
from pms.sandbox.serialize import created_reservation, reservation_detail
from pms.sandbox.store import Store

__all__ = ["ENDPOINTS", "guest_fields_from"]

PAYMENT_METHODS = ("cash", "credit", "ebanking", "pay_pal")


def _int(item: dict, key: str, where: str, default: int | None = None) -> int:
    value = item.get(key)
    if value in (None, ""):
        if default is not None:
            return default
        raise ParamError(f"Parameter {where}[{key}] is required")
    try:
        return int(str(value))
    except ValueError:
        raise ParamError(f"Parameter {where}[{key}] must be an integer, got {value!r}") from None


def _room_type(store: Store, item: dict, where: str) -> str:
    rt_id = str(item.get("roomTypeID") or "")
    if not rt_id:
        raise ParamError(f"Parameter {where}[roomTypeID] is required")
    if rt_id not in store.room_types:
        raise ParamError(f"Unknown roomTypeID {rt_id!r} in {where}")
    return rt_id


def _rate_for(store: Store, room_type_id: str, rate_id: str | None, where: str) -> str:
    if not rate_id:
        return store.base_rate_id(room_type_id)
    plan = store.rate_plans.get(rate_id)
    if plan is None or plan.room_type_id != room_type_id:
        raise ParamError(f"{where}: rate {rate_id!r} does not belong to room type {room_type_id}")
    return rate_id


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _room_requests(store: Store, p: Params) -> list[mutations.RoomRequest]:
    """Expand rooms[]/adults[]/children[] into one request per room.

    ``adults[i][quantity]`` is the number of adults for that roomTypeID (and roomID, if given),
    spread over its rooms; with one room per entry, as is usual, it is simply that room's adults.
    """
    rooms = p.objects("rooms", required=True)
    adults = p.objects("adults", required=True)
    children = p.objects("children", required=True)

    def guests_for(entries: list[dict], rt_id: str, room_id: str | None, where: str) -> int:
        for item in entries:
            if str(item.get("roomTypeID")) == rt_id and (
                not room_id or item.get("roomID") in (None, "", room_id)
            ):
                return _int(item, "quantity", where)
        return 0

    out: list[mutations.RoomRequest] = []
    for i, item in enumerate(rooms):
        where = f"rooms[{i}]"
        rt_id = _room_type(store, item, where)
        quantity = _int(item, "quantity", where, default=1)
        if quantity < 1:
            raise ParamError(f"Parameter {where}[quantity] must be at least 1")
        room_id = str(item.get("roomID") or "") or None
        if room_id and (room_id not in store.rooms or store.rooms[room_id].room_type_id != rt_id):
            raise ParamError(f"Parameter {where}[roomID] {room_id!r} is not a room of type {rt_id}")
        if room_id and quantity != 1:
            raise ParamError(f"Parameter {where}[quantity] must be 1 when a roomID is given")
        rate_id = _rate_for(store, rt_id, str(item.get("roomRateID") or "") or None, where)
        n_adults = guests_for(adults, rt_id, room_id, "adults")
        n_children = guests_for(children, rt_id, room_id, "children")
        if n_adults < quantity:
            raise ParamError(f"adults[] must give at least one adult per room for roomTypeID {rt_id}")
        for a, c in zip(_split(n_adults, quantity), _split(n_children, quantity), strict=False):
            out.append(mutations.RoomRequest(rt_id, rate_id, a, c, room_id))
    return out


def guest_fields_from(p: Params, required: tuple[str, ...], allowed: dict[str, str]) -> dict[str, Any]:
    """Guest form fields (``guestFirstName`` ...) → Guest attributes, validated.

    ``required`` fields must be present.
    """
    fields: dict[str, Any] = {}
    for name in required:
        p.str(name, required=True)
    for name, attr in allowed.items():
        value = p.str(name)
        if value is None:
            continue
        if attr.endswith("_date"):
            value = parse_date(value, name)
        elif name == "guestGender" and value not in ("M", "F", "N/A"):
            raise ParamError("Parameter guestGender must be M, F or N/A")
        elif name == "guestCountry" and (len(value) != 2 or not value.isalpha()):
            raise ParamError("Parameter guestCountry must be a two-letter country code")
        fields[attr] = value.upper() if name in ("guestCountry", "guestDocumentIssuingCountry") else value
    return fields


_BOOKING_GUEST_FIELDS = (
    "guestFirstName",
    "guestLastName",
    "guestGender",
    "guestEmail",
    "guestPhone",
    "guestCountry",
    "guestZip",
)


def _booking_guest(call: Call) -> dict[str, Any]:
    """The main guest's fields; ``guestZip`` must be sent, and may be empty only under the
    ``empty_guest_zip`` reading ``accept`` (integrators report Cloudbeds refusing it)."""
    p = call.params
    if "guestZip" not in p.values:  # required (non-nullable) in the spec
        raise ParamError("Parameter guestZip is required")
    if not (p.str("guestZip") or "").strip() and call.backend.reading("empty_guest_zip") == "refuse":
        raise ParamError("Invalid Parameters: guestZip must not be empty")
    allowed = {k: v for k, v in mutations.GUEST_FIELDS.items() if k in _BOOKING_GUEST_FIELDS}
    return guest_fields_from(p, ("guestFirstName", "guestLastName", "guestEmail", "guestCountry"), allowed)


def _payment_method(p: Params) -> str:
    payment = p.str("paymentMethod", required=True)
    if payment not in PAYMENT_METHODS and not payment.replace("_", "").isalnum():
        raise ParamError(f"Parameter paymentMethod must be one of {', '.join(PAYMENT_METHODS)}")
    return payment


def _source_id(store: Store, p: Params) -> str:
    source_id = p.str("sourceID") or "s-1"
    if source_id not in store.sources:
        raise ParamError(
            f"Unknown sourceID {source_id!r}: use s-{{id}}, ss-{{id}}-0 or ss-{{id}}-1 from getSources"
        )
    return source_id


def _booking_extras(store: Store, p: Params) -> dict[str, Any]:
    """The optional fields: arrival time, custom fields, a back-dated creation time, our reference."""
    created = p.datetime("dateCreated")
    if "sendEmailConfirmation" in p:
        p.bool("sendEmailConfirmation")  # validated, otherwise ignored: the sandbox sends no mail
    return {
        "third_party_id": p.str("thirdPartyIdentifier") or "",
        "estimated_arrival": p.str("estimatedArrivalTime"),
        "custom_fields": [
            {"name": str(f.get("fieldName", "")), "value": str(f.get("fieldValue", ""))}
            for f in p.objects("customFields")
        ],
        "created": store.clock.local_to_utc(created) if created else None,
    }


def post_reservation(call: Call) -> dict[str, Any]:
    """postReservation: check the form step by step, create the booking, answer with its summary.

    New bookings are ``not_confirmed`` (domain rule 8); an undocumented ``status`` is ignored, as
    a lenient server would.
    """
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    start, end = p.date("startDate", required=True), p.date("endDate", required=True)
    guest = _booking_guest(call)
    payment = _payment_method(p)
    source_id = _source_id(store, p)
    extras = _booking_extras(store, p)
    res = mutations.create_reservation(
        store,
        start=start,
        end=end,
        rooms=_room_requests(store, p),
        guest=guest,
        source_id=source_id,
        status="not_confirmed",
        payment_method=payment,
        **extras,
    )
    return created_reservation(store, res)


def put_reservation(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    res = get_reservation_or_404(call)
    status = p.enum("status", RESERVATION_STATUSES)
    checkout = p.date("checkoutDate")
    rooms = p.objects("rooms")
    arrival = p.str("estimatedArrivalTime")
    custom = p.objects("customFields")
    if "dateCreated" in p:
        parse_datetime(p.str("dateCreated"), "dateCreated")
    if "sendStatusChangeEmail" in p:
        p.bool("sendStatusChangeEmail")
    if status is None and checkout is None and not rooms and arrival is None and not custom:
        raise ParamError(
            "Nothing to update: send status, checkoutDate, rooms, estimatedArrivalTime or customFields"
        )
    if rooms:
        _update_rooms(store, res, rooms)
    if checkout is not None:
        mutations.change_checkout(store, res, checkout)
    if arrival is not None or custom:
        if arrival is not None:
            res.estimated_arrival = arrival
        for field in custom:
            name = str(field.get("customFieldName") or "")
            if not name:
                raise ParamError("customFields[][customFieldName] is required")
            res.custom_fields = [f for f in res.custom_fields if f["name"] != name]
            res.custom_fields.append({"name": name, "value": str(field.get("customFieldValue") or "")})
        mutations.finish_room_changes(store, res, dates_changed=False)
    if status is not None:
        mutations.set_status(store, res, status)
    return {"success": True, "data": reservation_detail(store, res)}


def _update_rooms(store: Store, res, rooms: list[dict]) -> None:
    by_sub = {r.sub_reservation_id: r for r in res.rooms}
    dates_changed = False
    for i, item in enumerate(rooms):
        where = f"rooms[{i}]"
        rt_id = _room_type(store, item, where)
        for key in ("checkinDate", "checkoutDate"):
            if not item.get(key):
                raise ParamError(f"Parameter {where}[{key}] is required when rooms are sent")
        start = parse_date(item["checkinDate"], f"{where}[checkinDate]")
        end = parse_date(item["checkoutDate"], f"{where}[checkoutDate]")
        req = mutations.RoomRequest(
            rt_id,
            _rate_for(store, rt_id, str(item.get("rateID") or "") or None, where),
            _int(item, "adults", where),
            _int(item, "children", where),
        )
        adjust = parse_bool(item.get("adjustPrice", "true"), f"{where}[adjustPrice]")
        sub_id = str(item.get("subReservationID") or "")
        if sub_id:
            if sub_id not in by_sub:
                raise ParamError(f"Unknown subReservationID {sub_id!r} in {where}")
            current = by_sub[sub_id]
            if current.rate_id != req.rate_id and not item.get("rateID"):
                req.rate_id = current.rate_id if current.room_type_id == rt_id else req.rate_id
            dates_changed |= mutations.update_room(store, res, current, req, start, end, adjust)
        else:
            mutations.add_room(store, res, req, start, end)
            dates_changed = True
    mutations.finish_room_changes(store, res, dates_changed)


def post_room_assign(call: Call) -> dict[str, Any]:
    """postRoomAssign: assign, reassign (``oldRoomID``) or unassign (empty ``newRoomID``) one room."""
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyID")
    res = get_reservation_or_404(call)
    sub_id = p.str("subReservationID")
    row_id = p.str("reservationRoomID")
    new_room = p.str("newRoomID") or ""
    old_room = p.str("oldRoomID")
    type_id = p.str("roomTypeID")
    adjust = p.bool("adjustPrice") or p.bool("overrideRates")
    if "newRoomID" not in p:
        raise ParamError("Parameter newRoomID is required (send it empty to unassign a room)")
    room = None
    for r in res.rooms:
        named = (sub_id and r.sub_reservation_id == sub_id) or (row_id and r.reservation_room_id == row_id)
        if named or (not sub_id and not row_id and old_room and r.room_id == old_room):
            room = r
    if room is None:
        if not sub_id and not row_id and not old_room and len(res.rooms) == 1:
            room = res.rooms[0]
        else:
            raise ParamError(
                "subReservationID (or reservationRoomID, or oldRoomID) names no room of the reservation"
            )
    if not new_room:
        if not row_id:
            raise ParamError("reservationRoomID must be set to unassign a room")
    else:
        if new_room not in store.rooms:
            raise ParamError(f"Unknown newRoomID {new_room!r}")
        if not type_id:
            raise ParamError("roomTypeID is required when a room is assigned")
        if store.rooms[new_room].room_type_id != type_id:
            raise ParamError(f"newRoomID {new_room!r} is not a room of type {type_id}")
        if room.room_id and room.room_id != new_room and old_room != room.room_id:
            raise ParamError("oldRoomID must name the room assigned now to reassign it")
    mutations.assign_room(store, res, room, new_room or None, adjust_price=adjust)
    return {"success": True}


ENDPOINTS = [
    Endpoint("postReservation", "POST", "write:reservation", post_reservation),
    Endpoint("putReservation", "PUT", "write:reservation", put_reservation),
    Endpoint("postRoomAssign", "POST", "write:room", post_room_assign),
]
