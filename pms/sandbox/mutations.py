"""Every change to reservations and guests, in one place, shared by the API writes and the admin
"front desk" (``/_sandbox/mutate``).

Each function validates, changes the records, moves ``dateModified`` (of the reservation, and of
guests where they changed), re-derives the money, invalidates cached queries, and announces the
change on the store's event bus, from which webhooks are sent. Callers hold ``store.lock``.
Business-rule refusals raise ``Refused`` (Cloudbeds answers those with HTTP 200 ``success:false``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pms.sandbox.endpoint import Refused
from pms.sandbox.models import OCCUPYING, Guest, Reservation, ReservationRoom
from pms.sandbox.store import Store

__all__ = [
    "GUEST_FIELDS",
    "RoomRequest",
    "add_guest",
    "add_room",
    "change_checkout",
    "create_reservation",
    "delete_reservation",
    "move_room",
    "set_status",
    "update_guest",
    "update_room",
]

# putGuest/postGuest form field -> Guest attribute
GUEST_FIELDS = {
    "guestFirstName": "first_name",
    "guestLastName": "last_name",
    "guestGender": "gender",
    "guestEmail": "email",
    "guestPhone": "phone",
    "guestCellPhone": "cell_phone",
    "guestAddress1": "address1",
    "guestAddress2": "address2",
    "guestCity": "city",
    "guestState": "state",
    "guestCountry": "country",
    "guestZip": "zip",
    "guestBirthDate": "birth_date",
    "guestDocumentType": "document_type",
    "guestDocumentNumber": "document_number",
    "guestDocumentIssueDate": "document_issue_date",
    "guestDocumentIssuingCountry": "document_issuing_country",
    "guestDocumentExpirationDate": "document_expiration_date",
    "guestCompanyName": "company_name",
    "guestCompanyTaxId": "company_tax_id",
    "guestTaxId": "tax_id",
    "guestNote": "notes",
}


@dataclass
class RoomRequest:
    room_type_id: str
    rate_id: str
    adults: int
    children: int
    room_id: str | None = None


def _touch(store: Store, res: Reservation, when: datetime | None = None) -> None:
    res.modified = max(when or store.clock.now(), res.modified)
    store.recompute(res)
    store.touch()


def _nights(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _check_inventory(
    store: Store, room_type_id: str, nights: list[date], needed: int, exclude: Reservation | None = None
) -> None:
    for night in nights:
        if store.available(room_type_id, night, exclude) < needed:
            name = store.room_types[room_type_id].name
            raise Refused(f"No availability for {name} on {night.isoformat()}")


def _check_room_free(
    store: Store, room_id: str, nights: list[date], exclude: Reservation | None = None
) -> None:
    used = set(store.occupancy().by_room.get(room_id, set()))
    if exclude is not None and exclude.status in OCCUPYING:
        for room in exclude.rooms:
            if room.room_id == room_id:
                used -= set(room.nights())
    if used.intersection(nights):
        raise Refused(f"Room {store.rooms[room_id].name} is not available for the requested dates")


def _payload(res: Reservation, **extra: Any) -> dict[str, Any]:
    return {"reservationID": res.reservation_id, **extra}


def create_reservation(
    store: Store,
    *,
    start: date,
    end: date,
    rooms: list[RoomRequest],
    guest: dict[str, Any],
    source_id: str,
    status: str = "not_confirmed",
    third_party_id: str = "",
    estimated_arrival: str | None = None,
    custom_fields: list[dict] | None = None,
    payment_method: str = "cash",
    created: datetime | None = None,
) -> Reservation:
    """Book ``rooms`` for [start, end): checks dates against today and inventory, prices each night."""
    today = store.clock.today()
    if start < today:
        raise Refused(
            f"startDate {start.isoformat()} is in the past; the earliest possible arrival is "
            f"{today.isoformat()}"
        )
    if end <= start:
        raise Refused("endDate must be after startDate")
    nights = _nights(start, end)
    per_type: dict[str, int] = {}
    for req in rooms:
        per_type[req.room_type_id] = per_type.get(req.room_type_id, 0) + 1
        rt = store.room_types[req.room_type_id]
        if req.adults < 1 or req.adults + req.children > rt.max_guests:
            raise Refused(
                f"{rt.name} takes 1 to {rt.max_guests} guests, {req.adults} adults and {req.children} "
                "children requested"
            )
        if req.room_id:
            _check_room_free(store, req.room_id, nights)
    for room_type_id, count in per_type.items():
        _check_inventory(store, room_type_id, nights, count)
    now = store.clock.now()
    res_id = store.new_reservation_id()
    main = _new_guest(store, res_id, guest, now, is_main=True)
    res_rooms = []
    for k, req in enumerate(rooms, start=1):
        res_rooms.append(
            ReservationRoom(
                f"{res_id}-{k}",
                store.new_room_row_id(),
                req.room_type_id,
                req.rate_id,
                start,
                end,
                req.adults,
                req.children,
                [store.price(req.rate_id, n) for n in nights],
                req.room_id,
                main.guest_id,
            )
        )
    res = Reservation(
        res_id,
        status,
        source_id,
        created or now,
        now,
        res_rooms,
        [main.guest_id],
        third_party_id=third_party_id,
        estimated_arrival=estimated_arrival,
        custom_fields=list(custom_fields or []),
        payment_method=payment_method,
    )
    store.reservations[res_id] = res
    _touch(store, res, now)
    store.emit("reservation/created", _payload(res, startDate=start.isoformat(), endDate=end.isoformat()))
    store.emit("guest/created", {"guestId": main.guest_id, "reservationId": res_id})
    return res


def _new_guest(
    store: Store, reservation_id: str, fields: dict[str, Any], now: datetime, is_main: bool
) -> Guest:
    guest = Guest(
        guest_id=store.new_guest_id(),
        reservation_id=reservation_id,
        first_name="",
        last_name="",
        gender="N/A",
        email="",
        phone="",
        cell_phone="",
        country="",
        address1="",
        address2="",
        city="",
        state="",
        zip="",
        birth_date=None,
        document_type="na",
        document_number="",
        document_issue_date=None,
        document_issuing_country="",
        document_expiration_date=None,
        created=now,
        modified=now,
        is_main=is_main,
    )
    for attr, value in fields.items():
        setattr(guest, attr, value)
    store.guests[guest.guest_id] = guest
    return guest


def set_status(store: Store, res: Reservation, status: str) -> None:
    """Move a reservation to ``status`` with the front desk's rules (no check-in before arrival ...)."""
    if status == res.status:
        return
    today = store.clock.today()
    if status == "checked_in":
        if res.status not in ("confirmed", "not_confirmed"):
            raise Refused(f"A {res.status} reservation cannot be checked in")
        if res.start > today:
            raise Refused(f"Check-in is not possible before the arrival date {res.start.isoformat()}")
        for room in res.rooms:  # a guest in house sleeps in a real room
            if not room.room_id:
                free = store.free_rooms(room.room_type_id, room.check_in, room.check_out)
                if not free:
                    raise Refused("No free room to assign for check-in")
                room.room_id = free[0].room_id
                store.touch()
    elif status == "checked_out" and res.status != "checked_in":
        raise Refused("Only a checked-in reservation can be checked out")
    elif status in ("canceled", "no_show") and res.status in ("checked_in", "checked_out"):
        raise Refused(f"A {res.status} reservation cannot be {status.replace('_', '-')}")
    elif status in OCCUPYING and res.status not in OCCUPYING:
        for room in res.rooms:  # reinstating needs the inventory back
            _check_inventory(store, room.room_type_id, room.nights(), 1)
    now = store.clock.now()
    res.status = status
    if status == "canceled":
        res.cancelled = now
        for room in res.rooms:
            room.room_id = None
    if status in ("checked_in", "checked_out"):  # check-in and check-out touch the guest records too
        for guest in store.reservation_guests(res):
            guest.modified = now
    _touch(store, res, now)
    store.emit("reservation/status_changed", _payload(res, status=status))


