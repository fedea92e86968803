"""Typed records for bookings: reservations with their rooms and guests, guest records, creates.

Same conventions as ``models`` (which re-exports these): string ids, ``Decimal`` money, ``date``
dates, aware UTC timestamps, statuses kept as sent, unmodelled fields in ``extra``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["CreatedReservation", "Guest", "Reservation", "ReservationGuest", "ReservationRoom"]

Extra = dict[str, Any]


@dataclass(frozen=True)
class ReservationRoom:
    """One room (sub-reservation) of a booking; a group booking has several."""

    sub_reservation_id: str | None
    room_type_id: str | None
    room_type_name: str | None = None
    room_id: str | None = None  # None while unassigned
    room_name: str | None = None
    check_in: date | None = None
    check_out: date | None = None
    adults: int | None = None
    children: int | None = None
    status: str | None = None  # roomStatus: not_checked_in | in_house | checked_out | cancelled
    rate_id: str | None = None
    rate_name: str | None = None
    total: Decimal | None = None
    daily_rates: dict[date, Decimal] = field(default_factory=dict)
    guest_id: str | None = None
    reservation_room_id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class ReservationGuest:
    """A guest as listed inside a reservation (``guestList``)."""

    guest_id: str
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    cell_phone: str | None = None
    gender: str | None = None
    country: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    birth_date: date | None = None
    status: str | None = None
    is_main: bool | None = None
    room_id: str | None = None
    sub_reservation_id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class Reservation:
    """A booking, from getReservations, getReservationsWithRateDetails or getReservation.

    Which fields are filled depends on the endpoint: the rate-details list carries totals,
    nightly rates, payment collect and exact UTC timestamps; getReservations carries guest
    details when asked; getReservation carries everything for one booking.
    """

    reservation_id: str
    property_id: str | None
    status: str | None
    check_in: date | None
    check_out: date | None
    created_at: datetime | None = None  # aware UTC
    modified_at: datetime | None = None  # aware UTC
    cancelled_at: datetime | None = None
    is_deleted: bool = False
    guest_id: str | None = None
    guest_name: str | None = None
    guest_email: str | None = None
    adults: int | None = None
    children: int | None = None
    total: Decimal | None = None  # grand total incl. taxes and fees
    balance: Decimal | None = None
    paid: Decimal | None = None
    sub_total: Decimal | None = None
    taxes_fees: Decimal | None = None
    additional_items: Decimal | None = None
    currency: str | None = None
    source_id: str | None = None
    source_name: str | None = None
    source_category: str | None = None
    payment_collect: str | None = None  # hotel | channel (normalised)
    third_party_identifier: str | None = None
    source_reservation_id: str | None = None
    origin: str | None = None
    estimated_arrival_time: str | None = None
    rooms: tuple[ReservationRoom, ...] = ()
    guests: tuple[ReservationGuest, ...] = ()
    detailed_rates: dict[date, Decimal] = field(default_factory=dict)
    custom_fields: dict[str, str] = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class Guest:
    """A guest record from getGuestList, getGuestsModified or getGuest.

    getGuest does not return the guest's id; the client fills it in from the request when it can.
    getGuestsModified sends one row per guest per room, so the same guest can appear twice.
    """

    guest_id: str | None
    reservation_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    cell_phone: str | None = None
    gender: str | None = None
    country: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    birth_date: date | None = None
    document_type: str | None = None
    document_number: str | None = None
    status: str | None = None
    is_main: bool | None = None
    is_anonymized: bool | None = None
    is_merged: bool | None = None
    new_guest_id: str | None = None
    room_id: str | None = None
    room_type_id: str | None = None
    check_in: date | None = None
    check_out: date | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    custom_fields: dict[str, str] = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)


@dataclass(frozen=True)
class CreatedReservation:
    """The answer to postReservation.

    ``recovered`` is True when the create's outcome was unknown (timeout, server error) and the
    client found the reservation it had already made by its third-party identifier, instead of
    sending it twice; the fields then come from getReservation.
    """

    reservation_id: str
    status: str | None
    guest_id: str | None
    check_in: date | None = None
    check_out: date | None = None
    created_at: datetime | None = None
    grand_total: Decimal | None = None
    rooms: tuple[ReservationRoom, ...] = ()
    third_party_identifier: str | None = None
    recovered: bool = False
    extra: Extra = field(default_factory=dict)
