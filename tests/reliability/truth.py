"""Does the hotel database equal the sandbox? Counted, not just asserted.

``compare(engine, property_id, truth)`` returns the number of missing, duplicate and stale
reservations, rooms and guests (and a few example lines), measured against the sandbox's
canonical ``/_sandbox/reservations``. A reservation is stale when its status, deletion flag, dates
or Cloudbeds modification time differ; a room when its room, type or dates differ; a guest when
its name or e-mail differ. Rows the sandbox does not have count as duplicates (phantoms).

domain rule 6 holds some bookings back on purpose: one cancelled (or no-show) in Cloudbeds that is
paid or checked in here is left as it is, with a "cancel and refund by hand" warning. Those are
counted as ``held``, not stale.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa

from pms.db import schema

__all__ = ["Diff", "compare"]


@dataclass
class Diff:
    missing: int = 0
    duplicates: int = 0
    stale: int = 0
    held: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.missing == self.duplicates == self.stale == 0

    def note(self, what: str, text: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        if len(self.examples) < 8:
            self.examples.append(text)


def _utc(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) if text else None


def _rows(conn, table, *columns):
    return conn.execute(
        sa.select(*[table.c[c] for c in columns]).where(table.c.property_id == _rows.pid)
    ).all()


def compare(engine: sa.Engine, property_id: str, truth: list[dict]) -> Diff:
    """Count every difference between the database and ``truth``."""
    r, rr, g = schema.reservasi, schema.reservasi_room, schema.guest
    diff = Diff()
    _rows.pid = property_id
    with engine.connect() as conn:
        res = _rows(
            conn,
            r,
            "cloudbed_reservation_id",
            "status",
            "is_deleted",
            "check_in",
            "check_out",
            "cloudbed_updated_at",
        )
        rooms = conn.execute(
            sa.select(
                rr.c.cloudbed_reservation_id,
                rr.c.sub_reservation_id,
                rr.c.room_id,
                rr.c.cloudbed_room_type_id,
                rr.c.check_in,
                rr.c.check_out,
            ).where(rr.c.property_id == property_id, rr.c.is_deleted.is_(False))
        ).all()
        guests = _rows(conn, g, "cloudbed_guest_id", "first_name", "last_name", "email")
    # reservations
    counts = Counter(x[0] for x in res)
    diff.duplicates += sum(n - 1 for n in counts.values() if n > 1)
    mine = {x[0]: x for x in res}
    want_ids = {t["reservationID"] for t in truth}
    held: set[str] = set()
    for phantom in set(mine) - want_ids:
        if not mine[phantom][2]:  # kept but marked deleted is domain rule 7; live and unknown is not
            diff.note("duplicates", f"reservation {phantom}: not in Cloudbeds")
    for t in truth:
        row = mine.get(t["reservationID"])
        if row is None:
            diff.note("missing", f"reservation {t['reservationID']}: missing")
            continue
        if (
            t["status"] in ("canceled", "no_show")
            and row[1] not in ("canceled", "no_show")
            and (float(t["paid"] or 0) > 0 or row[1] == "checked_in")
        ):
            diff.held += 1  # domain rule 6: paid or checked in, cancelled by hand only
            held.add(t["reservationID"])
            continue
        expect = (
            t["status"],
            bool(t["isDeleted"]),
            date.fromisoformat(t["startDate"]),
            date.fromisoformat(t["endDate"]),
            _utc(t["dateModifiedUTC"]),
        )
        have = (row[1], bool(row[2]), row[3], row[4], row[5])
        if have != expect:
            diff.note("stale", f"reservation {t['reservationID']}: {have} here, {expect} in Cloudbeds")
    # rooms (of live reservations; a deleted booking's rooms may go either way)
    counts = Counter(x[1] for x in rooms)
    diff.duplicates += sum(n - 1 for n in counts.values() if n > 1)
    my_rooms = {x[1]: x for x in rooms}
    want_rooms = {}
    for t in truth:
        if t["isDeleted"] or t["reservationID"] in held:  # a held booking keeps its rooms too
            continue
        for room in t["rooms"]:
            want_rooms[room["subReservationID"]] = (t["reservationID"], room)
    for sub, (rid, room) in want_rooms.items():
        row = my_rooms.get(sub)
        if row is None:
            diff.note("missing", f"room {sub} of {rid}: missing")
            continue
        expect = (
            rid,
            room["roomID"] or None,
            room["roomTypeID"],
            date.fromisoformat(room["checkIn"]),
            date.fromisoformat(room["checkOut"]),
        )
        have = (row[0], row[2] or None, row[3], row[4], row[5])
        if have != expect:
            diff.note("stale", f"room {sub}: {have} here, {expect} in Cloudbeds")
    live_parents = {t["reservationID"] for t in truth if not t["isDeleted"]}
    for sub, row in my_rooms.items():
        if sub not in want_rooms and row[0] in live_parents - held:
            diff.note("duplicates", f"room {sub} of {row[0]}: not in Cloudbeds")
    # guests
    counts = Counter(x[0] for x in guests)
    diff.duplicates += sum(n - 1 for n in counts.values() if n > 1)
    my_guests = {x[0]: x for x in guests}
    want_guests: dict[str, tuple] = {}
    for t in truth:
        if t["isDeleted"]:
            continue
        for guest in t["guests"]:
            want_guests[guest["guestID"]] = (
                guest["firstName"] or None,
                guest["lastName"] or None,
                guest["email"] or None,
            )
    for gid, expect in want_guests.items():
        row = my_guests.get(gid)
        if row is None:
            diff.note("missing", f"guest {gid}: missing")
        elif (row[1] or None, row[2] or None, row[3] or None) != expect:
            diff.note("stale", f"guest {gid}: {tuple(row[1:])} here, {expect} in Cloudbeds")
    return diff
