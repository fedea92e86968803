"""Changes made on the hotel side (the dashboard's forms) stored the way the sync's push expects.

The dashboard never talks to Cloudbeds to create a walk-in or fix a guest's phone number: it
writes the hotel's own rows and marks them for the push (``origin='local'`` for new rows,
``sync_status='pending'`` and ``local_modified_at`` for every change, a ``local_ref`` that the
push sends as ``thirdPartyIdentifier``). The push decides what is sent, and when: only changes
after push was switched on (DOMAIN rule 14), and an edit that keeps failing expires (rule 17).

Everything is validated before anything is written, and written in one transaction, so a bad
form loses nothing and stores nothing half-done.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.errors import PMSError

__all__ = ["EditError", "RoomRequest", "NewReservation", "GUEST_FIELDS", "create_local_reservation",
           "update_guest", "RateEdit", "set_rates", "MAX_NIGHTS", "MAX_ROOMS"]

MAX_NIGHTS = 365
MAX_ROOMS = 10
MAX_GUESTS_PER_ROOM = 20
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()./\- ]{4,40}$")
# The guest fields the dashboard may edit, with the column's length.
GUEST_FIELDS = {"first_name": 255, "last_name": 255, "email": 255, "phone": 64, "cell_phone": 64,
                "country": 64, "address1": 255, "address2": 255, "city": 128, "state": 128, "zip": 32}


class EditError(PMSError):
    """A hotel-side change was refused; ``field`` names the input to fix."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RoomRequest:
    room_type_id: str
    adults: int = 1
    children: int = 0


@dataclass(frozen=True)
class NewReservation:
    """A walk-in or direct booking typed into the dashboard."""

    check_in: date
    check_out: date
    first_name: str
    last_name: str
    rooms: tuple[RoomRequest, ...]
    email: str | None = None
    phone: str | None = None
    country: str | None = "ID"
    source_id: str | None = None
    status: str = "confirmed"
    notes: dict = field(default_factory=dict)


def _text(value, name: str, limit: int, required: bool = False) -> str | None:
    text = unicodedata.normalize("NFC", " ".join(str(value or "").split()))
    if not text:
        if required:
            raise EditError(f"{name} is required.", field=name)
        return None
    if len(text) > limit:
        raise EditError(f"{name} may have at most {limit} characters.", field=name)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
        raise EditError(f"{name} contains characters that cannot be stored.", field=name)
    return text


def _email(value) -> str | None:
    text = _text(value, "email", GUEST_FIELDS["email"])
    if text and not _EMAIL.match(text):
        raise EditError(f"{text!r} is not an e-mail address.", field="email")
    return text


def _phone(value, name: str = "phone") -> str | None:
    text = _text(value, name, GUEST_FIELDS[name])
    if text and not _PHONE.match(text):
        raise EditError(f"{text!r} is not a phone number (digits, spaces, + - ( ) . / only).", field=name)
    return text


def _country(value, required: bool = False) -> str | None:
    """A two-letter ISO country code (``ID``, ``AU`` ...), which Cloudbeds requires for a guest."""
    text = _text(value, "country", GUEST_FIELDS["country"], required=required)
    if text is None:
        return None
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        raise EditError(f"{text[:20]!r} is not a two-letter country code such as ID.", field="country")
    return text.upper()


def _check_stay(check_in: date, check_out: date, today: date) -> None:
    if not isinstance(check_in, date) or not isinstance(check_out, date):
        raise EditError("Choose a check-in and a check-out date.", field="check_in")
    if check_in < today:
        # Cloudbeds refuses a start date in the past; an in-house walk-in starts today (rule 18).
        raise EditError("Check-in cannot be in the past; a walk-in who is already here starts today.",
                        field="check_in")
    if check_out <= check_in:
        raise EditError("Check-out must be after check-in.", field="check_out")
    if (check_out - check_in).days > MAX_NIGHTS:
        raise EditError(f"A stay can last at most {MAX_NIGHTS} nights.", field="check_out")


def _estimate_total(conn: sa.Connection, property_id: str, room_type_id: str, check_in: date,
                    check_out: date) -> Decimal | None:
    """The sum of the synced base-plan nightly rates, or None when a night has no rate."""
    rs = schema.cloudbed_rate_sync
    rows = conn.execute(sa.select(rs.c.rate_date, sa.func.min(rs.c.cloudbed_rate)).where(
        rs.c.property_id == property_id, rs.c.room_type_id == room_type_id, rs.c.is_derived.is_(False),
        rs.c.rate_date >= check_in, rs.c.rate_date < check_out).group_by(rs.c.rate_date)).all()
    nights = (check_out - check_in).days
    if len(rows) != nights or any(r[1] is None for r in rows):
        return None
    return sum((Decimal(str(r[1])) for r in rows), Decimal(0))


