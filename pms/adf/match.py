"""Finding what the front desk already has: the same stay typed by staff (rule 3), the same guest,
a room already taken, and comparing values the way the columns hold them (pure functions)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pms.adf.model import AdfBooking, AdfGuest, Catalog, DeskState, MirrorRoom, MirrorStay, Occupant
from pms.sync.rules import names_match

__all__ = [
    "Occupancy",
    "canon",
    "find_guest",
    "find_typed_booking",
    "phone_key",
    "same_value",
    "stay_names",
]

_CENT = Decimal("0.01")


def canon(value: Any) -> str | None:
    """A value as comparable text: amounts to the cent, dates in ISO form, text stripped.

    Our links remember synced values in this form, so ``2``, ``Decimal('2.00')`` and ``"2.00"``
    (an INT column, a DECIMAL column, the JSON we stored) all compare equal.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, Decimal)):
        try:
            return str(Decimal(str(value)).quantize(_CENT))
        except InvalidOperation:
            return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def same_value(a: Any, b: Any) -> bool:
    return canon(a) == canon(b)


def phone_key(phone: str | None) -> str | None:
    """The last nine digits of a phone number (``+62 812-3456-7890`` = ``0812 3456 7890``)."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 7 else None


def stay_names(stay: MirrorStay) -> list[str | None]:
    g = stay.guest
    return [stay.guest_name] + ([g.first_name, g.last_name, g.name] if g else [])


def find_typed_booking(
    stay: MirrorStay,
    room: MirrorRoom,
    *,
    room_id: int | None,
    type_id: int | None,
    catalog: Catalog,
    candidates: Iterable[AdfBooking],
    taken: set[int],
) -> AdfBooking | None:
    """Rule 3: a booking staff typed for the same stay: same dates, same room (or a room of the
    same type), a guest name sharing a word of three letters or more (titles ignored)."""
    names = stay_names(stay)
    for cand in candidates:
        if cand.id in taken or not cand.occupying:
            continue
        if cand.check_in != room.check_in or cand.check_out != room.check_out:
            continue
        same_room = room_id is not None and cand.room_id == room_id
        same_type = type_id is not None and catalog.room_type_of(cand.room_id) == type_id
        if not (same_room or same_type):
            continue
        if names_match(names, [cand.guest_name]):
            return cand
    return None


def find_guest(stay: MirrorStay, state: DeskState, known: dict[str, int]) -> int | None:
    """The ADF guest of a stay: through our links (``known``: Cloudbeds guest → ADF guest), else by
    e-mail, else by phone; None when the guest must be created."""
    g = stay.guest
    if g is None:
        return None
    if g.guest_id and g.guest_id in known:
        return known[g.guest_id]
    found: AdfGuest | None = None
    if g.email:
        found = state.guests_by_email.get(g.email.strip().casefold())
    if found is None and phone_key(g.phone):
        found = state.guests_by_phone.get(phone_key(g.phone))  # type: ignore[arg-type]
    return found.id if found is not None else None


class Occupancy:
    """Who holds which ADF room on which nights, by room: the projector's view of the calendar,
    updated as it plans (a booking it creates or moves takes its nights at once)."""

    def __init__(self, occupants: Iterable[Occupant] = ()) -> None:
        self._by_room: dict[int, list[Occupant]] = defaultdict(list)
        for occ in occupants:
            self.add(occ)

    def add(self, occ: Occupant) -> None:
        self._by_room[occ.room_id].append(occ)

    def release(self, booking_id: int) -> None:
        """Forget the nights ``booking_id`` held (it is moving)."""
        for room, held in self._by_room.items():
            self._by_room[room] = [o for o in held if o.booking_id != booking_id]

    def holder(
        self, room_id: int, check_in: date, check_out: date, *, skip: int | None = None
    ) -> Occupant | None:
        """The booking holding ``room_id`` on a night of the stay (other than ``skip``), if any."""
        for occ in self._by_room.get(room_id, ()):
            if occ.booking_id is not None and occ.booking_id == skip:
                continue
            if occ.overlaps(room_id, check_in, check_out):
                return occ
        return None
