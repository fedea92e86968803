"""The Cloudbeds catalogue: the property (name, currency, time zone), room types, rooms, sources.

Five calls (getHotels, getHotelDetails, getRoomTypes, getRooms, getSources) fill the catalogue
tables the editors and reports read, in one transaction. The property's time zone read here is
what every later run uses to read property-local timestamps (domain rule 19); the sources'
payment collect is the fallback for rule 12; each room's number is its digits (rule 4). Usable on
its own: the Room mapping page's "refresh Cloudbeds catalogue" button calls ``refresh_catalog``.
"""

from __future__ import annotations

from collections import Counter

from pms.db import schema
from pms.db.settings import Settings
from pms.sync.compare import write
from pms.sync.records import cut, money
from pms.sync.rules import room_number
from pms.sync.runstate import DEFAULT_ZONE, RunState, zone_name

__all__ = ["CATALOG_TABLES", "pull_catalog"]

CATALOG_TABLES = ("cloudbed_properties", "cloudbed_room_types", "cloudbed_rooms", "cloudbed_sources")


def _fetch(run: RunState):
    client, pid = run.client, run.property_id
    hotel = next((h for h in client.get_hotels(property_ids=[pid]) if h.property_id == pid), None)
    if hotel is not None and hotel.timezone:
        try:
            client.property_timezone = hotel.timezone
        except Exception:
            run.warn("catalog", pid, f"unknown time zone {hotel.timezone!r}")
    if client.property_timezone is None:
        client.property_timezone = DEFAULT_ZONE
    run.zone = client.property_timezone
    details = client.get_hotel_details()
    room_types = client.get_room_types().all()
    rooms = client.get_rooms().all()
    sources = client.get_sources()
    return hotel, details, room_types, rooms, sources


def pull_catalog(run: RunState) -> None:
    """Read the catalogue and write (or, in a preview, compare) it in one transaction."""
    hotel, details, room_types, rooms, sources = _fetch(run)
    pid = run.property_id
    currency = (details.currency if details and details.currency else None) or (
        hotel.currency if hotel else None
    )
    prop_row = {
        "property_id": pid,
        "name": cut((details.name if details else None) or (hotel.name if hotel else None), 255),
        "timezone": cut(zone_name(run.zone), 64),
        "currency_code": cut(currency.code if currency else None, 3),
        "currency_symbol": cut(currency.symbol if currency else None, 8),
        "country": cut(details.country if details else None, 64),
    }
    units = Counter(r.room_type_id for r in rooms if r.room_type_id and not r.is_virtual)
    type_rows = [
        {
            "property_id": pid,
            "room_type_id": t.room_type_id,
            "name": cut(t.name, 255),
            "short_name": cut(t.short_name, 64),
            "description": t.description,
            "max_guests": t.max_guests,
            "adults_included": t.adults_included,
            "children_included": t.children_included,
            "is_private": t.is_private is not False,
            "units": units.get(t.room_type_id, 0),
        }
        for t in room_types
        if t.room_type_id
    ]
    type_names = {t.room_type_id: t.name for t in room_types}
    room_rows = [
        {
            "property_id": pid,
            "room_id": r.room_id,
            "room_name": cut(r.name, 100),
            "room_number": cut(room_number(r.name), 16),
            "room_type_id": r.room_type_id,
            "room_type_name": cut(r.room_type_name or type_names.get(r.room_type_id or ""), 255),
            "max_guests": r.max_guests,
            "is_private": r.is_private is not False,
            "is_virtual": bool(r.is_virtual),
        }
        for r in rooms
        if r.room_id
    ]
    source_rows = [
        {
            "property_id": pid,
            "source_id": s.source_id,
            "name": cut(s.name, 255),
            "category": cut(s.extra.get("category") if s.extra else None, 64),
            "is_third_party": bool(s.is_third_party),
            "is_active": s.active is not False,
            "commission": money(s.commission, f"source {s.source_id} commission"),
            "payment_collect": cut(s.payment_collect, 16),
        }
        for s in sources
        if s.source_id
    ]

    counts = run.result.entity("catalog")
    with run.engine.begin() as conn:
        if run.apply and run.lease is not None:
            run.lease.renew(conn)
        for table, rows, key in (
            (schema.cloudbed_properties, [prop_row], ("property_id",)),
            (schema.cloudbed_room_types, type_rows, ("property_id", "room_type_id")),
            (schema.cloudbed_rooms, room_rows, ("property_id", "room_id")),
            (schema.cloudbed_sources, source_rows, ("property_id", "source_id")),
        ):
            compare = [c for c in rows[0] if c not in key] if rows else []
            res = write(conn, table, rows, key=key, compare=compare, apply=run.apply)
            counts.created += res.created
            counts.updated += res.updated
            counts.unchanged += res.unchanged
            if res.created:
                run.action("create", "catalog", table.name, f"{res.created} new row(s)")
            if res.updated:
                run.action("update", "catalog", table.name, f"{res.updated} changed row(s)")
        if run.apply:
            Settings(run.engine).set_many({"cloudbed_timezone": zone_name(run.zone)}, conn=conn)
            run.collect = {r["source_id"]: r["payment_collect"] for r in source_rows if r["payment_collect"]}
    run.done += len(type_rows) + len(room_rows) + len(source_rows) + 1
    run.progress(None, "catalogue")
