"""The rows the Room mapping page needs, read in one place (``mapping`` stays pure).

Also ``save_mapping`` (one ADF type ⇄ one Cloudbeds type) and ``apply_mapping`` (fill
``reservasi_room.adf_room_type`` for rooms booked before their type was mapped), so a page that
edits the mapping has one call for each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.upsert import upsert_rows

__all__ = ["MappingInputs", "apply_mapping", "load_mapping_inputs", "relabel_rooms", "save_mapping"]

_MAP = schema.cloudbed_room_mapping
_TYPES = schema.cloudbed_room_types
_ROOMS = schema.reservasi_room


@dataclass
class MappingInputs:
    mappings: list[dict] = field(default_factory=list)
    cloudbed_types: list[dict] = field(default_factory=list)
    adf_types: list[str] = field(default_factory=list)
    reservation_counts: dict[str, int] = field(default_factory=dict)


def load_mapping_inputs(engine: sa.Engine, property_id: str) -> MappingInputs:
    """Mappings, the Cloudbeds room types, the ADF types known here, and booked rooms per type."""
    with reader(engine).connect() as conn:
        mappings = [
            dict(r)
            for r in conn.execute(
                sa.select(_MAP).where(_MAP.c.property_id == property_id).order_by(_MAP.c.adf_room_type)
            ).mappings()
        ]
        types = [
            dict(r)
            for r in conn.execute(
                sa.select(_TYPES).where(_TYPES.c.property_id == property_id).order_by(_TYPES.c.name)
            ).mappings()
        ]
        counts = {
            r[0]: int(r[1])
            for r in conn.execute(
                sa.select(_ROOMS.c.cloudbed_room_type_id, sa.func.count())
                .where(_ROOMS.c.property_id == property_id, _ROOMS.c.is_deleted.is_(False))
                .group_by(_ROOMS.c.cloudbed_room_type_id)
            )
            if r[0]
        }
        adf = sorted(
            {m["adf_room_type"] for m in mappings}
            | {
                r[0]
                for r in conn.execute(
                    sa.select(_ROOMS.c.adf_room_type)
                    .where(_ROOMS.c.property_id == property_id, _ROOMS.c.adf_room_type.is_not(None))
                    .distinct()
                )
            }
        )
    return MappingInputs(mappings, types, adf, counts)


def save_mapping(
    engine: sa.Engine,
    property_id: str,
    adf_room_type: str,
    cloudbed_room_type_id: str | None,
    *,
    notes: str | None = None,
) -> None:
    """Map (or, with None, unmap) one ADF room type, and re-label its booked rooms."""
    adf = (adf_room_type or "").strip()[:100]
    if not adf:
        raise ValueError("the ADF room type name is empty")
    with engine.begin() as conn:
        name = None
        if cloudbed_room_type_id:
            name = conn.execute(
                sa.select(_TYPES.c.name).where(
                    _TYPES.c.property_id == property_id, _TYPES.c.room_type_id == cloudbed_room_type_id
                )
            ).scalar()
        upsert_rows(
            conn,
            _MAP,
            [
                {
                    "property_id": property_id,
                    "adf_room_type": adf,
                    "cloudbed_room_type_id": cloudbed_room_type_id,
                    "cloudbed_room_type_name": name,
                    "is_active": cloudbed_room_type_id is not None,
                    "notes": (notes or None) and notes[:255],
                }
            ],
            key=("property_id", "adf_room_type"),
        )
        relabel_rooms(conn, property_id)


def relabel_rooms(conn: sa.Connection, property_id: str) -> int:
    """Give every booked room the ADF type its Cloudbeds type maps to (in the caller's transaction)."""
    mapping: dict[str, str] = {}
    for row in conn.execute(
        sa.select(_MAP.c.cloudbed_room_type_id, _MAP.c.adf_room_type)
        .where(
            _MAP.c.property_id == property_id,
            _MAP.c.is_active.is_(True),
            _MAP.c.cloudbed_room_type_id.is_not(None),
        )
        .order_by(_MAP.c.id)
    ):
        mapping.setdefault(row.cloudbed_room_type_id, row.adf_room_type)
    changed = 0
    for type_id, adf in mapping.items():
        changed += conn.execute(
            sa.update(_ROOMS)
            .where(
                _ROOMS.c.property_id == property_id,
                _ROOMS.c.cloudbed_room_type_id == type_id,
                sa.or_(_ROOMS.c.adf_room_type.is_(None), _ROOMS.c.adf_room_type != adf),
            )
            .values(adf_room_type=adf)
        ).rowcount
    return changed


def apply_mapping(engine: sa.Engine, property_id: str) -> int:
    """Give every booked room the ADF type its Cloudbeds type now maps to; returns rooms changed."""
    with engine.begin() as conn:
        return relabel_rooms(conn, property_id)