def _reprice(store: Store, room: ReservationRoom, start: date, end: date) -> None:
    """New stay window for a room: nights kept keep their price, new nights get today's price."""
    old = dict(zip(room.nights(), room.rates, strict=False))
    room.check_in, room.check_out = start, end
    room.rates = [old.get(n) or store.price(room.rate_id, n) for n in _nights(start, end)]


def _dates_event(store: Store, res: Reservation) -> None:
    store.emit(
        "reservation/dates_changed",
        _payload(
            res,
            startDate=res.start.isoformat(),
            endDate=res.end.isoformat(),
            subReservations=[
                {
                    "subReservationID": r.sub_reservation_id,
                    "startDate": r.check_in.isoformat(),
                    "endDate": r.check_out.isoformat(),
                }
                for r in res.rooms
            ],
        ),
    )


def change_checkout(store: Store, res: Reservation, checkout: date) -> None:
    """Move the whole booking's departure (putReservation ``checkoutDate``)."""
    if checkout == res.end:
        return
    for room in res.rooms:
        if checkout <= room.check_in:
            raise Refused("checkoutDate must be after the check-in date")
        added = _nights(room.check_out, checkout)
        if res.status in OCCUPYING and added:
            _check_inventory(store, room.room_type_id, added, 1, exclude=None)
            if room.room_id:
                _check_room_free(store, room.room_id, added)
    for room in res.rooms:
        _reprice(store, room, room.check_in, checkout)
    _touch(store, res)
    _dates_event(store, res)


