"""Suggested mappings between Cloudbeds and the hotel's own catalogue (pure functions).

- Room types by normalised name (case, spaces, abbreviations and filler words such as "room"
  ignored: "FAMILY ROOM" = "Family Room", "JR SUITE" = "Junior Suite"), the room count of each type
  breaking ties; each ADF type is suggested once, best pairs first.
- Rooms by the digits in the Cloudbeds room name (domain rule 4: "Room 201", "201 - Deluxe" and
  "D201" are ADF room ``201``), each ADF room once. Two Cloudbeds rooms with the same number, and a
  room whose type disagrees with the room-type mapping, are conflicts for a person to settle.
- Sources by name: direct channels first (so "Website/Booking Engine" is the hotel's own website,
  not Booking.com), then the OTA brands, then the source's category.

A suggestion with a ``conflict`` is shown but never stored by ``mapping suggest --accept``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pms.sync.mapping import name_similarity, normalise_name
from pms.sync.rules import room_number

__all__ = [
    "OTA_DETAILS",
    "MappingSuggestion",
    "suggest_room_types",
    "suggest_rooms",
    "suggest_source",
    "suggest_sources",
]

THRESHOLD = 0.45

# Direct channels, checked before the OTA brands: (words in the source name, booking_source).
_DIRECT = (
    (("walk in", "walk-in", "walkin", "datang langsung"), "walk_in"),
    (("phone", "telephone", "telepon", "call"), "phone"),
    (("website", "booking engine", "web site", "direct", "e-mail", "email", "online"), "online"),
)
# OTA brands → ADF's ota_source_detail words.
OTA_DETAILS = (
    ("booking.com", "booking"),
    ("agoda", "agoda"),
    ("traveloka", "traveloka"),
    ("expedia", "expedia"),
    ("airbnb", "airbnb"),
    ("tiket", "tiket"),
    ("trip.com", "trip"),
    ("ctrip", "trip"),
    ("hotels.com", "hotels"),
    ("pegipegi", "pegipegi"),
    ("booking", "booking"),
)


@dataclass(frozen=True)
class MappingSuggestion:
    """kind: ``room_type`` | ``room`` | ``source``; ``adf_value``: type name, room number or source word."""

    kind: str
    cloudbed_id: str
    cloudbed_name: str | None
    adf_value: str | None
    adf_detail: str | None = None
    reason: str = ""
    conflict: str | None = None


def _get(row: Any, name: str, default: Any = None) -> Any:
    return row.get(name, default) if isinstance(row, Mapping) else getattr(row, name, default)


def suggest_room_types(
    cloudbed_types: Iterable[Any],
    adf_types: Mapping[str, int | None],
    *,
    mapped: Mapping[str, str] | None = None,
) -> list[MappingSuggestion]:
    """Room-type suggestions for Cloudbeds types not mapped yet.

    Args:
        cloudbed_types: rows with ``room_type_id``, ``name``, ``short_name`` and ``units``.
        adf_types: ADF ``type_name`` → number of ADF rooms of that type (None when unknown).
        mapped: Cloudbeds type id → ADF type name, already stored (those are left alone).
    """
    mapped = dict(mapped or {})
    taken = set(mapped.values())
    types = [t for t in cloudbed_types if _get(t, "room_type_id") and _get(t, "room_type_id") not in mapped]
    pairs = []
    for t in types:
        for adf, units in adf_types.items():
            if adf in taken:
                continue
            score = max(name_similarity(_get(t, "name"), adf), name_similarity(_get(t, "short_name"), adf))
            reason = f"name {score:.0%} alike"
            if normalise_name(_get(t, "name")) == normalise_name(adf):
                score, reason = 1.0, "same name"
            cb_units = _get(t, "units")
            if units and cb_units:
                if int(units) == int(cb_units):
                    score, reason = score + 0.1, reason + f", both {units} rooms"
                else:
                    reason += f", {cb_units} vs {units} rooms"
            if score >= THRESHOLD:
                pairs.append((score, str(_get(t, "room_type_id")), adf, reason, _get(t, "name")))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    out: list[MappingSuggestion] = []
    done: set[str] = set()
    for _score, cb, adf, reason, name in pairs:
        if cb in done or adf in taken:
            continue
        done.add(cb)
        taken.add(adf)
        out.append(MappingSuggestion("room_type", cb, name, adf, reason=reason))
    return out


def suggest_rooms(
    cloudbed_rooms: Iterable[Any],
    adf_rooms: Iterable[Any],
    *,
    type_mapping: Mapping[str, int] | None = None,
    mapped: Mapping[str, str] | None = None,
) -> list[MappingSuggestion]:
    """Room suggestions by the digits of the Cloudbeds room name (rule 4).

    Args:
        cloudbed_rooms: rows with ``room_id``, ``room_name``, ``room_type_id``.
        adf_rooms: rows with ``id``, ``room_number``, ``room_type_id``.
        type_mapping: Cloudbeds room type id → ADF ``room_types.id`` (to spot rooms whose types disagree).
        mapped: Cloudbeds room id → ADF room number, already stored (left alone, their numbers taken).
    """
    mapped = dict(mapped or {})
    by_digits: dict[str, Any] = {}
    for room in adf_rooms:
        digits = room_number(str(_get(room, "room_number") or ""))
        if digits is not None:
            by_digits.setdefault(digits, room)
    used: dict[str, str] = {number: cb for cb, number in mapped.items()}
    todo = [r for r in cloudbed_rooms if str(_get(r, "room_id")) not in mapped]
    wanted: dict[str, list[str]] = {}
    for room in todo:
        digits = room_number(_get(room, "room_name"))
        if digits in by_digits:
            wanted.setdefault(digits, []).append(str(_get(room, "room_name") or _get(room, "room_id")))
    out: list[MappingSuggestion] = []
    for room in sorted(todo, key=lambda r: (str(_get(r, "room_name") or ""), str(_get(r, "room_id")))):
        cb = str(_get(room, "room_id"))
        name = _get(room, "room_name")
        digits = room_number(name)
        adf = by_digits.get(digits) if digits else None
        if adf is None:
            out.append(MappingSuggestion("room", cb, name, None, reason="no ADF room with these digits"))
            continue
        number = str(_get(adf, "room_number"))
        conflict = None
        if number in used:
            conflict = f"ADF room {number} is already mapped from Cloudbeds room {used[number]}"
        elif len(wanted[digits]) > 1:  # two Cloudbeds rooms, one ADF room: a person chooses
            conflict = (
                f"ADF room {number} would be shared by Cloudbeds rooms {', '.join(sorted(wanted[digits]))}"
            )
        wanted_type = (type_mapping or {}).get(str(_get(room, "room_type_id") or ""))
        if conflict is None and wanted_type is not None and wanted_type != _get(adf, "room_type_id"):
            conflict = f"its room type maps to another ADF type than room {number}'s"
        out.append(MappingSuggestion("room", cb, name, number, reason=f"digits {digits}", conflict=conflict))
    return out


def _words(text: str) -> str:
    return " " + re.sub(r"[\s/_|()\-]+", " ", text.casefold()).strip() + " "


def suggest_source(
    name: str | None, category: str | None = None, third_party: bool = False
) -> tuple[str, str | None]:
    """The ADF ``booking_source`` (and ``ota_source_detail``) a Cloudbeds source stands for."""
    text = _words(name or "")
    for words, source in _DIRECT:
        if any(_words(w) in text or (" " not in w and f" {w}" in text) for w in words):
            return source, None
    for brand, detail in OTA_DETAILS:
        if brand in text:
            return "ota", detail
    if third_party or (category or "").casefold() in ("ota", "channel", "gds"):
        word = re.sub(r"[^a-z0-9]+", "", (name or "").casefold().split("(")[0])[:50] or None
        return "ota", word
    return "online", None


def suggest_sources(
    sources: Iterable[Any], *, mapped: Mapping[str, str] | None = None
) -> list[MappingSuggestion]:
    """Source suggestions (rows with ``source_id``, ``name``, ``category``, ``is_third_party``,
    ``payment_collect``); the collect type is part of the reason, so people see it."""
    mapped = mapped or {}
    out: list[MappingSuggestion] = []
    for s in sources:
        sid = str(_get(s, "source_id"))
        if sid in mapped:
            continue
        value, detail = suggest_source(_get(s, "name"), _get(s, "category"), bool(_get(s, "is_third_party")))
        collect = _get(s, "payment_collect") or "unknown"
        out.append(
            MappingSuggestion("source", sid, _get(s, "name"), value, detail, reason=f"{collect} collect")
        )
    return out
