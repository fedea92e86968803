"""Turn Python values into the exact strings Cloudbeds v1.x expects on the wire.

Cloudbeds takes every parameter as a form or query string (API.md §2): booleans are ``true`` and
``false``, dates ``YYYY-MM-DD``, datetimes ``YYYY-MM-DD HH:MM:SS`` with no zone, lists of ids one
comma-separated string, and nested arrays/objects in form bodies PHP-style bracket keys
(``rates[0][interval][startDate]``). ``None`` means "not sent": Cloudbeds treats an empty string
as a value, so absent fields must be left out entirely.

The rule for lists: a top-level list of scalars is an id list and is comma-joined; a list that
holds mappings (or any list nested inside another structure) is spelled out with bracket indexes.

The zone of the date-time *filters* (``modifiedFrom``, ``resultsFrom`` and their ``...To``) is not
documented (API.md §10.4): the server may read them in the property's zone or in UTC. An aware
lower bound is therefore sent as the earlier of its two wall-clock readings and an upper bound as
the later (``filter_datetime``), so the window holds at least what was asked under either reading;
the extra hours (the property's offset from UTC) come back as rows the sync already holds, and are
recognised as unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any

__all__ = [
    "LOWER_BOUNDS",
    "UPPER_BOUNDS",
    "encode_params",
    "filter_datetime",
    "format_datetime",
    "format_scalar",
]

# Date-time filters whose zone is undocumented (property-local or UTC): see the module docstring.
LOWER_BOUNDS = frozenset({"modifiedFrom", "resultsFrom"})
UPPER_BOUNDS = frozenset({"modifiedTo", "resultsTo"})


def format_datetime(value: datetime, zone: tzinfo | None = None) -> str:
    """``YYYY-MM-DD HH:MM:SS``. An aware value is first converted to ``zone`` (when given).

    Cloudbeds' datetime filters carry no offset; their plain values are property-local (API.md
    §10.4), so the client converts aware datetimes into the property's zone before sending.
    """
    if value.tzinfo is not None and zone is not None:
        value = value.astimezone(zone)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def filter_datetime(value: datetime, zone: tzinfo | None, bound: str) -> str:
    """A date-time filter that holds under both readings of its zone (property-local or UTC).

    Args:
        value: the instant; a naive value is sent as it is.
        zone: the property's zone (None: unknown, so only ``format_datetime``'s conversion applies).
        bound: ``"from"`` sends the earlier wall-clock reading, ``"to"`` the later.
    """
    if value.tzinfo is None or zone is None:
        return format_datetime(value, zone)
    local = value.astimezone(zone).replace(tzinfo=None)
    utc = value.astimezone(UTC).replace(tzinfo=None)
    chosen = min(local, utc) if bound == "from" else max(local, utc)
    return chosen.strftime("%Y-%m-%d %H:%M:%S")


def format_scalar(value: Any, zone: tzinfo | None = None) -> str:
    """One scalar as Cloudbeds wants it (bool before int: ``True`` is an ``int`` in Python)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return format_scalar(value.value, zone)
    if isinstance(value, datetime):
        return format_datetime(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        # repr() keeps 145.5 as "145.5" and never switches to exponent form for prices.
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text or "E" in text else text
    if isinstance(value, (int, str)):
        return str(value)
    raise TypeError(f"cannot encode a {type(value).__name__} as a Cloudbeds parameter")


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple, set, frozenset))


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]], zone: tzinfo | None) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, out, zone)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, out, zone)
    elif isinstance(value, (set, frozenset)):
        raise TypeError(f"{prefix}: use a list, a set has no stable order")
    else:
        out.append((prefix, format_scalar(value, zone)))


def encode_params(params: Mapping[str, Any], zone: tzinfo | None = None) -> list[tuple[str, str]]:
    """Flatten parameters into ordered (key, value) string pairs for a query string or form body.

    Args:
        params: parameter names as Cloudbeds spells them; ``None`` values are dropped.
        zone: the property's time zone, used to express aware datetimes in property-local time
            (date-time filters: see ``filter_datetime``).

    Returns:
        Pairs ready for ``requests`` (``params=`` or ``data=``), which percent-encodes them.
    """
    out: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, datetime) and (name in LOWER_BOUNDS or name in UPPER_BOUNDS):
            out.append((name, filter_datetime(value, zone, "from" if name in LOWER_BOUNDS else "to")))
            continue
        if isinstance(value, (list, tuple, set, frozenset)) and all(_is_scalar(v) for v in value):
            items = sorted(value) if isinstance(value, (set, frozenset)) else value
            parts = [format_scalar(v, zone) for v in items if v is not None]
            if parts:
                out.append((name, ",".join(parts)))
            continue
        _flatten(name, value, out, zone)
    return out
