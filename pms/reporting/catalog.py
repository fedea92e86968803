"""The Cloudbeds catalogue cache as pickers need it: room types, sources, mapped ADF room types."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.reporting.paging import frame

__all__ = ["room_mappings", "room_types", "sources"]


def room_types(engine: sa.Engine, property_id: str) -> pd.DataFrame:
    """``room_type_id, name, short_name, max_guests, units`` of the property, by name."""
    t = schema.cloudbed_room_types
    query = (
        sa.select(t.c.room_type_id, t.c.name, t.c.short_name, t.c.max_guests, t.c.units)
        .where(t.c.property_id == property_id)
        .order_by(t.c.name)
    )
    with reader(engine).connect() as conn:
        return frame(conn.execute(query))


def sources(engine: sa.Engine, property_id: str) -> pd.DataFrame:
    """Active booking sources: ``source_id, name, category, is_third_party, payment_collect``."""
    t = schema.cloudbed_sources
    query = (
        sa.select(t.c.source_id, t.c.name, t.c.category, t.c.is_third_party, t.c.payment_collect)
        .where(t.c.property_id == property_id, t.c.is_active.is_(True))
        .order_by(t.c.is_third_party, t.c.name)
    )
    with reader(engine).connect() as conn:
        return frame(conn.execute(query))


def room_mappings(engine: sa.Engine, property_id: str) -> pd.DataFrame:
    """``adf_room_type, cloudbed_room_type_id, cloudbed_room_type_name, is_active, notes`` by ADF type."""
    t = schema.cloudbed_room_mapping
    query = (
        sa.select(
            t.c.adf_room_type,
            t.c.cloudbed_room_type_id,
            t.c.cloudbed_room_type_name,
            t.c.is_active,
            t.c.notes,
        )
        .where(t.c.property_id == property_id)
        .order_by(t.c.adf_room_type)
    )
    with reader(engine).connect() as conn:
        return frame(conn.execute(query))
