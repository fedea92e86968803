"""Column types shared by every table, chosen once so SQLite and MySQL/MariaDB agree.

- ``UTCDateTime``: Cloudbeds hands out property-local and UTC timestamps side by side (API.md §10.4);
  mixing them up shifts a Jakarta booking by seven hours. The database only ever holds naive UTC;
  this type converts aware datetimes on the way in, refuses naive ones (their zone is unknown), and
  returns aware UTC datetimes on the way out.
- ``Money``: DECIMAL, never float. Rupiah totals run into the millions and must compare exactly.
- ``CloudbedsId``: ids are strings and outgrew 32-bit integers (domain rule 2).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.types import TypeDecorator

__all__ = ["CloudbedsId", "Money", "PropertyId", "UTCDateTime", "utcnow"]


def utcnow() -> datetime:
    """Aware 'now' in UTC, at second precision (MySQL DATETIME has no fraction by default)."""
    return datetime.now(UTC).replace(microsecond=0)


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
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # SQLite returns text for raw SQL results
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


def Money() -> Numeric:
    """DECIMAL(16,2): enough for Rupiah totals of a large group booking."""
    return Numeric(16, 2, asdecimal=True)


def CloudbedsId() -> String:
    """A Cloudbeds identifier (reservation, guest, room type, rate ...), always a string."""
    return String(64)


def PropertyId() -> String:
    """A Cloudbeds property id; every Cloudbeds-derived row carries one."""
    return String(32)
