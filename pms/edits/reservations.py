"""A walk-in or direct booking typed into the dashboard, stored for the push to create in Cloudbeds.

The dashboard never talks to Cloudbeds to create a booking: it writes the hotel's own rows
(``reservasi`` + ``reservasi_room`` + ``guest``, ``origin='local'``, ``sync_status='pending'``,
``local_modified_at``) with a ``local_ref`` that the push sends as ``thirdPartyIdentifier``, so a
create that timed out is found again instead of doubled. Every value is checked first; the rows
are written in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.edits import fields
from pms.edits.fields import GUEST_FIELDS, MAX_GUESTS_PER_ROOM, MAX_ROOMS, refused

__all__ = ["FORM_REF_PREFIX", "NewReservation", "RoomRequest", "checked_guest", "create_local_reservation"]

FORM_REF_PREFIX = "form-"  # our own form's bookings (sent once push is on; see create_local_reservation)


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


@dataclass(frozen=True)
class _Guest:
    first: str
    last: str
    email: str
    phone: str | None
    country: str


def checked_guest(booking: NewReservation, today: date) -> _Guest:
    """The stay and the guest's fields, validated before the database is touched."""
    fields.check_stay(booking.check_in, booking.check_out, today)
    first = fields.text(booking.first_name, "first_name", GUEST_FIELDS["first_name"], required=True)
    last = fields.text(booking.last_name, "last_name", GUEST_FIELDS["last_name"], required=True)
    email, phone = fields.email(booking.email), fields.phone(booking.phone)
    if not email:
        raise refused("email_needed", "email")
    country = fields.country(booking.country, required=True)
    if booking.status not in ("confirmed", "not_confirmed"):
        raise refused("new_status", "status")
    if not booking.rooms or len(booking.rooms) > MAX_ROOMS:
        raise refused("rooms_count", "rooms", n=MAX_ROOMS)
    return _Guest(first, last, email, phone, country)


def _room_types(conn: sa.Connection, property_id: str, rooms: tuple[RoomRequest, ...]) -> dict:
    """The property's room types by id, after checking each requested room against its type."""
    types = schema.cloudbed_room_types
    known = {
        r.room_type_id: r
        for r in conn.execute(
            sa.select(types.c.room_type_id, types.c.name, types.c.max_guests).where(
                types.c.property_id == property_id
            )
        )
    }
    for room in rooms:
        rt = known.get(str(room.room_type_id))
        if rt is None:
            raise refused("room_type", "room_type")
        limit = rt.max_guests or MAX_GUESTS_PER_ROOM
        if not (1 <= int(room.adults) <= MAX_GUESTS_PER_ROOM) or not (
            0 <= int(room.children) <= MAX_GUESTS_PER_ROOM
        ):
            raise refused("adults", "adults")
        if int(room.adults) + int(room.children) > limit:
            raise refused("sleeps", "adults", room_type=rt.name, n=limit)
    return known


def _source(conn: sa.Connection, property_id: str, source_id: str | None):
    """The chosen booking source's row, or None when none was chosen."""
    if not source_id:
        return None
    sources = schema.cloudbed_sources
    source = conn.execute(
        sa.select(sources.c.source_id, sources.c.name, sources.c.category, sources.c.payment_collect).where(
            sources.c.property_id == property_id, sources.c.source_id == str(source_id)
        )
    ).first()
    if source is None:
        raise refused("source", "source")
    return source


def _estimate_total(
    conn: sa.Connection, property_id: str, room_type_id: str, check_in: date, check_out: date
) -> Decimal | None:
    """The sum of the synced base-plan nightly rates, or None when a night has no rate."""
    rs = schema.cloudbed_rate_sync
    rows = conn.execute(
        sa.select(rs.c.rate_date, sa.func.min(rs.c.cloudbed_rate))
        .where(
            rs.c.property_id == property_id,
            rs.c.room_type_id == room_type_id,
            rs.c.is_derived.is_(False),
            rs.c.rate_date >= check_in,
            rs.c.rate_date < check_out,
        )
        .group_by(rs.c.rate_date)
    ).all()
    nights = (check_out - check_in).days
    if len(rows) != nights or any(r[1] is None for r in rows):
        return None
    return sum((Decimal(str(r[1])) for r in rows), Decimal(0))


