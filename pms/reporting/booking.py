"""One booking as the front desk reads it: who, which rooms, what the total is made of, what is owed.

The Reservations page opens a booking from its list. A total alone raises questions at the desk
("why Rp 4.452.800 when the rate was Rp 3.680.000?"), so the price is broken down the way
Cloudbeds stores it (domain rule 9): the room nights, taxes and fees, the total, what was paid and
the balance, and who collects it (rule 12). Bookings made here have no Cloudbeds id until the push;
they get a short reference from our own row id (``H-000123``) instead of the hexadecimal key the
push uses to stay idempotent. Names are shown once when Cloudbeds repeats a single name as first
and last name ("Joko Joko").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.reporting.paging import frame

__all__ = ["Booking", "booking", "display_name", "parse_reference", "reference"]

_r = schema.reservasi
_rr = schema.reservasi_room
_g = schema.guest
_REF = re.compile(r"^\s*H-?0*(\d{1,12})\s*$", re.IGNORECASE)


def reference(row_id: int | None, cloudbed_reservation_id: str | None) -> str:
    """Cloudbeds' reservation id when it has one, else ``H-`` and our row id (hotel-made, not pushed)."""
    cb = cloudbed_reservation_id
    if cb is not None and cb == cb and str(cb).strip():  # NaN (a pandas gap) is no id
        return str(cb).strip()
    return f"H-{int(row_id or 0):06d}"


def parse_reference(text: str | None) -> int | None:
    """The row id a typed ``H-000123`` (or ``h123``) stands for, else None."""
    m = _REF.match(text or "")
    return int(m.group(1)) if m else None


def display_name(first: str | None, last: str | None = None) -> str:
    """A guest's name with a single name shown once: ("Joko", "Joko") and "Joko Joko" → "Joko"."""
    if last is not None:
        first, last = " ".join((first or "").split()), " ".join((last or "").split())
        if first and last and first.casefold() != last.casefold():
            return f"{first} {last}"
        return first or last
    words = (first or "").split()
    half = len(words) // 2
    if (
        half
        and len(words) % 2 == 0
        and [w.casefold() for w in words[:half]] == [w.casefold() for w in words[half:]]
    ):
        words = words[:half]
    return " ".join(words)


@dataclass
class Booking:
    """What the booking view shows; money is None where Cloudbeds did not say."""

    id: int
    reference: str
    hotel_made: bool
    status: str
    check_in: object
    check_out: object
    nights: int
    adults: int
    children: int
    source: str | None
    collect: str | None
    currency: str | None
    guest_name: str
    guest: dict = field(default_factory=dict)
    rooms: pd.DataFrame = field(default_factory=pd.DataFrame)
    room_nights: int = 0
    rooms_total: Decimal | None = None
    taxes_fees: Decimal | None = None
    other: Decimal | None = None  # total − rooms − taxes when Cloudbeds' parts do not add up
    total: Decimal | None = None
    paid: Decimal | None = None
    balance: Decimal | None = None
    sync_status: str | None = None
    sync_error: str | None = None


def _money(v) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def booking(engine: sa.Engine, property_id: str, reservasi_id: int) -> Booking | None:
    """The booking with its guest, rooms and price breakdown (read only); None if not here."""
    with reader(engine).connect() as conn:
        r = conn.execute(
            sa.select(_r).where(_r.c.property_id == property_id, _r.c.id == int(reservasi_id))
        ).first()
        if r is None:
            return None
        guest = {}
        if r.guest_id is not None:
            g = conn.execute(
                sa.select(
                    _g.c.first_name,
                    _g.c.last_name,
                    _g.c.email,
                    _g.c.phone,
                    _g.c.cell_phone,
                    _g.c.country,
                    _g.c.city,
                ).where(_g.c.property_id == property_id, _g.c.id == r.guest_id)
            ).first()
            guest = dict(g._mapping) if g else {}
        rooms = frame(
            conn.execute(
                sa.select(
                    _rr.c.room_type_name,
                    _rr.c.adf_room_type,
                    _rr.c.room_name,
                    _rr.c.check_in,
                    _rr.c.check_out,
                    _rr.c.adults,
                    _rr.c.children,
                    _rr.c.rate_name,
                    _rr.c.room_total,
                )
                .where(
                    _rr.c.property_id == property_id, _rr.c.reservasi_id == r.id, _rr.c.is_deleted.is_(False)
                )
                .order_by(_rr.c.id)
            )
        )
    nights = max(0, (r.check_out - r.check_in).days)
    if not rooms.empty:
        rooms["nights"] = [
            max(0, (o - i).days) if i is not None and o is not None else nights
            for i, o in zip(rooms["check_in"], rooms["check_out"], strict=True)
        ]
    room_nights = int(rooms["nights"].sum()) if not rooms.empty else 0
    known = [_money(v) for v in rooms["room_total"]] if not rooms.empty else []
    rooms_total = _money(r.sub_total)
    if rooms_total is None and known and all(v is not None for v in known):
        rooms_total = sum(known, Decimal(0))
    total, taxes = _money(r.total), _money(r.taxes_fees)
    if taxes is None and total is not None and rooms_total is not None:
        taxes = total - rooms_total
    other = None
    if None not in (total, rooms_total, taxes):
        gap = total - rooms_total - taxes
        other = gap if gap else None
    name = display_name(guest.get("first_name"), guest.get("last_name")) if guest else ""
    return Booking(
        id=r.id,
        reference=reference(r.id, r.cloudbed_reservation_id),
        hotel_made=r.origin == "local",
        status=r.status,
        check_in=r.check_in,
        check_out=r.check_out,
        nights=nights,
        adults=int(r.adults or 0),
        children=int(r.children or 0),
        source=r.source_name,
        collect=r.payment_collect,
        currency=r.currency,
        guest_name=name or display_name(r.guest_name),
        guest=guest,
        rooms=rooms,
        room_nights=room_nights,
        rooms_total=rooms_total,
        taxes_fees=taxes,
        other=other,
        total=total,
        paid=_money(r.paid),
        balance=_money(r.balance),
        sync_status=r.sync_status,
        sync_error=r.sync_error,
    )
