"""Staff at the hotel's front desk, in tests: typing and changing ADF bookings with raw SQL, as ADF's
own PHP screens do (MySQL moves ``updated_at`` itself; on SQLite the statement sets it, as the
ADF schema's ``ON UPDATE CURRENT_TIMESTAMP`` would)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from pms.db.settings import Settings
from pms.sandbox.catalog import build_room_types
from pms.sync import SyncRequest, run_sync
from pms.sync.rules import room_number


def type_booking(
    engine,
    *,
    code: str,
    room: str,
    check_in: date,
    check_out: date,
    name: str = "Bapak Joko Widodo",
    status: str = "confirmed",
    source: str = "walk_in",
    adults: int = 2,
    children: int = 0,
    guest_id: int | None = None,
    email: str | None = None,
    phone: str | None = "0812 3456 7890",
) -> tuple[int, int]:
    """A walk-in typed at the desk: (booking id, guest id)."""
    with engine.begin() as conn:
        if guest_id is None:
            guest_id = conn.execute(
                sa.text(
                    "INSERT INTO guests (guest_name, id_card_type, id_card_number, phone, email) "
                    "VALUES (:n, 'ktp', :card, :p, :e)"
                ),
                {"n": name, "card": f"3174{abs(hash(code)) % 10**12:012d}", "p": phone, "e": email},
            ).lastrowid
        room_id = conn.execute(sa.text("SELECT id FROM rooms WHERE room_number = :n"), {"n": room}).scalar()
        nights = (check_out - check_in).days
        booking_id = conn.execute(
            sa.text(
                "INSERT INTO bookings (booking_code, guest_id, room_id, check_in_date, check_out_date, "
                "adults, children, room_price, total_nights, total_price, discount, final_price, status, "
                "payment_status, paid_amount, booking_source) VALUES (:code, :g, :r, :ci, :co, :a, :c, "
                "500000, :n, :t, 0, :t, :s, 'unpaid', 0, :src)"
            ),
            {
                "code": code,
                "g": guest_id,
                "r": room_id,
                "ci": check_in,
                "co": check_out,
                "a": adults,
                "c": children,
                "n": nights,
                "t": 500000 * nights,
                "s": status,
                "src": source,
            },
        ).lastrowid
    return booking_id, guest_id


def change(engine, table: str, row_id: int, **values) -> None:
    """A change made at the desk (``updated_at`` moves, as MySQL's ON UPDATE does)."""
    sets = ", ".join(f"{k} = :{k}" for k in values)
    with engine.begin() as conn:
        conn.execute(
            sa.text(f"UPDATE {table} SET {sets}, updated_at = CURRENT_TIMESTAMP WHERE id = :_id"),
            {**values, "_id": row_id},
        )


def room_id_of(engine, number: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT id FROM rooms WHERE room_number = :n"), {"n": number}).scalar()


def free_rooms(admin, box, check_in: date, check_out: date, count: int = 2) -> list[str]:
    """ADF room numbers whose Cloudbeds room is free on those nights in the sandbox, same type first."""
    rooms = build_room_types(box.property_id)[1]
    busy = set()
    for t in admin.truth():
        if t["isDeleted"] or t["status"] in ("canceled", "no_show", "checked_out"):
            continue
        for r in t["rooms"]:
            if (
                r["roomID"]
                and date.fromisoformat(r["checkIn"]) < check_out
                and date.fromisoformat(r["checkOut"]) > check_in
            ):
                busy.add(r["roomID"])
    by_type: dict[str, list[str]] = {}
    for rid, room in sorted(rooms.items()):
        if rid not in busy:
            by_type.setdefault(room.room_type_id, []).append(room_number(room.name))
    best = max(by_type.values(), key=len)
    return best[:count]


def push_on(engine) -> None:
    Settings(engine).set_push_enabled(True)


def push(ctx, **kw):
    result = run_sync(ctx, SyncRequest(mode="incremental", direction="push", entities="reservations", **kw))
    assert result.status in ("completed", "partial"), result.error
    return result


def by_third_party(admin, code: str) -> list[dict]:
    return [t for t in admin.truth() if t.get("thirdPartyIdentifier") == code and not t["isDeleted"]]


def stay(today: date, start: int, nights: int) -> tuple[date, date]:
    return today + timedelta(days=start), today + timedelta(days=start + nights)
