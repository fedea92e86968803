"""The hotel's own catalogue as ADF holds it: room types, rooms and booking-source words.

The Room mapping page and ``python -m pms mapping`` offer these as the ADF side of every mapping,
read from the database rather than typed: ``room_types.type_name``, ``rooms.room_number``, and
the values ``bookings.booking_source`` (and ``ota_source_detail``) may take: the ENUM's values
where the column is an ENUM, else the words already in use plus ADF's documented ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from pms.adf.introspect import FrontDesk, describe, reflect_tables
from pms.adf.suggest import OTA_DETAILS
from pms.db.engine import reader

__all__ = ["DOCUMENTED_SOURCES", "AdfCatalog", "read_catalog"]

DOCUMENTED_SOURCES = ("walk_in", "phone", "online", "ota")


@dataclass(frozen=True)
class AdfCatalog:
    """What the hotel's front desk offers to map onto (empty when there is no front desk)."""

    found: bool
    room_types: tuple[tuple[int, str, int], ...] = ()  # (id, type_name, rooms of this type)
    rooms: tuple[tuple[int, str, int | None, str | None], ...] = ()  # (id, room_number, type id, type name)
    sources: tuple[str, ...] = ()
    source_details: tuple[str, ...] = ()  # empty: the hotel has no ota_source_detail column
    has_detail: bool = False
    sources_fixed: bool = False  # booking_source is an ENUM: only its values are accepted
    desk: FrontDesk | None = field(default=None, compare=False)

    @property
    def type_names(self) -> list[str]:
        return [name for _, name, _ in self.room_types]

    @property
    def room_numbers(self) -> list[str]:
        return [number for _, number, _, _ in self.rooms]


def read_catalog(engine: sa.Engine) -> AdfCatalog:
    """Read the hotel's room types, rooms and source words (read only)."""
    with reader(engine).connect() as conn:
        desk = describe(conn)
        if not desk.found:
            return AdfCatalog(found=False, desk=desk)
        tables = reflect_tables(conn, desk)
        types, rooms, bookings = tables["room_types"], tables["rooms"], tables["bookings"]
        counts = dict(
            conn.execute(
                sa.select(rooms.c.room_type_id, sa.func.count()).group_by(rooms.c.room_type_id)
            ).all()
        )
        type_rows = conn.execute(sa.select(types.c.id, types.c.type_name).order_by(types.c.type_name)).all()
        names = {tid: str(name) for tid, name in type_rows}
        room_rows = conn.execute(
            sa.select(rooms.c.id, rooms.c.room_number, rooms.c.room_type_id).order_by(rooms.c.room_number)
        ).all()
        source_col = desk.table("bookings").col("booking_source")
        if source_col is not None and source_col.choices:
            sources = tuple(source_col.choices)
        else:
            used = {str(v) for (v,) in conn.execute(sa.select(bookings.c.booking_source).distinct()) if v}
            sources = tuple(dict.fromkeys([*DOCUMENTED_SOURCES, *sorted(used)]))
        has_detail = desk.has("bookings", "ota_source_detail")
        details: tuple[str, ...] = ()
        if has_detail:
            used = {str(v) for (v,) in conn.execute(sa.select(bookings.c.ota_source_detail).distinct()) if v}
            details = tuple(dict.fromkeys([d for _, d in OTA_DETAILS] + sorted(used)))
    return AdfCatalog(
        found=True,
        room_types=tuple((tid, name, int(counts.get(tid, 0))) for tid, name in names.items()),
        rooms=tuple((rid, str(number), tid, names.get(tid)) for rid, number, tid in room_rows),
        sources=sources,
        source_details=details,
        has_detail=has_detail,
        sources_fixed=bool(source_col is not None and source_col.choices),
        desk=desk,
    )