def _insert_reservation(
    conn: sa.Connection,
    property_id: str,
    booking: NewReservation,
    guest: _Guest,
    source,
    totals: list[Decimal | None],
    now: datetime,
    local_ref: str,
) -> dict:
    """The guest row and the reservation row, both marked local and pending."""
    local = {
        "origin": "local",
        "sync_status": "pending",
        "local_modified_at": now,
        "created_at": now,
        "updated_at": now,
    }
    guest_id = conn.execute(
        sa.insert(schema.guest).values(
            property_id=property_id,
            first_name=guest.first,
            last_name=guest.last,
            email=guest.email,
            phone=guest.phone,
            country=guest.country,
            **local,
        )
    ).inserted_primary_key[0]
    total = None if any(t is None for t in totals) else sum(totals, Decimal(0))
    props = schema.cloudbed_properties
    currency = conn.execute(
        sa.select(props.c.currency_code).where(props.c.property_id == property_id)
    ).scalar()
    reservation_id = conn.execute(
        sa.insert(schema.reservasi).values(
            property_id=property_id,
            local_ref=local_ref,
            status=booking.status,
            check_in=booking.check_in,
            check_out=booking.check_out,
            adults=sum(int(r.adults) for r in booking.rooms),
            children=sum(int(r.children) for r in booking.rooms),
            guest_id=guest_id,
            guest_name=f"{guest.first} {guest.last}",
            source_id=source.source_id if source else None,
            source_name=source.name if source else None,
            source_category=source.category if source else None,
            payment_collect=(source.payment_collect if source else None) or "hotel",
            currency=currency,
            total=total,
            **local,
        )
    ).inserted_primary_key[0]
    return {"id": reservation_id, "local_ref": local_ref, "guest_id": guest_id, "total": total}


def _insert_rooms(
    conn: sa.Connection,
    property_id: str,
    reservation_id: int,
    booking: NewReservation,
    known: dict,
    totals: list[Decimal | None],
    now: datetime,
) -> None:
    """One ``reservasi_room`` per requested room, with the ADF room type its mapping names."""
    mapping = schema.cloudbed_room_mapping
    adf = dict(
        conn.execute(
            sa.select(mapping.c.cloudbed_room_type_id, mapping.c.adf_room_type).where(
                mapping.c.property_id == property_id, mapping.c.is_active.is_(True)
            )
        ).all()
    )
    for room, room_total in zip(booking.rooms, totals, strict=True):
        rt = known[str(room.room_type_id)]
        conn.execute(
            sa.insert(schema.reservasi_room).values(
                reservasi_id=reservation_id,
                property_id=property_id,
                cloudbed_room_type_id=rt.room_type_id,
                room_type_name=rt.name,
                adf_room_type=adf.get(rt.room_type_id),
                check_in=booking.check_in,
                check_out=booking.check_out,
                adults=int(room.adults),
                children=int(room.children),
                room_total=room_total,
                created_at=now,
                updated_at=now,
            )
        )


def create_local_reservation(
    engine: sa.Engine,
    property_id: str,
    booking: NewReservation,
    today: date,
    now: datetime | None = None,
    *,
    submission: str | None = None,
) -> dict:
    """Store a hotel-side reservation (with its guest and rooms) for the push to create in Cloudbeds.

    Args:
        today: the property's local date (check-in may not be earlier).

        submission: the form submission's id: a second call with it returns the reservation the
            first stored (``again`` True) instead of storing another.

    Returns:
        ``{"id", "local_ref", "guest_id", "total", "again"}`` of the stored reservation. The
        ``local_ref`` starts with ``form-``: our own form's bookings are sent once push is on,
        whenever it was switched on (rule 14 protects records typed before the integration).

    Raises:
        EditError: a field is invalid; nothing was stored.
    """
    now = now or utcnow()
    guest = checked_guest(booking, today)
    local_ref = FORM_REF_PREFIX + (submission or uuid.uuid4().hex)
    with engine.begin() as conn:
        r = schema.reservasi
        again = conn.execute(
            sa.select(r.c.id, r.c.guest_id, r.c.total).where(r.c.local_ref == local_ref)
        ).first()
        if again is not None:
            return {
                "id": again[0],
                "local_ref": local_ref,
                "guest_id": again[1],
                "total": again[2],
                "again": True,
            }
        known = _room_types(conn, property_id, booking.rooms)
        source = _source(conn, property_id, booking.source_id)
        totals = [
            _estimate_total(conn, property_id, str(r.room_type_id), booking.check_in, booking.check_out)
            for r in booking.rooms
        ]
        stored = _insert_reservation(conn, property_id, booking, guest, source, totals, now, local_ref)
        _insert_rooms(conn, property_id, stored["id"], booking, known, totals, now)
    return {**stored, "again": False}
