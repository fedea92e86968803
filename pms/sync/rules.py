"""The domain rules (docs/domain.md) that decide what a sync may do, as pure functions.

Each function names the rule it implements. They take plain values (rows as mappings, records from
the client) and return decisions; the engine calls them and does the writing. Keeping them apart
makes every rule testable on its own and keeps the reasons in one readable place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = [
    "CANCELLED",
    "IN_HOUSE",
    "KNOWN_STATUSES",
    "cancel_block",
    "choose_total",
    "edit_expired",
    "has_local_edit",
    "holds_payment",
    "is_cancellation",
    "is_hotel_record",
    "is_ota",
    "map_status",
    "name_words",
    "names_match",
    "price_reduction",
    "push_start_date",
    "room_number",
    "shortens_ota_stay",
]

# Rule 5: the statuses Cloudbeds has, mapped explicitly (the hotel system uses the same words).
KNOWN_STATUSES = {
    "not_confirmed": "not_confirmed",
    "confirmed": "confirmed",
    "canceled": "canceled",
    "checked_in": "checked_in",
    "checked_out": "checked_out",
    "no_show": "no_show",
}
# Rule 6: canceled and no_show are treated alike.
CANCELLED = frozenset({"canceled", "cancelled", "no_show"})
IN_HOUSE = frozenset({"checked_in", "checked_out"})
# Titles ignored when comparing guest names (rule 3), English and Indonesian.
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mister",
        "madam",
        "dr",
        "prof",
        "sir",
        "bapak",
        "pak",
        "ibu",
        "bu",
        "sdr",
        "sdri",
        "tn",
        "ny",
        "nn",
        "mas",
        "mbak",
        "haji",
        "hj",
        "drs",
    }
)
_WORD = re.compile(r"\w+", re.UNICODE)
_DIGITS = re.compile(r"\d+")


def map_status(status: str | None) -> tuple[str, str | None]:
    """Rule 5: the status to store and, for one we do not know, a warning (stored as sent)."""
    if status is None or not str(status).strip():
        return "confirmed", "no status sent; stored as confirmed"
    text = str(status).strip()
    known = KNOWN_STATUSES.get(text.lower())
    if known is not None:
        return known, None
    return text[:32], f"unknown status {text!r} stored as sent"


def is_cancellation(status: str | None) -> bool:
    """Rule 6: canceled and no_show are the same kind of ending."""
    return (status or "").lower() in CANCELLED


def holds_payment(row: Mapping[str, Any]) -> bool:
    """Whether the hotel holds money for the booking (rule 6 "paid"; rule 12 decides who collects).

    With Channel Collect the OTA took the money and refunds it itself, so only Hotel Collect (or
    unknown) bookings with a payment count.
    """
    paid = row.get("paid")
    if paid is None or Decimal(str(paid)) <= 0:
        return False
    return (row.get("payment_collect") or "hotel") != "channel"


def is_hotel_record(row: Mapping[str, Any] | None) -> bool:
    """Whether a mirror row is the hotel's own record (created or typed on the hotel side).

    Rules 6, 10, 11 and 13 protect the hotel's records; a row that came from Cloudbeds is our copy
    of Cloudbeds and always says what Cloudbeds says (a cancellation, a new total), while the
    hotel's front-desk booking made from it is protected by the same rules in ``pms.adf``.
    """
    return row is not None and row.get("origin") == "local"


def cancel_block(row: Mapping[str, Any]) -> str | None:
    """Rule 6: why a local reservation may not be cancelled automatically, or None if it may."""
    status = (row.get("status") or "").lower()
    if status in IN_HOUSE:
        return f"it is {status.replace('_', ' ')} here: left untouched"
    if holds_payment(row):
        return (
            f"it is paid ({row.get('paid')} {row.get('currency') or ''}".rstrip()
            + "): cancel and refund it by hand"
        )
    return None


def _nights(check_in: date | None, check_out: date | None) -> int:
    if check_in is None or check_out is None:
        return 1
    return max(1, (check_out - check_in).days)


def choose_total(
    existing: Mapping[str, Any] | None,
    cloudbeds_total: Decimal | None,
    *,
    check_in: date | None = None,
    check_out: date | None = None,
) -> tuple[Any, Any, str | None]:
    """Rules 9-11: the grand total to store, the new Cloudbeds baseline, and a warning.

    - Totals are grand totals, taxes and fees included (rule 9): the caller passes ``grandTotal``.
    - Reservations created by the hotel (``origin == "local"``) keep the hotel's price, unless the
      Cloudbeds total moved since the last sync (``cloudbed_total`` is that baseline): then somebody
      changed it in Cloudbeds and that change wins (rule 10). Everything else: Cloudbeds is master.
    - A Cloudbeds total more than twice the hotel's own total is a broken folio: warn and keep both
      the local total and the baseline, so the check repeats until someone fixes it (rule 11). The
      local total is scaled by the stay's length first, so an extended stay is not mistaken for one.
      A row that came from Cloudbeds is its copy and takes the new total (``is_hotel_record``).

    Returns:
        (total, cloudbed_total, warning)
    """
    if existing is None or cloudbeds_total is None:
        return cloudbeds_total, cloudbeds_total, None
    local = existing.get("total")
    baseline = existing.get("cloudbed_total")
    if local is not None and Decimal(str(local)) > 0 and is_hotel_record(existing):
        scale = Decimal(_nights(check_in, check_out)) / Decimal(
            _nights(existing.get("check_in"), existing.get("check_out"))
        )
        limit = Decimal(str(local)) * 2 * max(Decimal(1), scale)
        if cloudbeds_total > limit:
            return (
                local,
                baseline,
                (
                    f"the Cloudbeds total {cloudbeds_total} is more than twice the local "
                    f"{local}: not imported (check the folio in Cloudbeds)"
                ),
            )
    if existing.get("origin") == "local" and local is not None:
        if baseline is not None and Decimal(str(baseline)) == cloudbeds_total:
            return local, cloudbeds_total, None  # unchanged in Cloudbeds: the hotel's price stands
        if baseline is None:
            return local, cloudbeds_total, None  # first sight: the hotel's price, Cloudbeds' as baseline
    return cloudbeds_total, cloudbeds_total, None


def _fold(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch)
    )


def name_words(*names: str | None) -> set[str]:
    """Rule 3: the words of three letters or more in guest names, titles left out."""
    words: set[str] = set()
    for name in names:
        if not name:
            continue
        for word in _WORD.findall(_fold(name)):
            if len(word) >= 3 and word not in _TITLES and not word.isdigit():
                words.add(word)
    return words


def names_match(a: Iterable[str | None], b: Iterable[str | None]) -> bool:
    """Rule 3: do two lists of guest names share a word (three letters or more, no titles)?"""
    return bool(name_words(*a) & name_words(*b))


def room_number(name: str | None) -> str | None:
    """Rule 4: the room number inside a room name ("Room 201", "201 - Deluxe", "D201" → "201")."""
    if not name:
        return None
    runs = _DIGITS.findall(name)
    if not runs:
        return None
    best = max(runs, key=len)  # the longest run, e.g. "Villa Melati 601" → "601"
    return best.lstrip("0") or "0"


def has_local_edit(row: Mapping[str, Any]) -> bool:
    """A hotel-side change not yet sent to Cloudbeds (set by the hotel system: pending + time)."""
    if row.get("sync_status") not in ("pending", "error"):
        return False
    edited = row.get("local_modified_at")
    synced = row.get("last_sync_at")
    return edited is not None and (synced is None or edited > synced)


def edit_expired(row: Mapping[str, Any], now: datetime, minutes: int) -> bool:
    """Rule 17: a queued local edit that keeps failing is dropped after ``minutes``."""
    edited = row.get("local_modified_at")
    return edited is not None and now - edited > timedelta(minutes=minutes)


def push_start_date(check_in: date, check_out: date, today: date) -> tuple[date | None, str | None]:
    """Rule 18: Cloudbeds refuses a start in the past, so an in-house walk-in starts today.

    Returns the start date to send, or None and the reason when the stay is already over.
    """
    if check_in >= today:
        return check_in, None
    if check_out <= today:
        return None, f"the stay ended on {check_out}; Cloudbeds does not take past stays"
    return today, None


def is_ota(row: Mapping[str, Any]) -> bool:
    """Booked through an online travel agency (by the source's category or third-party flag)."""
    category = (row.get("source_category") or "").lower()
    return category in ("ota", "channel", "gds") or bool(
        row.get("third_party_id") and row.get("origin") != "local"
    )


def shortens_ota_stay(row: Mapping[str, Any], cloudbeds_check_out: date | None) -> bool:
    """Rule 16: the hotel side may extend an OTA stay, never shorten it."""
    return (
        is_ota(row)
        and cloudbeds_check_out is not None
        and row.get("check_out") is not None
        and row["check_out"] < cloudbeds_check_out
    )


def price_reduction(local_total: Any, cloudbeds_total: Any) -> Decimal | None:
    """Rule 13: the amount a local price is below Cloudbeds' (a manual task), or None."""
    if local_total is None or cloudbeds_total is None:
        return None
    diff = Decimal(str(cloudbeds_total)) - Decimal(str(local_total))
    return diff if diff > 0 else None
