"""Cloudbeds room blocks mirrored in ``cloudbed_room_block``, for the Front desk grid and the push.

Cloudbeds lists blocks for at most 35 days at a time, so the mirror covers today and the next 34
nights (``WINDOW_DAYS``): read with getRoomBlocks by full syncs, by runs that push, and whenever a
``roomblock/*`` webhook arrives (the webhook is only a hint: the window is read again). One row per
block and room; a block no longer listed in the window is marked ``removed``, never deleted.
Blocks we made for ADF rooms out of order (``origin = adf``) are kept by ``roomblocks_push`` and
only their dates are refreshed here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.types import utcnow
from pms.errors import CloudbedsError

__all__ = ["WINDOW_DAYS", "active_blocks", "pull_room_blocks", "refresh_blocks"]

BLOCKS = schema.cloudbed_room_block
WINDOW_DAYS = 35


def refresh_blocks(engine: sa.Engine, client, property_id: str, today: date) -> tuple[int, str | None]:
    """Read the window's blocks and store them; (blocks seen, None) or (0, why it could not).

    A credential without the ``read:roomblock`` scope (or any failure) leaves the mirror as it was.
    """
    end = today + timedelta(days=WINDOW_DAYS - 1)
    try:
        blocks = client.get_room_blocks(start_date=today, end_date=end, property_id=property_id).all()
    except CloudbedsError as exc:
        return 0, f"room blocks could not be read: {exc}"
    now = utcnow()
    seen: set[tuple[str, str]] = set()
    with engine.begin() as conn:
        existing = {
            (r["room_block_id"], r["cloudbed_room_id"]): dict(r)
            for r in conn.execute(
                sa.select(BLOCKS).where(
                    BLOCKS.c.property_id == property_id, BLOCKS.c.room_block_id.is_not(None)
                )
            ).mappings()
        }
        for block in blocks:
            for room in block.rooms:
                key = (block.room_block_id, room.room_id)
                seen.add(key)
                values: dict[str, Any] = {
                    "cloudbed_room_type_id": room.room_type_id,
                    "block_type": block.block_type,
                    "reason": (block.reason or "")[:255],
                    "start_date": block.start_date,
                    "end_date": block.end_date,
                    "seen_at": now,
                    "updated_at": now,
                }
                row = existing.get(key)
                if row is None:
                    conn.execute(
                        sa.insert(BLOCKS).values(
                            property_id=property_id,
                            room_block_id=block.room_block_id,
                            cloudbed_room_id=room.room_id,
                            origin="cloudbeds",
                            state="active",
                            attempts=0,
                            created_at=now,
                            **values,
                        )
                    )
                else:
                    if row["state"] == "removed" and row["origin"] == "cloudbeds":
                        values["state"] = "active"
                    conn.execute(sa.update(BLOCKS).where(BLOCKS.c.id == row["id"]).values(**values))
        gone = [
            row["id"]
            for key, row in existing.items()
            if key not in seen
            and row["state"] == "active"
            and (row["end_date"] is None or row["end_date"] >= today)
            and (row["start_date"] is None or row["start_date"] <= end)
        ]
        if gone:
            conn.execute(
                sa.update(BLOCKS)
                .where(BLOCKS.c.id.in_(gone))
                .values(state="removed", error="removed in Cloudbeds", updated_at=now)
            )
    return len(blocks), None


def active_blocks(engine: sa.Engine, property_id: str, start: date, end: date) -> list[dict[str, Any]]:
    """The active blocks touching ``start``..``end`` (inclusive), one row per block and room."""
    with reader(engine).connect() as conn:
        rows = conn.execute(
            sa.select(BLOCKS)
            .where(
                BLOCKS.c.property_id == property_id,
                BLOCKS.c.state == "active",
                BLOCKS.c.start_date <= end,
                BLOCKS.c.end_date >= start,
            )
            .order_by(BLOCKS.c.start_date, BLOCKS.c.id)
        ).mappings()
        return [dict(r) for r in rows]


def pull_room_blocks(run) -> None:
    """A full sync's part: refresh the mirror when the database has a front desk to show it on."""
    if not run.apply:
        return
    from pms.adf.introspect import describe

    with reader(run.engine).connect() as conn:
        if not describe(conn).found:
            return
    _, why = refresh_blocks(run.engine, run.client, run.property_id, run.today)
    if why:
        run.warn("room_blocks", "", why)
