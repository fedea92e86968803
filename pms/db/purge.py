"""Removing a demo property's rows when real credentials arrive.

Demo mode writes the sandbox's demo property into the same database as a real one would be; the
property is flagged ``is_demo`` in ``cloudbed_properties``. Saving real credentials calls
``purge_demo_data`` so demo bookings never mix with the hotel's own, and a real property's
history can never be purged by accident (only flagged properties are). Tables demo mode created
itself (its ADF-shaped front desk, listed in the property's ``demo:tables`` mark) are dropped with
its rows; a hotel's own tables are never in that list.
"""

from __future__ import annotations

import sqlalchemy as sa

from pms.db import schema

__all__ = ["purge_demo_data"]

# Tables whose rows belong to one property; children before parents (foreign keys).
_PROPERTY_TABLES = (
    schema.cloudbed_booking_link,
    schema.cloudbed_adf_mapping,
    schema.reservasi_room,
    schema.reservasi,
    schema.guest,
    schema.cloudbed_room_mapping,
    schema.cloudbed_room_types,
    schema.cloudbed_rooms,
    schema.cloudbed_sources,
    schema.cloudbed_rate_sync,
    schema.cloudbed_availability,
    schema.cloudbed_api_log,
    schema.cloudbed_sync_log,
    schema.cloudbed_sync_state,
    schema.cloudbed_webhook_events,
    schema.cloudbed_outbound_log,
    schema.cloudbed_alerts,
    schema.cloudbed_properties,
)


def purge_demo_data(engine: sa.Engine, property_id: str | None = None) -> dict[str, int]:
    """Delete every row of the demo property (or of ``property_id``) in one transaction.

    Only a property flagged ``is_demo`` is purged when no id is given, so a real property's
    history can never be removed by accident.

    Returns:
        Deleted row counts per table (tables with nothing to delete are left out).
    """
    props = schema.cloudbed_properties
    with engine.begin() as conn:
        if property_id is None:
            ids = [
                r[0] for r in conn.execute(sa.select(props.c.property_id).where(props.c.is_demo.is_(True)))
            ]
        else:
            flagged = conn.execute(
                sa.select(props.c.is_demo).where(props.c.property_id == property_id)
            ).scalar_one_or_none()
            if flagged is not True:
                raise ValueError(f"property {property_id} is not a demo property; refusing to purge it")
            ids = [property_id]
        made = _demo_tables(conn, ids)
        deleted: dict[str, int] = {}
        for table in _PROPERTY_TABLES:
            if not ids:
                break
            count = conn.execute(sa.delete(table).where(table.c.property_id.in_(ids))).rowcount
            if count:
                deleted[table.name] = count
    if made:  # DDL after the rows' transaction (MySQL would commit it half-way otherwise)
        with engine.begin() as conn:
            present = set(sa.inspect(conn).get_table_names())
            quote = conn.dialect.identifier_preparer.quote
            for name in made:
                if name in present and name not in schema.metadata.tables:
                    conn.exec_driver_sql(f"DROP TABLE {quote(name)}")
                    deleted[name] = -1  # the table itself
    return deleted


_DEMO_TABLES = "demo:tables"


def _demo_tables(conn: sa.Connection, ids: list[str]) -> list[str]:
    """Tables the demo properties created (children first), from their ``demo:tables`` marks."""
    if not ids:
        return []
    state = schema.cloudbed_sync_state
    notes = conn.execute(
        sa.select(state.c.cursor_value).where(state.c.property_id.in_(ids), state.c.name == _DEMO_TABLES)
    ).scalars()
    return [name for note in notes if note for name in note.split(",") if name]
