"""Request parameters as Cloudbeds reads them: query strings, form bodies and PHP bracket keys.

Cloudbeds is a PHP service, so nested form fields arrive as ``rates[0][interval][startDate]=...``
and booleans as ``true``/``false`` (we also accept ``1``/``0``, as API.md asks). Everything that is
wrong with a parameter raises ``ParamError``, which the dispatcher turns into HTTP 400
``success:false`` naming the parameter, so a client author sees at once what to fix.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["ParamError", "Params", "nest_brackets", "parse_form"]

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class ParamError(ValueError):
    """A missing or malformed request parameter (HTTP 400)."""


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """Decode an ``application/x-www-form-urlencoded`` body (brackets raw or percent-encoded)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParamError("The request body is not valid UTF-8") from exc
    return parse_qsl(text, keep_blank_values=True)


def nest_brackets(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Turn PHP-style keys into nested dicts and lists.

    ``rates[0][interval][startDate]=x`` becomes ``{"rates": [{"interval": {"startDate": "x"}}]}``.
    A container whose keys are all integers becomes a list ordered by index; ``a[]=1&a[]=2`` appends.
    Later plain keys overwrite earlier ones, like PHP.
    """
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        match = _KEY.match(raw_key)
        if not match:
            root[raw_key] = value
            continue
        name, rest = match.group(1), match.group(2)
        parts = _PART.findall(rest)
        if not parts:
            root[name] = value
            continue
        node = root.setdefault(name, {})
        if not isinstance(node, dict):
            raise ParamError(f"Parameter {name} is sent both as a value and as a list")
        path = parts
        for i, part in enumerate(path):
            last = i == len(path) - 1
            # An empty bracket pair (``rooms[][roomTypeID]``) appends: the next free index.
            key = part if part != "" else str(sum(1 for k in node if k.isdigit()))
            if last:
                node[key] = value
            else:
                child = node.setdefault(key, {})
                if not isinstance(child, dict):
                    raise ParamError(f"Parameter {raw_key} conflicts with an earlier value")
                node = child
    return {k: _listify(v) for k, v in root.items()}


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def parse_bool(value: Any, name: str) -> bool:
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ParamError(f"Parameter {name} must be true or false, got {value!r}")


def parse_date(value: Any, name: str) -> date:
    """``YYYY-MM-DD``; a datetime's time part is ignored (some fields are typed one way, sent the other)."""
    text = str(value).strip()
    if len(text) > 10 and text[10] not in " T":
        raise ParamError(f"Parameter {name} must be a date (YYYY-MM-DD), got {value!r}")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ParamError(f"Parameter {name} must be a date (YYYY-MM-DD), got {value!r}") from None


def parse_datetime(value: Any, name: str, end_of_day: bool = False) -> datetime:
    """A zone-less datetime: ``YYYY-MM-DD HH:MM:SS``, the ISO ``T`` form, or a bare date.

    A bare date means the start of that day, or its last second for an upper bound (``...To``).
    A trailing ``Z`` or offset is ignored: Cloudbeds filters are in property-local time.
    """
    text = str(value).strip()
    if len(text) == 10:
        day = parse_date(text, name)
        return (
            datetime(day.year, day.month, day.day, 23, 59, 59)
            if end_of_day
            else datetime(day.year, day.month, day.day)
        )
    cleaned = re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", text.replace("T", " "))
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ParamError(
            f"Parameter {name} must be a datetime (YYYY-MM-DD HH:MM:SS), got {value!r}"
        ) from None
    return moment.replace(tzinfo=None, microsecond=0)


class Params:
    """Typed access to one request's parameters (query string merged with the form body)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        value = self.values.get(name)
        return value is not None and value != ""

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def str(self, name: str, required: bool = False, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise ParamError(f"Parameter {name} is required")
            return default
        if not isinstance(value, str):
            raise ParamError(f"Parameter {name} must be a single value")
        return value.strip()

    def int(
        self, name: str, default: int | None = None, required: bool = False, minimum: int | None = None
    ) -> int | None:
        text = self.str(name, required=required)
        if text is None:
            return default
        try:
            number = int(text)
        except ValueError:
            raise ParamError(f"Parameter {name} must be an integer, got {text!r}") from None
        if minimum is not None and number < minimum:
            raise ParamError(f"Parameter {name} must be at least {minimum}")
        return number

    def number(self, name: str, default: float | None = None) -> float | None:
        text = self.str(name)
        if text is None:
            return default
        try:
            return float(text)
        except ValueError:
            raise ParamError(f"Parameter {name} must be a number, got {text!r}") from None

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        return parse_bool(value, name)

    def date(self, name: str, required: bool = False) -> date | None:
        text = self.str(name, required=required)
        return None if text is None else parse_date(text, name)

    def datetime(self, name: str, end_of_day: bool = False) -> datetime | None:
        text = self.str(name)
        return None if text is None else parse_datetime(text, name, end_of_day)

    def id_list(self, name: str) -> list[str] | None:
        """A comma-separated id list (``propertyIDs=1,2``); ``None`` when absent."""
        text = self.str(name)
        if text is None:
            return None
        return [part.strip() for part in text.split(",") if part.strip()]

    def enum(
        self, name: str, allowed: tuple[str, ...] | frozenset[str], default: str | None = None
    ) -> str | None:
        text = self.str(name)
        if text is None:
            return default
        if text not in allowed:
            raise ParamError(f"Parameter {name} must be one of {', '.join(sorted(allowed))}, got {text!r}")
        return text

    def objects(self, name: str, required: bool = False) -> list[dict[str, Any]]:
        """An array of objects sent with bracket keys (``rooms[0][roomTypeID]=...``).

        The official SDK sends such arrays as a Python repr (``rates={'rateID': ...}``); a PHP
        server cannot read that, so neither do we: it is refused with a message naming the form.
        """
        value = self.values.get(name)
        if value is None or value == "" or value == []:
            if required:
                raise ParamError(f"Parameter {name} is required ({name}[0][...]=... form fields)")
            return []
        if isinstance(value, str):
            raise ParamError(
                f"Parameter {name} must be sent as bracket-key form fields ({name}[0][field]=value), "
                f"not as one encoded value"
            )
        items = value if isinstance(value, list) else [value[k] for k in value]
        for item in items:
            if not isinstance(item, dict):
                raise ParamError(f"Each {name}[] item must be an object ({name}[0][field]=value)")
        return items

    def page(self, default_size: int) -> tuple[int, int]:
        """1-based ``pageNumber`` and ``pageSize`` clamped to 1..100 (API.md §7: clamp, never error)."""
        number = self.int("pageNumber", default=1)
        size = self.int("pageSize", default=default_size)
        return max(1, number), min(100, max(1, size))