def create_local_reservation(engine: sa.Engine, property_id: str, booking: NewReservation, today: date,
                             now: datetime | None = None) -> dict:
    """Store a hotel-side reservation (with its guest and rooms) for the push to create in Cloudbeds.

    Args:
        today: the property's local date (check-in may not be earlier).

    Returns:
        ``{"id", "local_ref", "guest_id", "total"}`` of the stored reservation.

    Raises:
        EditError: a field is invalid; nothing was stored.
    """
    now = now or utcnow()
    _check_stay(booking.check_in, booking.check_out, today)
    first = _text(booking.first_name, "first_name", GUEST_FIELDS["first_name"], required=True)
    last = _text(booking.last_name, "last_name", GUEST_FIELDS["last_name"], required=True)
    email, phone = _email(booking.email), _phone(booking.phone)
    if not email:
        raise EditError("email is required: Cloudbeds needs it to create the reservation.", field="email")
    country = _country(booking.country, required=True)
    if booking.status not in ("confirmed", "not_confirmed"):
        raise EditError("A new reservation is confirmed or not confirmed.", field="status")
    if not booking.rooms or len(booking.rooms) > MAX_ROOMS:
        raise EditError(f"Book between 1 and {MAX_ROOMS} rooms.", field="rooms")
    types = schema.cloudbed_room_types
    sources = schema.cloudbed_sources
    mapping = schema.cloudbed_room_mapping
    with engine.begin() as conn:
        known = {r.room_type_id: r for r in conn.execute(sa.select(
            types.c.room_type_id, types.c.name, types.c.max_guests).where(types.c.property_id == property_id))}
        for room in booking.rooms:
            rt = known.get(str(room.room_type_id))
            if rt is None:
                raise EditError("Choose one of the property's room types (refresh the catalogue if it is new).",
                                field="room_type")
            limit = rt.max_guests or MAX_GUESTS_PER_ROOM
            if not (1 <= int(room.adults) <= MAX_GUESTS_PER_ROOM) or not (0 <= int(room.children) <= MAX_GUESTS_PER_ROOM):
                raise EditError("Each room needs at least one adult.", field="adults")
            if int(room.adults) + int(room.children) > limit:
                raise EditError(f"{rt.name} sleeps at most {limit} guests.", field="adults")
        source = None
        if booking.source_id:
            source = conn.execute(sa.select(sources.c.source_id, sources.c.name, sources.c.category,
                                            sources.c.payment_collect).where(
                sources.c.property_id == property_id, sources.c.source_id == str(booking.source_id))).first()
            if source is None:
                raise EditError("Choose one of the property's booking sources.", field="source")
        adf = dict(conn.execute(sa.select(mapping.c.cloudbed_room_type_id, mapping.c.adf_room_type).where(
            mapping.c.property_id == property_id, mapping.c.is_active.is_(True))).all())
        local = {"origin": "local", "sync_status": "pending", "local_modified_at": now, "created_at": now,
                 "updated_at": now}
        guest_id = conn.execute(sa.insert(schema.guest).values(
            property_id=property_id, first_name=first, last_name=last, email=email, phone=phone, country=country,
            **local)).inserted_primary_key[0]
        totals = [_estimate_total(conn, property_id, str(r.room_type_id), booking.check_in, booking.check_out)
                  for r in booking.rooms]
        total = None if any(t is None for t in totals) else sum(totals, Decimal(0))
        props = schema.cloudbed_properties
        currency = conn.execute(sa.select(props.c.currency_code).where(props.c.property_id == property_id)).scalar()
        local_ref = uuid.uuid4().hex
        reservation_id = conn.execute(sa.insert(schema.reservasi).values(
            property_id=property_id, local_ref=local_ref, status=booking.status, check_in=booking.check_in,
            check_out=booking.check_out, adults=sum(int(r.adults) for r in booking.rooms),
            children=sum(int(r.children) for r in booking.rooms), guest_id=guest_id,
            guest_name=f"{first} {last}", source_id=source.source_id if source else None,
            source_name=source.name if source else None, source_category=source.category if source else None,
            payment_collect=(source.payment_collect if source else None) or "hotel", currency=currency,
            total=total, **local)).inserted_primary_key[0]
        for room, room_total in zip(booking.rooms, totals):
            rt = known[str(room.room_type_id)]
            conn.execute(sa.insert(schema.reservasi_room).values(
                reservasi_id=reservation_id, property_id=property_id, cloudbed_room_type_id=rt.room_type_id,
                room_type_name=rt.name, adf_room_type=adf.get(rt.room_type_id), check_in=booking.check_in,
                check_out=booking.check_out, adults=int(room.adults), children=int(room.children),
                room_total=room_total, created_at=now, updated_at=now))
    return {"id": reservation_id, "local_ref": local_ref, "guest_id": guest_id, "total": total}


