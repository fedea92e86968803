"""What the dashboard's walk-in form needs besides storing: whether it will be sent, what is left,
where it goes, and what a Cloudbeds refusal means for the person at the desk.

- ``sending_state``: the form says plainly whether the booking reaches Cloudbeds (push on) or waits
  (push off: kept, and sent once a manager switches sending on; rule 14 protects records typed
  before the integration, not our own form's);
- ``rooms_left``: before a booking is stored, the rooms of the type still free on every night, from
  the synced availability less our own bookings not yet sent (None: not known yet);
- ``refusal_advice``: Cloudbeds' refusal of a create, said as what to do ("no room of this type is
  left on those dates: choose other dates or another type"), not as a connection problem;
- ``create_walk_in``: one entry for the form: into the hotel's front desk (ADF ``bookings``) when
  it has one, so the desk sees it at once and the ADF push sends it; else into ``reservasi``.
  Idempotent per form submission: a second click with the same submission id stores nothing new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.edits.reservations import FORM_REF_PREFIX
from pms.errors import EditError

__all__ = ["FORM_REF_PREFIX", "Sending", "create_walk_in", "refusal_advice", "rooms_left", "sending_state"]


@dataclass(frozen=True)
class Sending:
    enabled: bool
    since: datetime | None


def sending_state(engine: sa.Engine) -> Sending:
    s = Settings(engine).get_many(["cloudbed_push_enabled", "cloudbed_push_since"])
    return Sending(bool(s["cloudbed_push_enabled"]), s["cloudbed_push_since"])


def rooms_left(
    engine: sa.Engine, property_id: str, room_type_id: str, check_in: date, check_out: date
) -> int | None:
    """Rooms of the type free on every night of [check_in, check_out), or None when not known."""
    nights = [check_in + timedelta(days=i) for i in range((check_out - check_in).days)]
    if not nights:
        return None
    av, r, room = schema.cloudbed_availability, schema.reservasi, schema.reservasi_room
    with engine.connect() as conn:
        free = dict(
            conn.execute(
                sa.select(av.c.stay_date, av.c.rooms_available).where(
                    av.c.property_id == property_id,
                    av.c.room_type_id == str(room_type_id),
                    av.c.stay_date >= check_in,
                    av.c.stay_date < check_out,
                )
            ).all()
        )
        if len(free) < len(nights) or any(v is None for v in free.values()):
            return None
        waiting = conn.execute(  # ours, stored but not in Cloudbeds yet (not in its availability)
            sa.select(room.c.check_in, room.c.check_out)
            .select_from(room.join(r, room.c.reservasi_id == r.c.id))
            .where(
                r.c.property_id == property_id,
                r.c.origin == "local",
                r.c.cloudbed_reservation_id.is_(None),
                r.c.is_deleted.is_(False),
                room.c.cloudbed_room_type_id == str(room_type_id),
                room.c.check_in < check_out,
                room.c.check_out > check_in,
            )
        ).all()
    left = []
    for night in nights:
        held = sum(1 for a, b in waiting if a <= night < b)
        left.append(int(free[night]) - held)
    return max(0, min(left))


_ADVICE = (
    (
        re.compile(r"no availability|not available|sold out|no free room", re.I),
        "Cloudbeds has no room of this type left on those dates: choose other dates or another room type "
        "(or free a room in Cloudbeds), then create the booking again.",
    ),
    (
        re.compile(r"in the past|earliest possible arrival|startDate", re.I),
        "Cloudbeds takes no arrival before today: correct the dates.",
    ),
    (
        re.compile(r"takes \d+ to \d+ guests|guests? requested|adults", re.I),
        "Too many guests for this room type in Cloudbeds: book another type or a second room.",
    ),
    (
        re.compile(r"guestZip|postal", re.I),
        "Cloudbeds needs a postal code: add the guest's, or set cloudbed_guest_zip_placeholder.",
    ),
    (
        re.compile(r"e-?mail", re.I),
        "Cloudbeds refused the guest's e-mail address: correct it on the guest.",
    ),
)


def refusal_advice(message: str) -> str | None:
    """What to do about Cloudbeds' refusal of a new booking, or None when it is not about the booking."""
    for pattern, advice in _ADVICE:
        if pattern.search(message or ""):
            return advice
    return None


def create_walk_in(
    engine: sa.Engine, property_id: str, booking, today: date, *, submission: str | None = None
) -> dict:
    """Store a walk-in typed into the dashboard where the hotel works (see the module's docstring).

    Returns the stored booking: ``{"id", "local_ref", "total", "where": "front_desk"|"reservations",
    "code", "again"}`` (``again``: this submission was stored before; nothing new was written).

    Raises:
        EditError: a field is invalid, or no room of the type is left; nothing was stored.
    """
    from pms.edits.reservations import create_local_reservation

    wanted: dict[str, int] = {}
    for room in booking.rooms:
        wanted[str(room.room_type_id)] = wanted.get(str(room.room_type_id), 0) + 1
    from pms.edits.deskwalkin import desk_for_walk_in

    desk = desk_for_walk_in(engine)
    if desk is None:
        for type_id, count in wanted.items():
            left = rooms_left(engine, property_id, type_id, booking.check_in, booking.check_out)
            if left is not None and left < count and not _stored(engine, submission):
                raise EditError(
                    f"No room of this type is left for these dates ({left} left): choose other dates or "
                    "another room type.",
                    field="room_type",
                )
        out = create_local_reservation(engine, property_id, booking, today, submission=submission)
        return {**out, "where": "reservations", "code": out["local_ref"][len(FORM_REF_PREFIX) :][:8]}
    from pms.edits.deskwalkin import create_desk_booking

    return {**create_desk_booking(engine, desk, property_id, booking, today, submission=submission)}


def _stored(engine: sa.Engine, submission: str | None) -> bool:
    if not submission:
        return False
    r = schema.reservasi
    with engine.connect() as conn:
        return (
            conn.execute(sa.select(r.c.id).where(r.c.local_ref == FORM_REF_PREFIX + submission)).first()
            is not None
        )
