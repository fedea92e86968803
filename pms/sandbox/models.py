"""The sandbox's internal records: what a Cloudbeds property holds, in the form that is cheap to query.

Wire shapes (strings for numbers, maps keyed by id, property-local timestamps) are produced by
``serialize``; here everything is typed and stored once. Timestamps are aware UTC datetimes, stay
dates are ``date`` objects, money is whole rupiah (``int``: IDR has no minor unit in practice), and
ids are strings, because Cloudbeds ids outgrew 32 bits. ``__slots__`` keeps 100,000 seeded
reservations small and fast to build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

__all__ = [
    "RESERVATION_STATUSES",
    "Guest",
    "Payment",
    "Property",
    "RatePlan",
    "Reservation",
    "ReservationRoom",
    "Room",
    "RoomBlock",
    "RoomType",
    "Source",
]

RESERVATION_STATUSES = ("not_confirmed", "confirmed", "canceled", "checked_in", "checked_out", "no_show")
# Room status as Cloudbeds spells it (note "cancelled" with two l's, unlike the reservation status).
ROOM_STATUS = {
    "not_confirmed": "not_checked_in",
    "confirmed": "not_checked_in",
    "checked_in": "in_house",
    "checked_out": "checked_out",
    "canceled": "cancelled",
    "no_show": "cancelled",
}
# Statuses that hold inventory (availability, free rooms).
OCCUPYING = frozenset({"not_confirmed", "confirmed", "checked_in", "checked_out"})


@dataclass(slots=True)
class Property:
    property_id: str
    organization_id: str
    name: str
    type: str
    description: str
    timezone: str
    currency_code: str
    currency_symbol: str
    phone: str
    email: str
    address1: str
    address2: str
    city: str
    state: str
    zip: str
    country: str
    latitude: str
    longitude: str
    check_in_time: str
    check_out_time: str
    amenities: list[str]
    tax_id: str
    legal_name: str
    tax_rate_pct: int  # Indonesian "tax & service" on room revenue, applied exclusively


@dataclass(slots=True)
class RoomType:
    room_type_id: str
    name: str
    short: str
    description: str
    max_guests: int
    adults_included: int
    children_included: int
    base_rate: int  # nightly rupiah before weekday/season factors
    features: list[str]
    is_private: bool = True
    room_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Room:
    room_id: str
    name: str
    room_type_id: str
    description: str = ""
    doorlock_id: str = ""


@dataclass(slots=True)
class Source:
    source_id: str  # s-{id} direct, ss-{id}-0 channel collect, ss-{id}-1 hotel collect
    name: str  # "Booking.com (Hotel Collect)"
    brand: str  # "Booking.com"
    is_third_party: bool
    commission: float
    payment_collect: str  # hotel | channel
    category: str  # "Direct" | "OTA"
    origin: str  # what getReservations reports in `origin`


@dataclass(slots=True)
class RatePlan:
    rate_id: str
    room_type_id: str
    name_public: str
    name_private: str
    is_derived: bool = False
    parent_rate_id: str | None = None
    derived_type: str | None = None  # fixed | percentage
    derived_value: float | None = None  # -10 means 10 % cheaper than the parent
    # Values written through patchRate/putRate, per night: {"rate", "minLos", ..., "blocked"}.
    overrides: dict[date, dict] = field(default_factory=dict)


@dataclass(slots=True)
class Guest:
    guest_id: str
    reservation_id: str
    first_name: str
    last_name: str
    gender: str  # M | F | N/A
    email: str
    phone: str
    cell_phone: str
    country: str
    address1: str
    address2: str
    city: str
    state: str
    zip: str
    birth_date: date | None
    document_type: str
    document_number: str
    document_issue_date: date | None
    document_issuing_country: str
    document_expiration_date: date | None
    created: datetime
    modified: datetime
    is_main: bool = True
    opt_in: bool = False
    company_name: str = ""
    company_tax_id: str = ""
    tax_id: str = ""
    notes: str = ""
    custom_fields: list[dict] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class ReservationRoom:
    sub_reservation_id: str
    reservation_room_id: str
    room_type_id: str
    rate_id: str
    check_in: date
    check_out: date
    adults: int
    children: int
    rates: list[int]  # one nightly rate per night from check_in
    room_id: str | None = None  # None while unassigned
    guest_id: str | None = None

    def nights(self) -> list[date]:
        return [self.check_in + timedelta(days=i) for i in range(len(self.rates))]

    @property
    def total(self) -> int:
        return sum(self.rates)


@dataclass(slots=True)
class Reservation:
    reservation_id: str
    status: str
    source_id: str
    created: datetime
    modified: datetime
    rooms: list[ReservationRoom]
    guest_ids: list[str]  # main guest first
    third_party_id: str = ""
    paid: int = 0
    additional_items: int = 0
    estimated_arrival: str | None = None
    cancelled: datetime | None = None
    is_deleted: bool = False
    custom_fields: list[dict] = field(default_factory=list)
    payment_method: str = "cash"
    # Derived from the rooms by recompute(), kept as fields so 100,000-row filters stay cheap.
    start: date = date.min
    end: date = date.min
    sub_total: int = 0
    taxes_fees: int = 0

    def recompute(self, tax_rate_pct: int) -> None:
        """Refresh the stay window and the money fields after the rooms changed."""
        self.start = min(r.check_in for r in self.rooms)
        self.end = max(r.check_out for r in self.rooms)
        self.sub_total = sum(sum(r.rates) for r in self.rooms)
        self.taxes_fees = self.sub_total * tax_rate_pct // 100

    @property
    def main_guest_id(self) -> str:
        return self.guest_ids[0]

    @property
    def grand_total(self) -> int:
        return self.sub_total + self.taxes_fees + self.additional_items

    @property
    def balance(self) -> int:
        return self.grand_total - self.paid

    def adults(self) -> int:
        return sum(r.adults for r in self.rooms)

    def children(self) -> int:
        return sum(r.children for r in self.rooms)


@dataclass(slots=True)
class Payment:
    """One postPayment on a reservation; a void keeps it, marked, and takes its amount off."""

    payment_id: str
    transaction_id: str
    reservation_id: str
    sub_reservation_id: str | None
    type: str  # one of getPaymentMethods' ``method`` values
    amount: int
    description: str
    is_deposit: bool
    created: datetime
    card_type: str | None = None
    voided: bool = False


@dataclass(slots=True)
class RoomBlock:
    """A room block (postRoomBlock): the rooms are out of inventory from ``start`` to ``end``.

    ``end`` is the last blocked night (the sandbox's reading of the spec's "end date", see
    docs/sandbox.md). ``rooms`` holds (eventID, roomID, roomTypeID) per room.
    """

    room_block_id: str
    block_type: str  # blocked_dates | out_of_service | courtesy_hold
    reason: str
    start: date
    end: date
    rooms: list[tuple[str, str, str]]
    created: datetime
    modified: datetime

    def nights(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]
