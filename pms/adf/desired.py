"""What one room of a Cloudbeds stay should look like in ADF's ``bookings`` and ``guests`` (pure).

- ``booking_code``: ``CB`` + the reservation id, ``-2``, ``-3`` … for a stay's further rooms, within
  the column's length (a short hash when the id does not fit) and unique among the codes in use.
- dates, ``total_nights``, adults/children of the room;
- money (domain rule 9): the room's share of the grand total (taxes and fees included), split by
  the rooms' own totals; ``room_price`` per night; ``paid_amount``/``payment_status`` from what
  Cloudbeds says is paid, shared the same way;
- ``status`` in ADF's words; ``booking_source`` (+ ``ota_source_detail``) from the source mapping
  (the suggestion when the source is not mapped yet);
- a note ``Cloudbeds #<id> · <source> <third-party id>``.

Values are then fitted to the hotel's columns (``pms.adf.fit``), so what is compared with ADF's rows
and remembered in our links is exactly what the columns hold.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_DOWN, Decimal
from typing import Any

from pms.adf.fit import Adaptation, fit_row, readable_email_name
from pms.adf.introspect import FrontDesk
from pms.adf.model import Mappings, MirrorRoom, MirrorStay
from pms.adf.suggest import suggest_source

__all__ = [
    "ADF_STATUS",
    "BOOKING_FIELDS",
    "GUEST_FIELDS",
    "STATUS_SYNONYMS",
    "booking_code",
    "booking_values",
    "fit_booking",
    "fit_guest",
    "guest_values",
    "room_shares",
]

# Cloudbeds status → ADF's words (rule 5 on the front desk; rule 6: canceled and no_show alike).
ADF_STATUS = {
    "not_confirmed": "pending",
    "confirmed": "confirmed",
    "checked_in": "checked_in",
    "checked_out": "checked_out",
    "canceled": "cancelled",
    "cancelled": "cancelled",
    "no_show": "cancelled",
}
# ADF's spellings for our words, for columns whose ENUM uses other ones.
STATUS_SYNONYMS = {
    "status": {"cancelled": "canceled", "checked_in": "checkin", "checked_out": "checkout"},
    "booking_source": {"online": "website", "walk_in": "walkin", "ota": "online"},
    "payment_status": {"partial": "partially_paid"},
}
# The booking columns the sync owns and compares (the rest is the desk's: actual times, discount …);
# the guest is followed through the link's ``adf_guest_id``.
BOOKING_FIELDS = (
    "room_id",
    "check_in_date",
    "check_out_date",
    "total_nights",
    "adults",
    "children",
    "guest_count",
    "room_price",
    "total_price",
    "final_price",
    "status",
    "payment_status",
    "paid_amount",
    "booking_source",
    "ota_source_detail",
    "notes",
)
GUEST_FIELDS = ("guest_name", "email", "phone", "nationality", "address")
_CENT = Decimal("0.01")


def room_shares(stay: MirrorStay) -> dict[str, tuple[Decimal | None, Decimal]]:
    """Rule 9: each live room's share of the grand total and of what was paid (cents add up)."""
    rooms = [r for r in stay.rooms if not r.is_deleted] or list(stay.rooms)
    if not rooms:
        return {}
    weights = [max(Decimal(0), r.room_total or Decimal(0)) for r in rooms]
    if sum(weights) <= 0:
        weights = [Decimal(1)] * len(rooms)
    total_weight = sum(weights)
    out: dict[str, tuple[Decimal | None, Decimal]] = {}
    parts: dict[str, list[Decimal]] = {"total": [], "paid": []}
    for which, given in (("total", stay.total), ("paid", stay.paid or Decimal(0))):
        if given is None:
            parts[which] = [None] * len(rooms)  # type: ignore[list-item]
            continue
        amount = Decimal(given)
        shares = [(amount * w / total_weight).quantize(_CENT, rounding=ROUND_DOWN) for w in weights]
        shares[-1] += amount.quantize(_CENT) - sum(shares)
        parts[which] = shares
    for i, room in enumerate(rooms):
        out[room.sub_id] = (parts["total"][i], parts["paid"][i])
    return out


