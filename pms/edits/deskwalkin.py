"""The dashboard's walk-in form, when the hotel has an ADF front desk: the booking is typed into
ADF's own ``guests`` and ``bookings`` (as a person at the desk would), so the room grid shows it at
once and the ADF push (``pms.sync.adfpush``) sends it to Cloudbeds.

The room: a free ADF room of the ADF type mapped to the Cloudbeds type chosen (none free: refused
with what is left). The booking code is ``WI`` and the form submission's id, so a second click on
Create finds the booking it made instead of making another. A queue entry marks it as made by our
own form: it is sent once push is on, even when push was switched on after it was typed (rule 14
protects records typed before the integration, not ours). Values are fitted to the hotel's
columns (``pms.adf.fit``).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from pms.adf.desired import STATUS_SYNONYMS
from pms.adf.fit import fit_row
from pms.adf.introspect import FrontDesk
from pms.adf.model import status_key
from pms.adf.pushscan import QUEUE_PREFIX, desk_tables
from pms.db import schema
from pms.db.types import utcnow
from pms.errors import EditError

__all__ = ["create_desk_booking", "desk_for_walk_in", "free_desk_rooms"]

_STATE = schema.cloudbed_sync_state
_COUNTRY_NAMES = {"ID": "Indonesia", "MY": "Malaysia", "SG": "Singapore", "AU": "Australia", "JP": "Japan"}


def desk_for_walk_in(engine: sa.Engine) -> tuple[FrontDesk, dict[str, sa.Table]] | None:
    """The front desk when the hotel has one and writing into it is switched on, else None."""
    from pms.adf.switch import ENABLED
    from pms.db.settings import Settings

    if not Settings(engine).get(ENABLED):
        return None
    return desk_tables(engine)


def _adf_type(conn: sa.Connection, pid: str, cloudbed_type: str, types: sa.Table) -> int | None:
    m = schema.cloudbed_room_mapping
    name = conn.execute(
        sa.select(m.c.adf_room_type).where(
            m.c.property_id == pid, m.c.cloudbed_room_type_id == str(cloudbed_type), m.c.is_active.is_(True)
        )
    ).scalar()
    if not name:
        return None
    for tid, tname in conn.execute(sa.select(types.c.id, types.c.type_name)):
        if str(tname).strip().casefold() == str(name).strip().casefold():
            return tid
    return None


def free_desk_rooms(
    conn: sa.Connection, tables: dict[str, sa.Table], type_id: int, check_in: date, check_out: date
) -> list[tuple[int, str]]:
    """ADF rooms of the type with no active booking on any of the nights (and not out of order)."""
    rooms, b = tables["rooms"], tables["bookings"]
    held = {
        r.room_id
        for r in conn.execute(
            sa.select(b.c.room_id, b.c.status).where(
                b.c.check_in_date < check_out, b.c.check_out_date > check_in, b.c.room_id.is_not(None)
            )
        )
        if status_key(r.status) != "cancelled"
    }
    out = []
    q = sa.select(rooms.c.id, rooms.c.room_number, rooms.c.status).where(rooms.c.room_type_id == type_id)
    for rid, number, status in conn.execute(q.order_by(rooms.c.room_number)):
        if rid not in held and str(status or "").casefold() not in ("maintenance", "blocked"):
            out.append((rid, str(number)))
    return out


def create_desk_booking(
    engine: sa.Engine,
    found: tuple[FrontDesk, dict[str, sa.Table]],
    pid: str,
    booking,
    today: date,
    *,
    submission: str | None = None,
) -> dict:
    from pms.edits.reservations import checked_guest

    desk, tables = found
    guest = checked_guest(booking, today)
    submission = submission or uuid.uuid4().hex
    code = f"WI{submission[:10].upper()}"
    b, g, types = tables["bookings"], tables["guests"], tables["room_types"]
    with engine.begin() as conn:
        again = conn.execute(sa.select(b.c.id, b.c.final_price).where(b.c.booking_code == code)).first()
        if again is not None:
            return {
                "id": again[0],
                "local_ref": code,
                "code": code,
                "total": again[1],
                "where": "front_desk",
                "again": True,
            }
        chosen: list[tuple[int, Decimal, object]] = []
        for room in booking.rooms:
            type_id = _adf_type(conn, pid, str(room.room_type_id), types)
            if type_id is None:
                raise EditError(
                    "This room type is not mapped to one of the hotel's room types: map it on the Room "
                    "mapping page.",
                    field="room_type",
                )
            free = [
                r
                for r in free_desk_rooms(conn, tables, type_id, booking.check_in, booking.check_out)
                if r[0] not in {c[0] for c in chosen}
            ]
            if not free:
                raise EditError(
                    "No room of this type is free at the front desk for these dates (0 left): choose other "
                    "dates or another room type.",
                    field="room_type",
                )
            price = conn.execute(sa.select(types.c.base_price).where(types.c.id == type_id)).scalar() or 0
            chosen.append((free[0][0], Decimal(str(price)), room))
        gfit = fit_row(
            desk.table("guests"),
            {
                "guest_name": f"{guest.first} {guest.last}",
                "email": guest.email,
                "phone": guest.phone,
                "nationality": _COUNTRY_NAMES.get(guest.country, guest.country),
                "id_card_type": "ktp" if guest.country == "ID" else "passport",
            },
            fallbacks={"id_card_number": f"{code}-ID"},
        )
        guest_id = conn.execute(sa.insert(g).values(gfit.row)).inserted_primary_key[0]
        nights = (booking.check_out - booking.check_in).days
        ids = []
        total = Decimal(0)
        for i, (room_id, rate, room) in enumerate(chosen, start=1):
            values = {
                "booking_code": code if i == 1 else f"{code}-{i}",
                "guest_id": guest_id,
                "room_id": room_id,
                "check_in_date": booking.check_in,
                "check_out_date": booking.check_out,
                "adults": int(room.adults),
                "children": int(room.children),
                "guest_count": int(room.adults) + int(room.children),
                "room_price": rate,
                "total_nights": nights,
                "total_price": rate * nights,
                "discount": Decimal(0),
                "final_price": rate * nights,
                "status": "confirmed" if booking.status == "confirmed" else "pending",
                "payment_status": "unpaid",
                "paid_amount": Decimal(0),
                "booking_source": "walk_in",
                "notes": "Walk-in from the Cloudbeds dashboard",
            }
            fitted = fit_row(desk.table("bookings"), values, synonyms=STATUS_SYNONYMS)
            if fitted.refused:
                raise EditError(
                    f"The hotel's database cannot hold this booking: {fitted.refused}", field="rooms"
                )
            ids.append(conn.execute(sa.insert(b).values(fitted.row)).inserted_primary_key[0])
            total += rate * nights
        now = utcnow()
        for bid in ids:  # ours: sent once push is on, whenever it was switched on
            entry = {"state": "waiting", "kind": "create", "form": True, "attempts": 0, "code": code}
            conn.execute(
                sa.insert(_STATE).values(
                    property_id=pid,
                    name=f"{QUEUE_PREFIX}{bid}",
                    cursor_at=now,
                    cursor_value=json.dumps(entry),
                    updated_at=now,
                )
            )
    return {
        "id": ids[0],
        "local_ref": code,
        "code": code,
        "total": total,
        "where": "front_desk",
        "again": False,
    }
