"""Column types shared by every table, chosen once so SQLite and MySQL/MariaDB agree.

- ``UTCDateTime``: Cloudbeds hands out property-local and UTC timestamps side by side (API.md §10.4);
  mixing them up shifts a Jakarta booking by seven hours. The database only ever holds naive UTC;
  this type converts aware datetimes on the way in, refuses naive ones (their zone is unknown), and
  returns aware UTC datetimes on the way out.
- ``Money``: DECIMAL, never float. Rupiah totals run into the millions and must compare exactly.
- ``CloudbedsId``: ids are strings and outgrew 32-bit integers (DOMAIN rule 2).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.types import TypeDecorator

__all__ = ["UTCDateTime", "Money", "CloudbedsId", "PropertyId", "utcnow"]


def utcnow() -> datetime:
    """Aware 'now' in UTC, at second precision (MySQL DATETIME has no fraction by default)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


class UTCDateTime(TypeDecorator):
    """A DATETIME column that stores naive UTC and returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # SQLite returns text for raw SQL results
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


def Money() -> Numeric:  # noqa: N802 - reads like a type in table definitions
    """DECIMAL(16,2): enough for Rupiah totals of a large group booking."""
    return Numeric(16, 2, asdecimal=True)


def CloudbedsId() -> String:  # noqa: N802
    """A Cloudbeds identifier (reservation, guest, room type, rate ...), always a string."""
    return String(64)


def PropertyId() -> String:  # noqa: N802
    """A Cloudbeds property id; every Cloudbeds-derived row carries one."""
    return String(32)
