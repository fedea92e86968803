"""What every table shares: the one ``MetaData`` and the column groups used again and again.

Kept apart from the table modules so ``tables_bookings``, ``tables_catalog`` and ``tables_ops`` can
all build on it; ``pms.db.schema`` is the one place the rest of the project imports tables from.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Text

from pms.db.types import UTCDateTime, utcnow

__all__ = ["MYSQL", "bool_column", "metadata", "sync_columns", "timestamps"]

metadata = MetaData()

MYSQL = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def bool_column(name: str, default: bool = False, **kw) -> Column:
    return Column(name, Boolean(create_constraint=False), nullable=False, default=default, **kw)


def timestamps() -> list[Column]:
    return [
        Column("created_at", UTCDateTime, nullable=False, default=utcnow),
        Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    ]


def sync_columns() -> list[Column]:
    """Columns that track a row's journey between the two systems."""
    return [
        Column("origin", String(16), nullable=False, default="cloudbeds"),
        Column("sync_status", String(16), nullable=False, default="synced"),
        Column("sync_error", Text),
        Column("sync_attempts", Integer, nullable=False, default=0),
        Column("last_sync_at", UTCDateTime),
        # When the hotel side last changed the row; push only sends rows changed after push was
        # switched on (domain rule 14) and drops edits that kept failing (rule 17).
        Column("local_modified_at", UTCDateTime),
    ]
