"""Room-type mapping between the hotel system (ADF) and Cloudbeds: suggestions and checks.

Pure functions over rows the Room mapping page already has (``mapping_data.load_mapping_inputs``
reads them): no database, no network, so the page stays thin and every decision is testable.

- ``suggest_mappings``: for each ADF room type without a mapping, the Cloudbeds room types that
  look like it, best first, scored on normalised names ("Deluxe Dbl" ≈ "Deluxe Double") and on
  the number of rooms of each type when both sides know it.
- ``validate_mappings``: what is wrong with the current mapping: one Cloudbeds type mapped from
  two ADF types, mappings to types Cloudbeds no longer has, Cloudbeds types that have bookings but
  no ADF type (the sync counts those rooms and warns, it never guesses).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from pms.i18n import Said

__all__ = [
    "SUGGEST_THRESHOLD",
    "MappingIssue",
    "Suggestion",
    "name_similarity",
    "normalise_name",
    "suggest_mappings",
    "validate_mappings",
]

SUGGEST_THRESHOLD = 0.45
# Words that say nothing about which type a room is.
_NOISE = frozenset({"room", "rooms", "kamar", "type", "the", "with", "and", "dan", "tipe"})
# Common abbreviations hotels use in room-type names.
_ABBREVIATIONS = {
    "dbl": "double",
    "dlx": "deluxe",
    "sgl": "single",
    "twn": "twin",
    "sup": "superior",
    "std": "standard",
    "fam": "family",
    "jr": "junior",
    "ste": "suite",
    "vil": "villa",
    "tpl": "triple",
    "exe": "executive",
    "exec": "executive",
    "pv": "pool view",
    "ov": "ocean view",
}


def normalise_name(name: str | None) -> str:
    """Lower case, accents and punctuation removed, abbreviations spelt out, filler words dropped."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", str(name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = []
    for word in re.findall(r"[a-z0-9]+", text):
        words += _ABBREVIATIONS.get(word, word).split()
    return " ".join(w for w in words if w not in _NOISE)


def name_similarity(a: str | None, b: str | None) -> float:
    """0..1: word overlap and character similarity of the normalised names."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    wa, wb = set(na.split()), set(nb.split())
    overlap = len(wa & wb) / len(wa | wb)
    chars = SequenceMatcher(None, na, nb).ratio()
    return round(max(overlap, 0.5 * overlap + 0.5 * chars), 3)


@dataclass(frozen=True)
class Suggestion:
    adf_room_type: str
    cloudbed_room_type_id: str
    cloudbed_room_type_name: str | None
    score: float
    reason: str


@dataclass(frozen=True)
class MappingIssue:
    """kind: ``mapped_twice`` | ``unknown_cloudbeds_type`` | ``unmapped_with_reservations`` |
    ``duplicate_adf``."""

    kind: str
    message: str
    cloudbed_room_type_id: str | None = None
    adf_room_type: str | None = None
    count: int = 0


def _get(row: Any, name: str, default: Any = None) -> Any:
    if isinstance(row, Mapping):
        return row.get(name, default)
    return getattr(row, name, default)


def suggest_mappings(
    adf_types: Iterable[Any],
    cloudbed_types: Iterable[Any],
    mappings: Iterable[Any] = (),
    *,
    per_type: int = 3,
    threshold: float = SUGGEST_THRESHOLD,
) -> list[Suggestion]:
    """Suggestions for ADF room types not mapped yet.

    Args:
        adf_types: names, or rows with ``adf_room_type`` (or ``name``) and optional ``units``.
        cloudbed_types: rows of ``cloudbed_room_types`` (``room_type_id``, ``name``, ``short_name``,
            ``units``).
        mappings: rows of ``cloudbed_room_mapping``; mapped ADF types and Cloudbeds types already
            taken are not suggested again.
    """
    mapped_adf = {_get(m, "adf_room_type") for m in mappings if _get(m, "cloudbed_room_type_id")}
    taken = {_get(m, "cloudbed_room_type_id") for m in mappings if _get(m, "cloudbed_room_type_id")}
    types = [t for t in cloudbed_types if _get(t, "room_type_id")]
    out: list[Suggestion] = []
    for adf in adf_types:
        name = adf if isinstance(adf, str) else (_get(adf, "adf_room_type") or _get(adf, "name"))
        units = None if isinstance(adf, str) else _get(adf, "units")
        if not name or name in mapped_adf:
            continue
        scored = []
        for t in types:
            if _get(t, "room_type_id") in taken:
                continue
            score = max(name_similarity(name, _get(t, "name")), name_similarity(name, _get(t, "short_name")))
            reason = f"name {score:.0%} alike"
            cb_units = _get(t, "units")
            if units and cb_units:
                if int(units) == int(cb_units):
                    score, reason = min(1.0, score + 0.15), reason + f", both {units} rooms"
                else:
                    score, reason = score - 0.1, reason + f", {units} vs {cb_units} rooms"
            if score >= threshold:
                scored.append(
                    Suggestion(name, _get(t, "room_type_id"), _get(t, "name"), round(score, 3), reason)
                )
        scored.sort(key=lambda s: (-s.score, s.cloudbed_room_type_name or ""))
        out += scored[:per_type]
    return out


def validate_mappings(
    mappings: Iterable[Any],
    cloudbed_types: Iterable[Any],
    reservation_counts: Mapping[str, int] | None = None,
) -> list[MappingIssue]:
    """Problems with the current mapping, most serious first.

    Args:
        mappings: rows of ``cloudbed_room_mapping`` (inactive rows are ignored).
        cloudbed_types: rows of ``cloudbed_room_types``.
        reservation_counts: rooms booked per Cloudbeds room type id (``reservasi_room``).
    """
    active = [m for m in mappings if _get(m, "is_active", True)]
    names = {_get(t, "room_type_id"): _get(t, "name") for t in cloudbed_types}
    issues: list[MappingIssue] = []
    by_cb: dict[str, list[str]] = {}
    by_adf: dict[str, int] = {}
    for m in active:
        adf, cb = _get(m, "adf_room_type"), _get(m, "cloudbed_room_type_id")
        by_adf[adf] = by_adf.get(adf, 0) + 1
        if cb:
            by_cb.setdefault(cb, []).append(adf)
    for cb, adfs in sorted(by_cb.items()):
        if len(adfs) > 1:
            issues.append(
                MappingIssue(
                    "mapped_twice",
                    Said(
                        "mapping.issue.mapped_twice",
                        {"name": names.get(cb) or cb, "n": len(adfs), "types": ", ".join(sorted(adfs))},
                    ),
                    cloudbed_room_type_id=cb,
                    count=len(adfs),
                )
            )
        if names and cb not in names:
            issues.append(
                MappingIssue(
                    "unknown_cloudbeds_type",
                    Said("mapping.issue.unknown_cloudbeds_type", {"types": ", ".join(adfs), "id": cb}),
                    cloudbed_room_type_id=cb,
                    adf_room_type=adfs[0],
                )
            )
    for adf, n in sorted(by_adf.items()):
        if n > 1:
            issues.append(
                MappingIssue(
                    "duplicate_adf",
                    Said("mapping.issue.duplicate_adf", {"type": adf, "n": n}),
                    adf_room_type=adf,
                    count=n,
                )
            )
    for cb, n in sorted((reservation_counts or {}).items(), key=lambda kv: (-kv[1], kv[0])):
        if cb and n and cb not in by_cb:
            issues.append(
                MappingIssue(
                    "unmapped_with_reservations",
                    Said("mapping.issue.unmapped_with_reservations", {"name": names.get(cb) or cb, "n": n}),
                    cloudbed_room_type_id=cb,
                    count=n,
                )
            )
    return issues
