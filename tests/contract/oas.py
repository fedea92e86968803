"""Validate sandbox responses against the official Cloudbeds OpenAPI 3.0 spec.

The spec is read once per test session (it is 745 KB; the C YAML loader takes a tenth of a second).
Each operation's 200 response schema is inlined (``$ref`` resolved) into a private copy, so a test can
relax one field where the spec is known to be wrong (API.md §10.9) without touching the others.
Every relaxation is listed, with its reason, in docs/sandbox.md ("Deviations from the spec").

Formats: the spec types Cloudbeds' timestamps as ``date-time``, which in OpenAPI means RFC 3339
(``2026-11-20T14:02:11Z``), but Cloudbeds sends ``YYYY-MM-DD HH:MM:SS`` with no zone (API.md §2,
§10.3). The format checker therefore accepts exactly Cloudbeds' form for ``date-time``, strict
``YYYY-MM-DD`` for ``date``, and ``HH:MM`` or ``HH:MM:SS`` for ``time``.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator, oas30_format_checker

__all__ = ["Spec", "relax"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    for name, (func, raises) in oas30_format_checker.checkers.items():
        if name not in ("date", "date-time", "time"):
            checker.checkers[name] = (func, raises)

    @checker.checks("date")
    def _date(value) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE.match(value):
            return False
        date.fromisoformat(value)
        return True

    @checker.checks("date-time", raises=ValueError)
    def _datetime(value) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATETIME.match(value):
            return False
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        return True

    @checker.checks("time")
    def _time(value) -> bool:
        return not isinstance(value, str) or bool(_TIME.match(value))

    return checker


FORMATS = _format_checker()


class Spec:
    """The parsed spec with per-operation response schemas."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as fh:
            self.doc = yaml.load(fh, Loader=yaml.CSafeLoader)
        self.components = self.doc["components"]["schemas"]
        self._schemas: dict[tuple[str, str], dict] = {}

    def _inline(self, node: Any, seen: tuple[str, ...] = ()) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[-1]
                if name in seen:  # pragma: no cover - the spec has no recursive schemas today
                    return {}
                return self._inline(self.components[name], (*seen, name))
            return {k: self._inline(v, seen) for k, v in node.items()}
        if isinstance(node, list):
            return [self._inline(v, seen) for v in node]
        return node

    def response_schema(self, path: str, verb: str) -> dict:
        """A private, mutable copy of the 200 response schema of ``verb path``."""
        key = (path, verb.lower())
        if key not in self._schemas:
            op = self.doc["paths"][path][verb.lower()]
            self._schemas[key] = self._inline(op["responses"][200]["content"]["application/json"]["schema"])
        return copy.deepcopy(self._schemas[key])

    def validate(self, schema: dict, body: Any) -> None:
        OAS30Validator(schema, format_checker=FORMATS).validate(body)


def _node(schema: dict, dotted: str) -> dict:
    """Walk ``data[].rooms[].roomID`` / ``data{}.guestBirthDate`` to that field's schema."""
    node = schema
    for part in re.findall(r"[^.\[\]{}]+|\[\]|\{\}", dotted):
        if part == "[]":
            node = node["items"]
        elif part == "{}":
            node = node["additionalProperties"]
        else:
            node = node["properties"][part]
    return node


def relax(schema: dict, dotted: str, **changes: Any) -> None:
    """Loosen one field.

    ``nullable=True``, ``type="string"``, ``format=...``, ``any_of=True`` (oneOf→anyOf).
    """
    node = _node(schema, dotted)
    if changes.pop("any_of", False):
        node["anyOf"] = node.pop("oneOf")
        if changes.get("nullable"):  # OAS 3.0 `nullable` binds to `type`, so each branch needs it
            for branch in node["anyOf"]:
                branch["nullable"] = True
    for key, value in changes.items():
        if value is None:
            node.pop(key, None)
        else:
            node[key] = value
