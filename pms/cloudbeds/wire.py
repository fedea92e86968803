"""Read single Cloudbeds wire values defensively, reporting what could not be read.

Cloudbeds sends the same concept in several shapes (API.md §10): numbers as strings, ids as ints
or strings, dates inside datetimes, ``"0000-00-00"`` for "no date", ``[]`` for an empty map,
booleans as ``true``/``"1"``/``1``. A ``Reader`` turns each value into its Python type or ``None``
and reports a value it could not read through a warning callback instead of raising, because one
odd field must never stop a sync of thousands of bookings.

``Fields`` wraps one wire object: it hands out values by name (trying spelling variants in order)
and remembers which keys were used, so whatever is left over is kept in the record's ``extra``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["Fields", "Reader", "Warn"]

Warn = Callable[[str], None]
_ZERO_DATE = re.compile(r"^0000-00-00")
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off", ""}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Reader:
    """Converters for wire values.

    Args:
        zone: the property's time zone, used for timestamps Cloudbeds sends in property-local
            time. ``None`` means unknown: such values are read as UTC and a warning says so.
        warn: receives a short message for every value that could not be read.
    """

    def __init__(self, zone: tzinfo | None = None, warn: Warn | None = None) -> None:
        self.zone = zone
        self._warn = warn or (lambda message: None)
        self._zone_warned = False

    def warn(self, message: str) -> None:
        self._warn(message)

    def text(self, value: Any) -> str | None:
        if _blank(value):
            return None
        if isinstance(value, (dict, list)):
            return None
        return str(value)

    def id(self, value: Any) -> str | None:
        """Ids stay strings (never ints: they outgrew 32 bits); ``12.0`` is not an id form we see."""
        if _blank(value) or isinstance(value, (bool, dict, list)):
            return None
        return str(value).strip()

    def integer(self, value: Any, what: str = "number") -> int | None:
        if _blank(value):
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            number = Decimal(str(value).strip())
            if number == number.to_integral_value():
                return int(number)
        except (InvalidOperation, ValueError):
            pass
        self._warn(f"{what}: {value!r} is not a whole number")
        return None

    def decimal(self, value: Any, what: str = "amount") -> Decimal | None:
        """Money and rates: ``Decimal(str(x))`` so 0.1 stays 0.1 (API.md §10.1)."""
        if _blank(value) or isinstance(value, bool):
            return None
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            self._warn(f"{what}: {value!r} is not a number")
            return None
        if not number.is_finite():
            self._warn(f"{what}: {value!r} is not a number")
            return None
        return number

    def boolean(self, value: Any, what: str = "flag") -> bool | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        self._warn(f"{what}: {value!r} is not true/false")
        return None

    def day(self, value: Any, what: str = "date") -> date | None:
        """A date; a datetime's date part is accepted, ``0000-00-00`` and ``""`` mean None."""
        if _blank(value) or (isinstance(value, str) and _ZERO_DATE.match(value.strip())):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            self._warn(f"{what}: {value!r} is not a date")
            return None

    def time_of_day(self, value: Any, what: str = "time") -> time | None:
        if _blank(value):
            return None
        try:
            return time.fromisoformat(str(value).strip())
        except ValueError:
            self._warn(f"{what}: {value!r} is not a time of day")
            return None

    def _parse_datetime(self, value: Any, what: str) -> datetime | None:
        if _blank(value) or (isinstance(value, str) and _ZERO_DATE.match(value.strip())):
            return None
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            return datetime.fromisoformat(text)  # accepts "YYYY-MM-DD HH:MM:SS" and the T form
        except ValueError:
            self._warn(f"{what}: {value!r} is not a date and time")
            return None

    def utc(self, value: Any, what: str = "timestamp") -> datetime | None:
        """A timestamp Cloudbeds sends in UTC (the ``*UTC`` twins), as an aware UTC datetime."""
        parsed = self._parse_datetime(value, what)
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)

    def local(self, value: Any, what: str = "timestamp") -> datetime | None:
        """A timestamp in property-local time (plain ``dateCreated``/``dateModified``), as UTC."""
        parsed = self._parse_datetime(value, what)
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            if self.zone is None:
                if not self._zone_warned:
                    self._zone_warned = True
                    self._warn(
                        "property time zone unknown: property-local timestamps were read as UTC "
                        "(call get_hotels() or pass property_timezone= to the client)"
                    )
                parsed = parsed.replace(tzinfo=UTC)
            else:
                # fold=0: in an ambiguous DST hour the earlier instant is taken.
                parsed = parsed.replace(tzinfo=self.zone)
        return parsed.astimezone(UTC)

    def items(self, value: Any) -> list[Any]:
        """A list from a list, the values of a map keyed by id, or nothing (``[]``/``{}``/null)."""
        if isinstance(value, list):
            return value
        if isinstance(value, Mapping):
            return list(value.values())
        return []

    def mapping(self, value: Any) -> dict[str, Any]:
        """A map; PHP serialises an empty map as ``[]``, which is read as ``{}``."""
        if isinstance(value, Mapping):
            return dict(value)
        if value not in (None, [], ""):
            self._warn(f"expected a map, got {type(value).__name__}")
        return {}

    def date_amounts(self, value: Any, what: str = "rates") -> dict[date, Decimal]:
        """``{"2026-12-20": 140, ...}`` or ``[{"date": ..., "rate": ...}]`` as {date: Decimal}."""
        out: dict[date, Decimal] = {}
        if isinstance(value, Mapping):
            pairs = list(value.items())
        elif isinstance(value, list):
            pairs = [(row.get("date"), row.get("rate")) for row in value if isinstance(row, Mapping)]
        else:
            pairs = []
        for key, amount in pairs:
            day = self.day(key, what)
            number = self.decimal(amount, f"{what} {key}")
            if day is not None and number is not None:
                out[day] = number
        return out

    def enum(self, value: Any, known: frozenset[str], what: str) -> str | None:
        """Keep any status as sent; report values outside ``known`` (never crash on them)."""
        text = self.text(value)
        if text is not None and text not in known:
            self._warn(f"unknown {what} {text!r} kept as-is")
        return text


class Fields:
    """One wire object, read field by field; unread keys become the record's ``extra``."""

    def __init__(self, raw: Any) -> None:
        self.raw: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {}
        self._used: set[str] = set()

    def get(self, *names: str, default: Any = None) -> Any:
        """The first present (non-null) value among spelling variants; all variants count as read."""
        found = default
        hit = False
        for name in names:
            self._used.add(name)
            if not hit and self.raw.get(name) is not None:
                found = self.raw[name]
                hit = True
        return found

    def has(self, name: str) -> bool:
        return name in self.raw

    def rest(self) -> dict[str, Any]:
        """Every key that no ``get`` asked for, exactly as received."""
        return {k: v for k, v in self.raw.items() if k not in self._used}
