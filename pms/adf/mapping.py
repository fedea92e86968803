"""Mappings between Cloudbeds and the hotel's front desk: read, suggest, check and store them.

Room types are stored in the seed's ``cloudbed_room_mapping`` (ADF ``type_name`` ⇄ Cloudbeds room
type), rooms and sources in ``cloudbed_adf_mapping``. Every value stored is checked against what
the hotel's database really holds (a room number that exists, a source word its column accepts),
so a typing mistake is refused with the choices instead of silently never matching.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from pms.adf.catalog import AdfCatalog, read_catalog
from pms.adf.suggest import MappingSuggestion, suggest_room_types, suggest_rooms, suggest_sources
from pms.db import schema, tables_adf
from pms.db.engine import reader
from pms.db.upsert import upsert_rows
from pms.errors import PMSError
from pms.sync.mapping_data import save_mapping

__all__ = ["KINDS", "MappingError", "MappingView", "accept_suggestions", "load_view", "set_mapping"]

KINDS = ("room-type", "room", "source")
MAP = tables_adf.cloudbed_adf_mapping
TYPEMAP = schema.cloudbed_room_mapping


class MappingError(PMSError):
    """A mapping that cannot be stored as given (the message lists what can)."""


@dataclass
class MappingView:
    """Every Cloudbeds room type, room and source with its ADF side (None: unmapped) and the
    suggestions for the unmapped ones; ``issues`` are conflicts a person should settle."""

    catalog: AdfCatalog
    room_types: list[dict] = field(default_factory=list)
    rooms: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    suggestions: list[MappingSuggestion] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "front_desk": self.catalog.found,
            "room_types": self.room_types,
            "rooms": self.rooms,
            "sources": self.sources,
            "suggestions": [s.__dict__ for s in self.suggestions],
            "issues": self.issues,
        }


def load_view(engine: sa.Engine, property_id: str) -> MappingView:
    """The mappings as they stand, with suggestions and conflicts (read only)."""
    catalog = read_catalog(engine)
    view = MappingView(catalog)
    with reader(engine).connect() as conn:
        cb_types = [
            dict(r)
            for r in conn.execute(
                sa.select(schema.cloudbed_room_types)
                .where(schema.cloudbed_room_types.c.property_id == property_id)
                .order_by(schema.cloudbed_room_types.c.name)
            ).mappings()
        ]
        cb_rooms = [
            dict(r)
            for r in conn.execute(
                sa.select(schema.cloudbed_rooms)
                .where(schema.cloudbed_rooms.c.property_id == property_id)
                .order_by(schema.cloudbed_rooms.c.room_name)
            ).mappings()
        ]
        cb_sources = [
            dict(r)
            for r in conn.execute(
                sa.select(schema.cloudbed_sources)
                .where(schema.cloudbed_sources.c.property_id == property_id)
                .order_by(schema.cloudbed_sources.c.name)
            ).mappings()
        ]
        type_map: dict[str, str] = {}
        for row in conn.execute(
            sa.select(TYPEMAP.c.cloudbed_room_type_id, TYPEMAP.c.adf_room_type)
            .where(
                TYPEMAP.c.property_id == property_id,
                TYPEMAP.c.is_active.is_(True),
                TYPEMAP.c.cloudbed_room_type_id.is_not(None),
            )
            .order_by(TYPEMAP.c.id)
        ):
            type_map.setdefault(row.cloudbed_room_type_id, row.adf_room_type)
        stored = {
            (r["kind"], r["cloudbed_id"]): r
            for r in conn.execute(sa.select(MAP).where(MAP.c.property_id == property_id)).mappings()
        }
    type_ids = {name: tid for tid, name, _ in catalog.room_types}
    counts = {name: n for _, name, n in catalog.room_types}
    for t in cb_types:
        adf = type_map.get(t["room_type_id"])
        view.room_types.append(
            {
                "cloudbed_id": t["room_type_id"],
                "cloudbed_name": t["name"],
                "adf_value": adf,
                "units": t.get("units"),
            }
        )
    room_map = {cb: r["adf_value"] for (kind, cb), r in stored.items() if kind == "room" and r["adf_value"]}
    for r in cb_rooms:
        view.rooms.append(
            {
                "cloudbed_id": r["room_id"],
                "cloudbed_name": r["room_name"],
                "room_type": r.get("room_type_name"),
                "adf_value": room_map.get(r["room_id"]),
            }
        )
    source_map = {cb: r for (kind, cb), r in stored.items() if kind == "source" and r["adf_value"]}
    for s in cb_sources:
        row = source_map.get(s["source_id"])
        view.sources.append(
            {
                "cloudbed_id": s["source_id"],
                "cloudbed_name": s["name"],
                "collect": s.get("payment_collect"),
                "adf_value": row["adf_value"] if row else None,
                "adf_detail": row["adf_detail"] if row else None,
            }
        )
    if not catalog.found:
        return view
    type_suggestions = suggest_room_types(cb_types, counts, mapped=type_map)
    effective = {cb: type_ids[name] for cb, name in type_map.items() if name in type_ids}
    effective.update(
        {s.cloudbed_id: type_ids[s.adf_value] for s in type_suggestions if s.adf_value in type_ids}
    )
    adf_rooms = [{"id": rid, "room_number": n, "room_type_id": tid} for rid, n, tid, _ in catalog.rooms]
    view.suggestions = (
        type_suggestions
        + suggest_rooms(cb_rooms, adf_rooms, type_mapping=effective, mapped=room_map)
        + suggest_sources(cb_sources, mapped={cb: r["adf_value"] for cb, r in source_map.items()})
    )
    view.issues = _issues(view, catalog, type_map, room_map, effective)
    return view


def _issues(view: MappingView, catalog: AdfCatalog, type_map, room_map, effective) -> list[str]:
    issues = [
        f"{s.kind.replace('_', ' ')} {s.cloudbed_name or s.cloudbed_id}: {s.conflict}"
        for s in view.suggestions
        if s.conflict
    ]
    for number, n in Counter(room_map.values()).items():
        if n > 1:
            holders = sorted(cb for cb, v in room_map.items() if v == number)
            issues.append(
                f"ADF room {number} is mapped from {n} Cloudbeds rooms ({', '.join(holders)}): "
                "their bookings would share one room"
            )
    by_number = {number: tid for _, number, tid, _ in catalog.rooms}
    types_of = {
        r["cloudbed_id"]: t
        for r in view.rooms
        for t in [
            next((x["cloudbed_id"] for x in view.room_types if x["cloudbed_name"] == r["room_type"]), None)
        ]
    }
    names = {tid: name for tid, name, _ in catalog.room_types}
    for cb, number in room_map.items():
        wanted = effective.get(types_of.get(cb) or "")
        if wanted is not None and number in by_number and by_number[number] != wanted:
            issues.append(
                f"Cloudbeds room {cb} is mapped to ADF room {number} ({names.get(by_number[number])}), "
                f"but its room type maps to {names.get(wanted)}"
            )
    missing = [name for name in type_map.values() if name not in catalog.type_names]
    for name in missing:
        issues.append(f"ADF room type {name!r} is mapped but ADF has no room type of that name")
    return issues


def _check(catalog: AdfCatalog, kind: str, value: str | None, detail: str | None) -> None:
    if value is None:
        return
    choices = {
        "room-type": catalog.type_names,
        "room": catalog.room_numbers,
        "source": list(catalog.sources),
    }[kind]
    free = kind == "source" and not catalog.sources_fixed  # a VARCHAR column takes the hotel's own words
    if catalog.found and value not in choices and not free:
        raise MappingError(
            f"{value!r} is not an ADF {kind.replace('-', ' ')} here; choose one of: "
            f"{', '.join(choices[:40])}{' …' if len(choices) > 40 else ''}"
        )
    if kind == "source" and detail and catalog.found and not catalog.has_detail:
        raise MappingError(
            "this ADF database has no ota_source_detail column; map the source without a detail"
        )


def set_mapping(
    engine: sa.Engine,
    property_id: str,
    kind: str,
    cloudbed_id: str,
    adf_value: str | None,
    detail: str | None = None,
    *,
    catalog: AdfCatalog | None = None,
) -> None:
    """Store one mapping (``adf_value`` None removes it), checked against the hotel's catalogue."""
    if kind not in KINDS:
        raise MappingError(f"unknown mapping kind {kind!r}: use {', '.join(KINDS)}")
    cloudbed_id = str(cloudbed_id).strip()
    if not cloudbed_id:
        raise MappingError("the Cloudbeds id is empty")
    value = (adf_value or "").strip() or None
    catalog = catalog or read_catalog(engine)
    _check(catalog, kind, value, detail)
    if kind == "room-type":
        with engine.begin() as conn:  # one ADF type per Cloudbeds type: the old name is let go
            conn.execute(
                sa.update(TYPEMAP)
                .where(
                    TYPEMAP.c.property_id == property_id,
                    TYPEMAP.c.cloudbed_room_type_id == cloudbed_id,
                    TYPEMAP.c.adf_room_type != (value or ""),
                )
                .values(cloudbed_room_type_id=None, is_active=False)
            )
        if value is not None:
            save_mapping(engine, property_id, value, cloudbed_id)
        return
    names = {"room": schema.cloudbed_rooms, "source": schema.cloudbed_sources}
    table = names[kind]
    id_col = table.c.room_id if kind == "room" else table.c.source_id
    name_col = table.c.room_name if kind == "room" else table.c.name
    with engine.begin() as conn:
        name = conn.execute(
            sa.select(name_col).where(table.c.property_id == property_id, id_col == cloudbed_id)
        ).scalar()
        upsert_rows(
            conn,
            MAP,
            [
                {
                    "property_id": property_id,
                    "kind": kind,
                    "cloudbed_id": cloudbed_id,
                    "cloudbed_name": name,
                    "adf_value": value,
                    "adf_detail": (detail or None) if kind == "source" else None,
                }
            ],
            key=("property_id", "kind", "cloudbed_id"),
        )


def accept_suggestions(engine: sa.Engine, property_id: str, view: MappingView | None = None) -> int:
    """Store every suggestion without a conflict (and with an ADF side); returns how many."""
    view = view or load_view(engine, property_id)
    stored = 0
    for s in view.suggestions:
        if s.conflict or not s.adf_value:
            continue
        kind = {"room_type": "room-type"}.get(s.kind, s.kind)
        detail = s.adf_detail if view.catalog.has_detail else None
        set_mapping(engine, property_id, kind, s.cloudbed_id, s.adf_value, detail, catalog=view.catalog)
        stored += 1
    return stored
