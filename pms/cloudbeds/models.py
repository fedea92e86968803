"""Typed records the rest of the project receives instead of Cloudbeds' wire dictionaries.

Conventions, so the sync engine never has to think about the wire again:
ids are ``str`` (they outgrew 32 bits); money is ``Decimal``; dates are ``date``; timestamps are
aware UTC ``datetime``; counts are ``int``. Anything that could not be read is ``None``. Status
strings are kept exactly as Cloudbeds sent them, even unknown ones (the normaliser reports those).
Fields this version does not model are kept, as received, in ``extra``.

All records are frozen; their ``extra`` and per-date maps are plain dicts, so they compare but do
not hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

# Booking records live in their own module; re-exported so callers need only this one.
from pms.cloudbeds.models_bookings import (
    CreatedReservation,
    Guest,
    Reservation,
    ReservationGuest,
    ReservationRoom,
)

__all__ = [
    "AvailableRoomType",
    "CreatedReservation",
    "Currency",
    "DailyRate",
    "DateRate",
    "Guest",
    "Hotel",
    "HotelDetails",
    "RateJob",
    "RateJobUpdate",
    "RatePlan",
    "Reservation",
    "ReservationGuest",
    "ReservationRoom",
    "Room",
    "RoomType",
    "Source",
    "SourceCharge",
    "UserInfo",
    "WebhookSubscription",
]

Extra = dict[str, Any]


@dataclass(frozen=True)
class Currency:
    code: str | None
    symbol: str | None = None
    position: str | None = None  # before | after
    decimal_separator: str | None = None
    thousands_separator: str | None = None


@dataclass(frozen=True)
class Hotel:
    """getHotels: one property the credential can see, with its time zone."""

    property_id: str
    name: str | None
    timezone: str | None  # IANA name, e.g. "Asia/Jakarta"
    currency: Currency | None
    organization_id: str | None = None
    description: str | None = None
    image: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class HotelDetails:
    """getHotelDetails: the property's identity, address, currency and house rules."""

    property_id: str
    name: str | None
    currency: Currency | None
    property_type: str | None = None
    organization_id: str | None = None
    description: str | None = None
    language: str | None = None
    phone: str | None = None
    email: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    check_in_time: time | None = None
    check_out_time: time | None = None
    amenities: tuple[str, ...] = ()
    tax_id: str | None = None
    legal_name: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class RoomType:
    room_type_id: str
    property_id: str | None
    name: str | None
    short_name: str | None = None
    description: str | None = None
    is_private: bool | None = None  # False means a dorm (shared) room type
    max_guests: int | None = None
    adults_included: int | None = None
    children_included: int | None = None
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class Room:
    """getRooms: one physical room (the per-property wrapper is flattened away)."""

    room_id: str
    property_id: str | None
    name: str | None
    room_type_id: str | None
    room_type_name: str | None = None
    room_type_short_name: str | None = None
    description: str | None = None
    dorm_room_name: str | None = None
    max_guests: int | None = None
    is_private: bool | None = None
    is_virtual: bool | None = None
    blocked: bool | None = None
    doorlock_id: str | None = None
    linked_room_ids: tuple[str, ...] = ()
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class SourceCharge:
    """A tax or fee attached to a booking source."""

    charge_id: str | None
    name: str | None
    amount: Decimal | None
    amount_type: str | None  # percentage | fixed
    type: str | None  # exclusive | inclusive


@dataclass(frozen=True)
class Source:
    source_id: str
    property_id: str | None
    name: str | None
    is_third_party: bool | None = None
    active: bool | None = None
    commission: Decimal | None = None  # percent
    payment_collect: str | None = None  # hotel | channel
    taxes: tuple[SourceCharge, ...] = ()
    fees: tuple[SourceCharge, ...] = ()
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class DailyRate:
    """One night of a rate plan (``roomRateDetailed[]``; ``rateBase`` and ``rate`` both land here)."""

    date: date
    rate: Decimal | None
    total_rate: Decimal | None = None
    rooms_available: int | None = None
    closed_to_arrival: bool | None = None
    closed_to_departure: bool | None = None
    blocked: bool | None = None
    min_los: int | None = None
    max_los: int | None = None
    cut_off: int | None = None
    last_minute_booking: int | None = None


@dataclass(frozen=True)
class RatePlan:
    """getRatePlans (or getRate): a rate for one room type with its nightly detail."""

    rate_id: str
    room_type_id: str | None
    is_derived: bool | None = None
    property_id: str | None = None
    room_type_name: str | None = None
    rate_plan_id: str | None = None
    name_public: str | None = None
    name_private: str | None = None
    promo_code: str | None = None
    room_rate: Decimal | None = None
    total_rate: Decimal | None = None
    rooms_available: int | None = None
    derived_type: str | None = None
    derived_value: Decimal | None = None
    parent_rate_id: str | None = None
    days_of_week: tuple[str, ...] = ()
    daily: tuple[DailyRate, ...] = ()
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class RateJobUpdate:
    rate_id: str | None
    action: str | None  # in_progress | updated | created | error
    start_date: date | None = None
    end_date: date | None = None
    rate: Decimal | None = None
    message: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class RateJob:
    """getRateJobs: an asynchronous rate write and how it went."""

    job_reference_id: str
    status: str | None  # in_progress | completed | error
    created_at: datetime | None = None
    updates: tuple[RateJobUpdate, ...] = ()
    extra: Extra = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "error")


@dataclass(frozen=True)
class DateRate:
    """One night of an availability answer: its price and, when sent, the rooms left."""

    date: date
    rate: Decimal | None
    rooms_available: int | None = None


@dataclass(frozen=True)
class AvailableRoomType:
    """getAvailableRoomTypes: a bookable room type for the asked stay, with its price."""

    property_id: str | None
    room_type_id: str
    name: str | None
    rooms_available: int | None
    room_rate: Decimal | None = None
    rate_id: str | None = None
    rate_name_public: str | None = None
    rate_name_private: str | None = None
    short_name: str | None = None
    max_guests: int | None = None
    adults_included: int | None = None
    children_included: int | None = None
    currency: str | None = None
    daily: tuple[DateRate, ...] = ()
    individual_room_ids: tuple[str, ...] = ()
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookSubscription:
    subscription_id: str
    object: str | None  # "entity" in getWebhooks, "object" when subscribing
    action: str | None
    endpoint_url: str | None
    key_type: str | None = None
    key_id: str | None = None
    owner_type: str | None = None
    owner_id: str | None = None
    extra: Extra = field(default_factory=dict)

    @property
    def event(self) -> str:
        return f"{self.object}/{self.action}"


@dataclass(frozen=True)
class UserInfo:
    user_id: str | None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    acl: tuple[str, ...] = ()
    roles: tuple[dict[str, Any], ...] = ()
    extra: Extra = field(default_factory=dict)