def update_room(
    store: Store,
    res: Reservation,
    room: ReservationRoom,
    req: RoomRequest,
    start: date,
    end: date,
    adjust_price: bool = True,
) -> bool:
    """Change one room's type, dates or guests; returns True when its dates changed."""
    if end <= start:
        raise Refused("checkoutDate must be after checkinDate")
    rt = store.room_types[req.room_type_id]
    if req.adults < 1 or req.adults + req.children > rt.max_guests:
        raise Refused(f"{rt.name} takes 1 to {rt.max_guests} guests")
    new_nights = set(_nights(start, end))
    if res.status in OCCUPYING:
        kept = set(room.nights()) if req.room_type_id == room.room_type_id else set()
        _check_inventory(store, req.room_type_id, sorted(new_nights - kept), 1)
    dates_changed = (start, end) != (room.check_in, room.check_out)
    if req.room_type_id != room.room_type_id:
        room.room_type_id, room.room_id = req.room_type_id, None
        room.rate_id = req.rate_id
        room.rates = [store.price(room.rate_id, n) for n in room.nights()]
    elif req.rate_id != room.rate_id and adjust_price:
        room.rate_id = req.rate_id
        room.rates = [store.price(room.rate_id, n) for n in room.nights()]
    if dates_changed:
        if adjust_price:
            _reprice(store, room, start, end)
        else:  # keep the booked average, spread over the new nights
            average = room.total // max(1, len(room.rates))
            room.check_in, room.check_out = start, end
            room.rates = [average] * len(new_nights)
    room.adults, room.children = req.adults, req.children
    return dates_changed


def add_room(store: Store, res: Reservation, req: RoomRequest, start: date, end: date) -> ReservationRoom:
    if res.status in OCCUPYING:
        _check_inventory(store, req.room_type_id, _nights(start, end), 1)
    room = ReservationRoom(
        f"{res.reservation_id}-{len(res.rooms) + 1}",
        store.new_room_row_id(),
        req.room_type_id,
        req.rate_id,
        start,
        end,
        req.adults,
        req.children,
        [store.price(req.rate_id, n) for n in _nights(start, end)],
        None,
        res.main_guest_id,
    )
    res.rooms.append(room)
    return room


def finish_room_changes(store: Store, res: Reservation, dates_changed: bool) -> None:
    _touch(store, res)
    if dates_changed:
        _dates_event(store, res)


def move_room(store: Store, res: Reservation, room: ReservationRoom) -> str | None:
    """Assign (or reassign) a room to another free room of its type; returns the new room id."""
    free = [
        r
        for r in store.free_rooms(room.room_type_id, room.check_in, room.check_out)
        if r.room_id != room.room_id
    ]
    if not free:
        return None
    previous, room.room_id = room.room_id, free[store.rng.randrange(len(free))].room_id
    _touch(store, res)
    store.emit(
        "reservation/accommodation_changed",
        {
            "reservationId": res.reservation_id,
            "roomId": room.room_id,
            "roomIdPrev": previous or "",
            "subReservationId": room.sub_reservation_id,
        },
    )
    return room.room_id


def add_guest(store: Store, res: Reservation, fields: dict[str, Any]) -> Guest:
    """An additional guest on an existing reservation (postGuest)."""
    now = store.clock.now()
    guest = _new_guest(store, res.reservation_id, fields, now, is_main=False)
    res.guest_ids.append(guest.guest_id)
    _touch(store, res, now)
    store.emit("guest/created", {"guestId": guest.guest_id, "reservationId": res.reservation_id})
    return guest


def update_guest(store: Store, guest: Guest, fields: dict[str, Any]) -> None:
    """Partial update of a guest (putGuest); the reservation's dateModified moves too."""
    now = store.clock.now()
    for attr, value in fields.items():
        setattr(guest, attr, value)
    guest.modified = now
    res = store.reservations.get(guest.reservation_id)
    if res is not None:
        _touch(store, res, now)
    else:
        store.touch()
    store.emit("guest/details_changed", {"guestId": guest.guest_id, "reservationId": guest.reservation_id})


def delete_reservation(store: Store, res: Reservation) -> None:
    """Remove a booking the way Cloudbeds does: it vanishes from lists but stays readable as deleted."""
    res.is_deleted = True
    for room in res.rooms:
        room.room_id = None
    _touch(store, res)
    store.emit("reservation/deleted", {"reservationId": res.reservation_id})


def assign_room(
    store: Store, res: Reservation, room: ReservationRoom, new_room_id: str | None, adjust_price: bool = False
) -> None:
    """postRoomAssign: put one booked room into ``new_room_id`` (another type too), or unassign it."""
    if res.status in ("canceled", "checked_out", "no_show"):
        raise Refused(f"A {res.status} reservation cannot be assigned a room")
    previous = room.room_id
    if not new_room_id:
        if res.status == "checked_in":
            raise Refused("A checked-in room cannot be unassigned")
        room.room_id = None
    elif new_room_id != previous:
        target = store.rooms[new_room_id]
        nights = room.nights()
        _check_room_free(store, new_room_id, nights, exclude=res)
        if target.room_type_id != room.room_type_id:
            if res.status in OCCUPYING:
                _check_inventory(store, target.room_type_id, nights, 1, exclude=res)
            room.room_type_id = target.room_type_id
            room.rate_id = store.base_rate_id(target.room_type_id)
            if adjust_price:
                room.rates = [store.price(room.rate_id, n) for n in nights]
        room.room_id = new_room_id
    _touch(store, res)
    store.emit(
        "reservation/accommodation_changed",
        {
            "reservationId": res.reservation_id,
            "roomId": room.room_id or "",
            "roomIdPrev": previous or "",
            "subReservationId": room.sub_reservation_id,
        },
    )
