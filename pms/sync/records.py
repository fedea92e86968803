"""Typed Cloudbeds records → rows of ``reservasi``, ``reservasi_room`` and ``guest`` (pure functions).

Values are made to fit their columns here, once: money is quantised to cents, text is cut to the
column's length, an absurd amount (a broken answer) fails the record instead of the whole batch.
The compare lists say which columns make a row "changed"; bookkeeping columns (``last_sync_at``)
are written with a change but never count as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pms.cloudbeds.models import Reservation, ReservationGuest, ReservationRoom
from pms.sync.rules import map_status

__all__ = [
    "GUEST_COMPARE",
    "RES_COMPARE",
    "ROOM_COMPARE",
    "RecordError",
    "cut",
    "guest_display_name",
    "guest_row",
    "guest_row_from_guest",
    "main_guest",
    "money",
    "reservation_row",
    "room_rows",
]

_MAX_MONEY = Decimal("99999999999999")  # DECIMAL(16,2)
_CENT = Decimal("0.01")

RES_COMPARE = (
    "status",
    "check_in",
    "check_out",
    "adults",
    "children",
    "cloudbed_guest_id",
    "guest_name",
    "source_id",
    "source_name",
    "source_category",
    "payment_collect",
    "currency",
    "total",
    "sub_total",
    "taxes_fees",
    "paid",
    "balance",
    "cloudbed_total",
    "third_party_id",
    "booking_origin",
    "estimated_arrival",
    "is_deleted",
    "cancelled_at",
    "cloudbed_created_at",
    "cloudbed_updated_at",
    "sync_status",
    "sync_error",
)
ROOM_COMPARE = (
    "reservasi_id",
    "cloudbed_reservation_id",
    "cloudbed_room_type_id",
    "room_type_name",
    "adf_room_type",
    "room_id",
    "room_name",
    "check_in",
    "check_out",
    "adults",
    "children",
    "room_total",
    "rate_id",
    "rate_name",
    "room_status",
    "is_deleted",
)
GUEST_COMPARE = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "cell_phone",
    "gender",
    "country",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "birth_date",
    "sync_status",
)


class RecordError(ValueError):
    """A record that cannot be stored as it is (no dates, an impossible amount ...)."""


def cut(value: Any, length: int) -> str | None:
    """Text fitted to a column: stripped, None when empty, cut to ``length`` characters."""
    if value is None:
        return None
    text = str(value).strip()
    return text[:length] if text else None


def money(value: Any, what: str) -> Decimal | None:
    """A Decimal with cents; RecordError for an amount no hotel has (a broken answer)."""
    if value is None:
        return None
    try:
        amount = Decimal(str(value)).quantize(_CENT)
    except (InvalidOperation, ValueError):
        raise RecordError(f"{what} {value!r} is not an amount") from None
    if not amount.is_finite() or abs(amount) > _MAX_MONEY:
        raise RecordError(f"{what} {value!r} is out of range")
    return amount


def main_guest(r: Reservation) -> ReservationGuest | None:
    """The booker: the guest flagged main, else the one the reservation names, else the first."""
    for g in r.guests:
        if g.is_main:
            return g
    for g in r.guests:
        if g.guest_id == r.guest_id:
            return g
    return r.guests[0] if r.guests else None


def guest_display_name(first: str | None, last: str | None, full: str | None = None) -> str | None:
    """ "First Last", without repeating a single-name guest (Indonesians often have one name)."""
    first, last = (first or "").strip(), (last or "").strip()
    if first and last and first != last:
        return f"{first} {last}"
    return first or last or (full or "").strip() or None


def reservation_row(
    r: Reservation, property_id: str, *, collect: Mapping[str, str], now: datetime, warnings: list[str]
) -> dict[str, Any]:
    """The ``reservasi`` row for a Cloudbeds reservation (before the conflict rules adjust it)."""
    rid = r.reservation_id
    if not rid:
        raise RecordError("a reservation without an id")
    if r.check_in is None or r.check_out is None:
        raise RecordError(f"reservation {rid} has no readable check-in/check-out dates")
    if r.check_out < r.check_in:
        raise RecordError(f"reservation {rid} checks out ({r.check_out}) before it checks in ({r.check_in})")
    status, warning = map_status(r.status)
    if warning:
        warnings.append(f"reservation {rid}: {warning}")
    main = main_guest(r)
    name = guest_display_name(main.first_name, main.last_name, main.name) if main else None
    adults = r.adults if r.adults is not None else sum((room.adults or 0) for room in r.rooms) or 1
    # Rule 12: who collects comes from the source's payment-collect field (the rate details carry
    # it; the catalogue's sources are the fallback), never from the source's name.
    collect_by = r.payment_collect or collect.get(r.source_id or "")
    return {
        "property_id": property_id,
        "cloudbed_reservation_id": rid,
        "status": status,
        "check_in": r.check_in,
        "check_out": r.check_out,
        "adults": max(0, adults),
        "children": max(0, r.children or 0),
        "cloudbed_guest_id": cut(r.guest_id or (main.guest_id if main else None), 64),
        "guest_name": cut(name or r.guest_name, 255),
        "source_id": cut(r.source_id, 64),
        "source_name": cut(r.source_name, 255),
        "source_category": cut(r.source_category, 64),
        "payment_collect": cut(collect_by, 16),
        "currency": cut(r.currency, 3),
        # Rule 9: the grand total, taxes and fees included.
        "total": money(r.total, f"reservation {rid} total"),
        "sub_total": money(r.sub_total, f"reservation {rid} subTotal"),
        "taxes_fees": money(r.taxes_fees, f"reservation {rid} taxesFees"),
        "paid": money(r.paid, f"reservation {rid} paid"),
        "balance": money(r.balance, f"reservation {rid} balance"),
        "cloudbed_total": money(r.total, f"reservation {rid} total"),
        "third_party_id": cut(r.third_party_identifier or r.source_reservation_id, 128),
        "booking_origin": cut(r.origin, 64),
        "estimated_arrival": cut(r.estimated_arrival_time, 8),
        "is_deleted": bool(r.is_deleted),
        "cancelled_at": r.cancelled_at,
        "cloudbed_created_at": r.created_at,
        "cloudbed_updated_at": r.modified_at,
        "sync_status": "synced",
        "sync_error": None,
        "sync_attempts": 0,
        "last_sync_at": now,
    }


def _sub_id(r: Reservation, room: ReservationRoom, index: int) -> str:
    return room.sub_reservation_id or f"{r.reservation_id}-{index}"


def room_rows(
    r: Reservation,
    property_id: str,
    reservasi_id: int | None,
    *,
    mapping: Mapping[str, str],
    unmapped: dict[str, int],
) -> list[dict[str, Any]]:
    """``reservasi_room`` rows: one per room, never flattened (rule 1), with the ADF room type.

    ``unmapped`` counts rooms whose Cloudbeds type has no mapping (warned about, never guessed).
    """
    rows = []
    for i, room in enumerate(r.rooms, start=1):
        type_id = room.room_type_id or ""
        adf = mapping.get(type_id)
        if adf is None:
            unmapped[type_id] = unmapped.get(type_id, 0) + 1
        rows.append(
            {
                "reservasi_id": reservasi_id,
                "property_id": property_id,
                "cloudbed_reservation_id": r.reservation_id,
                "sub_reservation_id": cut(_sub_id(r, room, i), 64),
                "cloudbed_room_type_id": cut(room.room_type_id, 64),
                "room_type_name": cut(room.room_type_name, 255),
                "adf_room_type": cut(adf, 100),
                "room_id": cut(room.room_id, 64),
                "room_name": cut(room.room_name, 100),
                "check_in": room.check_in or r.check_in,
                "check_out": room.check_out or r.check_out,
                "adults": max(0, room.adults) if room.adults is not None else 1,
                "children": max(0, room.children or 0),
                "room_total": money(room.total, f"room {room.sub_reservation_id} total"),
                "rate_id": cut(room.rate_id, 64),
                "rate_name": cut(room.rate_name, 255),
                "room_status": cut(room.status, 32),
                "is_deleted": False,
            }
        )
    return rows


def _guest_fields(g: Any) -> dict[str, Any]:
    return {
        "first_name": cut(g.first_name, 255),
        "last_name": cut(g.last_name, 255),
        "email": cut(g.email, 255),
        "phone": cut(g.phone, 64),
        "cell_phone": cut(g.cell_phone, 64),
        "gender": cut(g.gender, 8),
        "country": cut(g.country, 64),
        "address1": cut(g.address1, 255),
        "address2": cut(g.address2, 255),
        "city": cut(g.city, 128),
        "state": cut(g.state, 128),
        "zip": cut(g.zip, 32),
        "birth_date": g.birth_date,
    }


def guest_row(g: ReservationGuest, r: Reservation, property_id: str, now: datetime) -> dict[str, Any]:
    """A ``guest`` row from a reservation's guest list."""
    return {
        "property_id": property_id,
        "cloudbed_guest_id": g.guest_id,
        "cloudbed_reservation_id": r.reservation_id,
        **_guest_fields(g),
        "sync_status": "synced",
        "sync_error": None,
        "last_sync_at": now,
        "cloudbed_updated_at": r.modified_at,
    }


def guest_row_from_guest(g: Any, property_id: str, now: datetime) -> dict[str, Any]:
    """A ``guest`` row from getGuestsModified / getGuest (``pms.cloudbeds.models.Guest``)."""
    return {
        "property_id": property_id,
        "cloudbed_guest_id": g.guest_id,
        "cloudbed_reservation_id": g.reservation_id,
        **_guest_fields(g),
        "sync_status": "synced",
        "sync_error": None,
        "last_sync_at": now,
        "cloudbed_updated_at": g.modified_at,
    }
