"""Demo mode's own front desk: ADF's five tables, with the demo hotel's room types and rooms.

A newcomer without an ADF database should still see what the integration is for: Cloudbeds
bookings arriving in the hotel's ``bookings`` within seconds. So demo mode creates the front desk
in the demo database, in the shape ADF's schema file documents, with the demo hotel's room types
(their names as a hotel types them) and numbered rooms, maps them to the sandbox's catalogue by
the same suggestions a manager gets, and switches the front desk on.

It never touches a database that already has a front desk, and the tables it made are dropped
with the demo's data when real credentials are saved: it lists them in the demo property's
``demo:tables`` mark, which ``pms.db.purge`` reads.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from pms.adf.introspect import describe
from pms.adf.suggest import suggest_room_types, suggest_rooms, suggest_source
from pms.db import schema, tables_adf
from pms.db.upsert import upsert_rows
from pms.sync.rules import room_number

__all__ = ["DEMO_MARK", "ensure_demo_front_desk", "front_desk_metadata", "seed_demo_front_desk"]

log = logging.getLogger("pms.adf")

DEMO_MARK = "demo:tables"  # cloudbed_sync_state row: tables demo mode made, dropped by the purge
_UTF8 = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=True, create_constraint=True)


def front_desk_metadata() -> sa.MetaData:
    """ADF's five front-desk tables as its schema file documents them, in a metadata of their own
    (never ours: setup must not create or migrate the hotel's tables)."""
    meta = sa.MetaData()
    now = sa.func.current_timestamp()

    def stamps() -> list[sa.Column]:
        return [
            sa.Column("created_at", sa.DateTime, server_default=now),
            sa.Column("updated_at", sa.DateTime, server_default=now),
        ]

    sa.Table(
        "room_types",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("type_name", sa.String(100), nullable=False),
        sa.Column("base_price", sa.Numeric(12, 2), nullable=False, server_default="0"),
        sa.Column("max_occupancy", sa.Integer, nullable=False, server_default="2"),
        sa.Column("description", sa.Text),
        sa.Column("amenities", sa.Text),
        sa.Column("color_code", sa.String(7), server_default="#6366f1"),
        *stamps(),
        **_UTF8,
    )
    sa.Table(
        "rooms",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("room_number", sa.String(20), nullable=False, unique=True),
        sa.Column("room_type_id", sa.Integer, sa.ForeignKey("room_types.id"), nullable=False),
        sa.Column("floor_number", sa.Integer, nullable=False, server_default="1"),
        sa.Column(
            "status",
            _enum("available", "occupied", "cleaning", "maintenance", "blocked", name="room_status"),
            server_default="available",
        ),
        sa.Column("notes", sa.Text),
        sa.Column("position_x", sa.Integer),
        sa.Column("position_y", sa.Integer),
        *stamps(),
        **_UTF8,
    )
    sa.Table(
        "guests",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("guest_name", sa.String(200), nullable=False),
        sa.Column("id_card_type", _enum("ktp", "passport", "sim", name="id_card_type"), server_default="ktp"),
        sa.Column("id_card_number", sa.String(50), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("email", sa.String(100)),
        sa.Column("address", sa.Text),
        sa.Column("nationality", sa.String(50), server_default="Indonesia"),
        *stamps(),
        **_UTF8,
    )
    sa.Table(
        "bookings",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("booking_code", sa.String(20), nullable=False, unique=True),
        sa.Column("guest_id", sa.Integer, sa.ForeignKey("guests.id"), nullable=False),
        sa.Column("room_id", sa.Integer, sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("check_in_date", sa.Date, nullable=False),
        sa.Column("check_out_date", sa.Date, nullable=False),
        sa.Column("actual_check_in", sa.DateTime),
        sa.Column("actual_check_out", sa.DateTime),
        sa.Column("adults", sa.Integer, nullable=False, server_default="1"),
        sa.Column("children", sa.Integer, nullable=False, server_default="0"),
        sa.Column("room_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("total_nights", sa.Integer, nullable=False),
        sa.Column("total_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("discount", sa.Numeric(12, 2), server_default="0"),
        sa.Column("final_price", sa.Numeric(12, 2), nullable=False),
        sa.Column(
            "status",
            _enum("pending", "confirmed", "checked_in", "checked_out", "cancelled", name="booking_status"),
            server_default="pending",
        ),
        sa.Column(
            "payment_status",
            _enum("unpaid", "partial", "paid", name="payment_status"),
            server_default="unpaid",
        ),
        sa.Column("paid_amount", sa.Numeric(12, 2), server_default="0"),
        sa.Column(
            "booking_source",
            _enum("walk_in", "phone", "online", "ota", name="booking_source"),
            server_default="walk_in",
        ),
        sa.Column("ota_source_detail", sa.String(50)),
        sa.Column("special_request", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("created_by", sa.Integer),
        *stamps(),
        **_UTF8,
    )
    sa.Table(
        "booking_payments",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("booking_id", sa.Integer, sa.ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("payment_date", sa.DateTime, nullable=False, server_default=now),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column(
            "payment_method",
            _enum("cash", "card", "transfer", "qris", "ota", name="payment_method"),
            server_default="cash",
        ),
        sa.Column("reference_number", sa.String(100)),
        sa.Column("notes", sa.Text),
        sa.Column("processed_by", sa.Integer),
        sa.Column("created_at", sa.DateTime, server_default=now),
        **_UTF8,
    )
    return meta


def _catalogue(property_id: str):
    from pms.sandbox.catalog import build_room_types, build_sources

    room_types, rooms = build_room_types(property_id)
    return room_types, rooms, build_sources()


def seed_demo_front_desk(engine: sa.Engine, property_id: str) -> bool:
    """Create and map the demo's front desk unless the database has one; True when it was created now."""
    from pms.db.settings import Settings

    with engine.connect() as conn:
        if describe(conn).found:
            return False
    room_types, rooms, sources = _catalogue(property_id)
    meta = front_desk_metadata()
    with engine.begin() as conn:
        meta.create_all(conn)
        t = meta.tables
        type_ids: dict[str, int] = {}
        for i, rt in enumerate(room_types.values(), start=1):
            conn.execute(
                sa.insert(t["room_types"]).values(
                    id=i, type_name=rt.name, base_price=rt.base_rate, max_occupancy=rt.max_guests
                )
            )
            type_ids[rt.room_type_id] = i
            for room_id in rt.room_ids:
                number = room_number(rooms[room_id].name) or room_id
                conn.execute(
                    sa.insert(t["rooms"]).values(
                        room_number=number,
                        room_type_id=i,
                        floor_number=int(number[0]) if number[0].isdigit() else 1,
                    )
                )
        adf_rooms = [dict(r) for r in conn.execute(sa.select(t["rooms"])).mappings()]
        _map(conn, property_id, room_types, rooms, sources, type_ids, adf_rooms)
        from pms.db.types import utcnow
        from pms.sync.state import write_mark

        tables = ",".join(t.name for t in reversed(meta.sorted_tables))  # children first
        write_mark(conn, property_id, DEMO_MARK, utcnow(), note=tables)
    Settings(engine).set("adf_frontdesk_enabled", True)
    log.info("demo mode: created a front desk with %d rooms", len(adf_rooms))
    return True


def _map(conn, property_id, room_types, rooms, sources, type_ids, adf_rooms) -> None:
    """Map the demo catalogue as a manager accepting every suggestion would."""
    cb_types = [
        {"room_type_id": k, "name": v.name, "short_name": v.short, "units": len(v.room_ids)}
        for k, v in room_types.items()
    ]
    names = {i: rt.name for rt, i in ((room_types[k], v) for k, v in type_ids.items())}
    counts = {names[i]: sum(1 for r in adf_rooms if r["room_type_id"] == i) for i in names}
    typed = {s.cloudbed_id: s.adf_value for s in suggest_room_types(cb_types, counts)}
    upsert_rows(
        conn,
        schema.cloudbed_room_mapping,
        [
            {
                "property_id": property_id,
                "adf_room_type": adf,
                "cloudbed_room_type_id": cb,
                "cloudbed_room_type_name": room_types[cb].name,
                "is_active": True,
            }
            for cb, adf in typed.items()
        ],
        key=("property_id", "adf_room_type"),
    )
    by_name = {v: k for k, v in names.items()}
    cb_rooms = [
        {"room_id": r.room_id, "room_name": r.name, "room_type_id": r.room_type_id} for r in rooms.values()
    ]
    effective = {cb: by_name[adf] for cb, adf in typed.items()}
    rows = [
        {
            "property_id": property_id,
            "kind": "room",
            "cloudbed_id": s.cloudbed_id,
            "cloudbed_name": s.cloudbed_name,
            "adf_value": s.adf_value,
            "adf_detail": None,
        }
        for s in suggest_rooms(cb_rooms, adf_rooms, type_mapping=effective)
        if s.adf_value and not s.conflict
    ]
    for s in sources.values():
        value, detail = suggest_source(s.name, s.category, s.is_third_party)
        rows.append(
            {
                "property_id": property_id,
                "kind": "source",
                "cloudbed_id": s.source_id,
                "cloudbed_name": s.name,
                "adf_value": value,
                "adf_detail": detail,
            }
        )
    upsert_rows(conn, tables_adf.cloudbed_adf_mapping, rows, key=("property_id", "kind", "cloudbed_id"))


def ensure_demo_front_desk(engine: sa.Engine, property_id: str) -> bool:
    """``seed_demo_front_desk`` for process start: a failure is logged, never stops the server."""
    try:
        return seed_demo_front_desk(engine, property_id)
    except Exception:
        log.exception("demo mode: could not create the demo front desk")
        return False