def update_guest(engine: sa.Engine, property_id: str, guest_id: int, changes: dict,
                 now: datetime | None = None) -> bool:
    """Change a guest's contact data and mark it for the push. Returns False when nothing changed.

    Raises:
        EditError: unknown guest or field, or an invalid value; nothing was stored.
    """
    unknown = set(changes) - set(GUEST_FIELDS)
    if unknown:
        raise EditError(f"These guest fields cannot be edited here: {', '.join(sorted(unknown))}.")
    clean = {}
    for name, value in changes.items():
        if name == "email":
            clean[name] = _email(value)
        elif name in ("phone", "cell_phone"):
            clean[name] = _phone(value, name)
        elif name == "country":
            clean[name] = _country(value)
        else:
            clean[name] = _text(value, name, GUEST_FIELDS[name], required=name in ("first_name", "last_name"))
    g = schema.guest
    now = now or utcnow()
    with engine.begin() as conn:
        row = conn.execute(sa.select(*[g.c[n] for n in GUEST_FIELDS]).where(
            g.c.property_id == property_id, g.c.id == int(guest_id))).first()
        if row is None:
            raise EditError("That guest does not exist (any more).", field="guest")
        current = dict(row._mapping)
        diff = {k: v for k, v in clean.items() if (current.get(k) or None) != v}
        if not diff:
            return False
        conn.execute(sa.update(g).where(g.c.id == int(guest_id)).values(
            **diff, sync_status="pending", sync_error=None, sync_attempts=0, local_modified_at=now, updated_at=now))
    return True


@dataclass(frozen=True)
class RateEdit:
    rate_id: str
    rate_date: date
    rate: Decimal | float | int | str


def set_rates(engine: sa.Engine, property_id: str, edits: list[RateEdit], today: date,
              now: datetime | None = None) -> int:
    """Store the hotel's new nightly rates for the push (``direction='to_cloudbed'``, ``pending``).

    Returns:
        How many nights changed (an edit equal to the current rate changes nothing).

    Raises:
        EditError: a rate is not a positive amount, a night is in the past, or the rate plan is
            unknown or derived (derived plans follow their parent in Cloudbeds); nothing stored.
    """
    now = now or utcnow()
    rs = schema.cloudbed_rate_sync
    parsed = []
    for edit in edits:
        try:
            amount = Decimal(str(edit.rate).strip().replace(" ", ""))
        except (InvalidOperation, ValueError):
            raise EditError(f"{str(edit.rate)[:30]!r} is not an amount.", field="rate") from None
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e13"):
            raise EditError("A nightly rate must be a positive amount.", field="rate")
        if edit.rate_date < today:
            raise EditError("Rates of past nights cannot be changed.", field="rate_date")
        if edit.rate_date > today + timedelta(days=730):
            raise EditError("Rates can be set at most two years ahead.", field="rate_date")
        parsed.append((str(edit.rate_id), edit.rate_date, amount.quantize(Decimal("0.01"))))
    changed = 0
    with engine.begin() as conn:
        for rate_id, night, amount in parsed:
            row = conn.execute(sa.select(rs.c.id, rs.c.is_derived, rs.c.cloudbed_rate, rs.c.adf_rate, rs.c.status)
                               .where(rs.c.property_id == property_id, rs.c.rate_id == rate_id,
                                      rs.c.rate_date == night)).first()
            if row is None:
                raise EditError("That rate is not synced yet; run a sync of rates first.", field="rate")
            if row.is_derived:
                raise EditError("A derived rate follows its parent plan; edit the parent instead.", field="rate")
            current = row.adf_rate if row.status in ("pending", "queued") and row.adf_rate is not None \
                else row.cloudbed_rate
            if current is not None and Decimal(str(current)) == amount:
                continue
            conn.execute(sa.update(rs).where(rs.c.id == row.id).values(
                adf_rate=amount, direction="to_cloudbed", status="pending", error=None, job_reference_id=None,
                local_modified_at=now, updated_at=now))
            changed += 1
    return changed