def booking_code(reservation_id: str, index: int, length: int | None, taken: set[str]) -> str:
    """``CB<id>`` (``-<n>`` from the second room on), fitted to ``length``, unique among ``taken``."""
    limit = length or 20
    suffix = f"-{index}" if index > 1 else ""
    code = f"CB{reservation_id}{suffix}"
    if len(code) > limit:
        digest = hashlib.sha1(reservation_id.encode()).hexdigest().upper()
        code = f"CB{digest[: max(1, limit - 2 - len(suffix))]}{suffix}"
    n = 2
    base = code
    while code in taken:
        extra = f"~{n}"
        code = base[: limit - len(extra)] + extra
        n += 1
    return code


def _payment_status(share: Decimal | None, paid: Decimal) -> str:
    if paid <= 0:
        return "unpaid"
    if share is not None and paid >= share:
        return "paid"
    return "partial"


def _note(stay: MirrorStay) -> str:
    parts = [f"Cloudbeds #{stay.reservation_id}"]
    source = " ".join(p for p in (stay.source_name, stay.third_party_id) if p)
    if source:
        parts.append(source)
    return " · ".join(parts)


def booking_values(
    stay: MirrorStay, room: MirrorRoom, mappings: Mappings, share: tuple[Decimal | None, Decimal]
) -> dict[str, Any]:
    """The booking as Cloudbeds says it should be (documented names, before fitting)."""
    total, paid = share
    nights = max(1, (room.check_out - room.check_in).days)
    source = mappings.sources.get(stay.source_id or "")
    if source is None:
        source = suggest_source(stay.source_name, stay.source_category, bool(stay.third_party_id))
    values: dict[str, Any] = {
        "room_id": mappings.rooms.get(room.room_id or ""),
        "check_in_date": room.check_in,
        "check_out_date": room.check_out,
        "total_nights": nights,
        "adults": max(0, room.adults),
        "children": max(0, room.children),
        "guest_count": max(0, room.adults) + max(0, room.children),
        "room_price": (total / nights).quantize(_CENT) if total is not None else None,
        "total_price": total,
        "final_price": total,
        "status": ADF_STATUS.get((stay.status or "").lower(), "confirmed"),
        "payment_status": _payment_status(total, paid),
        "paid_amount": paid,
        "booking_source": source[0],
        "ota_source_detail": source[1],
        "notes": _note(stay),
    }
    if stay.is_deleted or room.is_deleted:
        values["status"] = "cancelled"
    return values


def guest_values(stay: MirrorStay) -> tuple[dict[str, Any], dict[str, Any]]:
    """The guest's ADF values and the fallbacks for what ADF's columns may refuse or require."""
    g = stay.guest
    name = (g.name if g else "") or (stay.guest_name or "")
    gid = (g.guest_id if g else None) or stay.reservation_id
    values = {
        "guest_name": name or f"Guest {gid}",
        "email": g.email if g else None,
        "phone": g.phone if g else None,
        "nationality": g.country if g else None,
        "address": g.address if g else None,
    }
    readable = readable_email_name(g.email if g else None) or f"Guest {gid}"
    fallbacks = {"guest_name": readable, "id_card_number": f"CB-{gid}"}
    return values, fallbacks


def fit_booking(
    desk: FrontDesk, values: dict[str, Any], *, insert: bool
) -> tuple[dict, list[Adaptation], str | None]:
    """The booking values fitted to the hotel's ``bookings`` (renamed and missing columns handled)."""
    fitted = fit_row(desk.table("bookings"), values, synonyms=STATUS_SYNONYMS, fill_required=insert)
    return fitted.row, fitted.adaptations, fitted.refused


def fit_guest(
    desk: FrontDesk, values: dict[str, Any], fallbacks: dict[str, Any], *, insert: bool
) -> tuple[dict, list[Adaptation]]:
    """The guest values fitted to the hotel's ``guests`` (e.g. ``id_card_number`` = ``CB-<guest id>``)."""
    fitted = fit_row(desk.table("guests"), values, fallbacks=fallbacks, fill_required=insert)
    return fitted.row, fitted.adaptations
