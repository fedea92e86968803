"""The projector's inputs and outputs as plain frozen values (no database, no network).

Inputs: a stay as the mirror holds it (``MirrorStay`` with its ``MirrorRoom`` rows and guest), the
hotel's catalogue (``Catalog``), the mappings (``Mappings``), our links (``Link``) and the state of
the front desk around the stays (``DeskState``: the linked bookings, who occupies the rooms, the
bookings typed by staff that rule 3 may link, guests by e-mail and phone). Output: ``Action`` rows.

ADF rows are kept as mappings under their documented column names (``actual_check_in``, not a
hotel's ``actual_checkin_time``); ``pms.adf.fit`` translates names when writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

__all__ = [
    "ACTION_KINDS",
    "Action",
    "AdfBooking",
    "AdfGuest",
    "Catalog",
    "DeskState",
    "Link",
    "Mappings",
    "MirrorGuest",
    "MirrorRoom",
    "MirrorStay",
    "Occupant",
    "status_key",
]

# What the projector may decide: ``refresh`` only brings our link up to date (nothing in ADF moves).
ACTION_KINDS = ("link", "create", "update", "move", "cancel", "warn", "refresh")

_STATUS_WORDS = {
    "pending": "pending",
    "not_confirmed": "pending",
    "tentative": "pending",
    "confirmed": "confirmed",
    "booked": "confirmed",
    "checked_in": "checked_in",
    "checkin": "checked_in",
    "check_in": "checked_in",
    "in_house": "checked_in",
    "inhouse": "checked_in",
    "checked_out": "checked_out",
    "checkout": "checked_out",
    "check_out": "checked_out",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "cancel": "cancelled",
    "batal": "cancelled",
    "no_show": "cancelled",
    "noshow": "cancelled",
    "void": "cancelled",
}


def status_key(value: str | None) -> str | None:
    """A booking status in ADF's words, whatever the hotel typed (``Check-In`` → ``checked_in``)."""
    if value is None:
        return None
    key = "_".join(str(value).strip().casefold().replace("-", " ").split())
    return _STATUS_WORDS.get(key, key or None)


@dataclass(frozen=True)
class MirrorGuest:
    """The booker as the mirror's ``guest`` row holds them (full utf8mb4 names)."""

    guest_id: str | None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    country: str | None = None
    address: str | None = None
    document_type: str | None = None
    document_number: str | None = None

    @property
    def name(self) -> str:
        first, last = (self.first_name or "").strip(), (self.last_name or "").strip()
        if first and last and first != last:
            return f"{first} {last}"
        return first or last


@dataclass(frozen=True)
class MirrorRoom:
    """One room of a stay (a Cloudbeds sub-reservation, ``reservasi_room``)."""

    sub_id: str
    room_type_id: str | None
    room_id: str | None  # None: Cloudbeds has not assigned a room yet
    room_name: str | None
    check_in: date
    check_out: date
    adults: int = 1
    children: int = 0
    room_total: Decimal | None = None
    is_deleted: bool = False


@dataclass(frozen=True)
class MirrorStay:
    """A Cloudbeds reservation as the mirror holds it (``reservasi``), with its rooms and guest."""

    reservation_id: str
    status: str
    check_in: date
    check_out: date
    adults: int = 1
    children: int = 0
    total: Decimal | None = None  # grand total, taxes and fees included (rule 9)
    paid: Decimal | None = None
    payment_collect: str | None = None
    source_id: str | None = None
    source_name: str | None = None
    source_category: str | None = None
    third_party_id: str | None = None
    origin: str = "cloudbeds"
    is_deleted: bool = False
    guest_name: str | None = None
    guest: MirrorGuest | None = None
    rooms: tuple[MirrorRoom, ...] = ()


@dataclass(frozen=True)
class Link:
    """Our ``cloudbed_booking_link`` row for one room of a stay."""

    sub_id: str
    reservation_id: str
    adf_booking_id: int | None = None
    adf_guest_id: int | None = None
    how: str | None = None
    state: str = "open"
    synced: Mapping[str, Any] = field(default_factory=dict)  # {"booking": {...}, "guest": {...}}
    problem_kind: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class AdfGuest:
    id: int
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.values.get("guest_name") or "")


@dataclass(frozen=True)
class AdfBooking:
    """A row of ADF's ``bookings`` (documented column names), its guest's name and money recorded."""

    id: int
    values: Mapping[str, Any] = field(default_factory=dict)
    guest_name: str | None = None
    payments: Decimal = Decimal(0)  # sum of booking_payments

    @property
    def code(self) -> str:
        return str(self.values.get("booking_code") or f"#{self.id}")

    @property
    def status(self) -> str | None:
        return status_key(self.values.get("status"))

    @property
    def room_id(self) -> int | None:
        return self.values.get("room_id")

    @property
    def check_in(self) -> date | None:
        return self.values.get("check_in_date")

    @property
    def check_out(self) -> date | None:
        return self.values.get("check_out_date")

    @property
    def occupying(self) -> bool:
        return self.status != "cancelled"


@dataclass(frozen=True)
class Occupant:
    """A booking holding an ADF room for some nights (the calendar's view of it)."""

    booking_id: int | None
    room_id: int
    check_in: date
    check_out: date
    code: str

    def overlaps(self, room_id: int, check_in: date, check_out: date) -> bool:
        return self.room_id == room_id and self.check_in < check_out and check_in < self.check_out


@dataclass(frozen=True)
class Catalog:
    """The hotel's room types (id → name) and rooms (id → number, type id)."""

    room_types: Mapping[int, str] = field(default_factory=dict)
    rooms: Mapping[int, tuple[str, int | None]] = field(default_factory=dict)

    def room_number(self, room_id: int | None) -> str:
        return self.rooms[room_id][0] if room_id in self.rooms else f"#{room_id}"

    def room_type_of(self, room_id: int | None) -> int | None:
        return self.rooms[room_id][1] if room_id in self.rooms else None


@dataclass(frozen=True)
class Mappings:
    """Cloudbeds ids → the hotel's ids and words."""

    room_types: Mapping[str, int] = field(default_factory=dict)  # Cloudbeds room type → room_types.id
    rooms: Mapping[str, int] = field(default_factory=dict)  # Cloudbeds room → rooms.id
    sources: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)  # → (booking_source, detail)


@dataclass
class DeskState:
    """The front desk around a set of stays, read in a few queries per page."""

    bookings: dict[int, AdfBooking] = field(default_factory=dict)  # the linked ones, by id
    guests: dict[int, AdfGuest] = field(default_factory=dict)  # the linked ones, by id
    occupants: list[Occupant] = field(default_factory=list)  # every booking holding the rooms wanted
    candidates: list[AdfBooking] = field(default_factory=list)  # typed by staff, not linked (rule 3)
    guests_by_email: dict[str, AdfGuest] = field(default_factory=dict)
    guests_by_phone: dict[str, AdfGuest] = field(default_factory=dict)
    guests_by_cloudbed: dict[str, int] = field(default_factory=dict)  # from our links
    taken_codes: set[str] = field(default_factory=set)  # booking codes in use that we might choose


@dataclass
class Action:
    """One thing to do for one room of a stay.

    Attributes:
        kind: one of ``ACTION_KINDS``.
        booking: ADF ``bookings`` values to write (all of them for ``create``, changed ones else).
        guest: ADF ``guests`` values to write (``guest_id`` None and values: create the guest).
        guest_key: the Cloudbeds guest id, so the rooms of one stay share the guest created.
        link: the link row's new values (``how``, ``state``, ``synced``, problem).
        summary: one line for a person.
    """

    kind: str
    reservation_id: str
    sub_id: str
    booking_id: int | None = None
    booking: dict[str, Any] = field(default_factory=dict)
    guest_id: int | None = None
    guest: dict[str, Any] = field(default_factory=dict)
    guest_key: str | None = None
    link: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)
    adaptations: list[Any] = field(default_factory=list)  # pms.adf.fit.Adaptation, counted per run
