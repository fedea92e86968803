"""Telling a change staff made at the front desk from the echo of our own pull (pure functions).

Each link (``cloudbed_booking_link.synced``) remembers two baselines:

- ``booking`` / ``guest``: what Cloudbeds said when the pull last wrote or saw the booking (the
  pull's own three-way comparison, ``pms.adf.follow``);
- ``desk`` / ``desk_guest``: what ADF said when the push last agreed with Cloudbeds (written by the
  push; absent until then, when the pull's baseline stands in).

An ADF value equal to the desk baseline is no change. An ADF value equal to the Cloudbeds baseline
is the pull's own write (an echo): the desk baseline follows it and nothing is sent. Anything else
was typed at the desk and is sent to Cloudbeds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pms.adf.match import canon
from pms.adf.model import status_key

__all__ = [
    "BOOKING_PUSH_FIELDS",
    "CLOUDBEDS_STATUS",
    "GUEST_PUSH_FIELDS",
    "Diff",
    "booking_diff",
    "desk_snapshot",
    "guest_diff",
    "key",
    "not_new",
    "split_name",
]

# What the desk owns and Cloudbeds hears about; prices, payments, source and notes are not sent
# (prices are a person's task in Cloudbeds, rule 13; payments are their own step).
BOOKING_PUSH_FIELDS = ("status", "room_id", "check_in_date", "check_out_date", "adults", "children")
GUEST_PUSH_FIELDS = ("guest_name", "email", "phone", "address", "id_card_type", "id_card_number")
# ADF's words → Cloudbeds' (rule 5 the other way).
CLOUDBEDS_STATUS = {
    "pending": "not_confirmed",
    "confirmed": "confirmed",
    "checked_in": "checked_in",
    "checked_out": "checked_out",
    "cancelled": "canceled",
}


def key(field: str, value: Any) -> str | None:
    """A value as the comparison sees it: statuses in ADF's words, the rest as ``canon``."""
    if field == "status":
        return status_key(value)
    return canon(value)


class Diff:
    """Fields typed at the desk (``changed``: field → ADF value) and echoes (``echo``)."""

    def __init__(self) -> None:
        self.changed: dict[str, Any] = {}
        self.echo: dict[str, str | None] = {}

    def __bool__(self) -> bool:
        return bool(self.changed or self.echo)


def _diff(values: Mapping[str, Any], desk: Mapping, cloud: Mapping, fields) -> Diff:
    out = Diff()
    for f in fields:
        if f not in values:
            continue
        now = key(f, values[f])
        if f in desk:
            base = key(f, desk[f])
        elif f in cloud:
            base = key(f, cloud[f])
        else:  # never compared yet: today's value is the baseline
            out.echo[f] = canon(values[f])
            continue
        if now == base:
            continue
        if f in cloud and now == key(f, cloud[f]):
            out.echo[f] = canon(values[f])
        else:
            out.changed[f] = values[f]
    return out


def booking_diff(values: Mapping[str, Any], synced: Mapping[str, Any]) -> Diff:
    """The ADF booking ``values`` (documented names) against the link's baselines."""
    return _diff(values, synced.get("desk") or {}, synced.get("booking") or {}, BOOKING_PUSH_FIELDS)


def guest_diff(values: Mapping[str, Any], synced: Mapping[str, Any]) -> Diff:
    return _diff(values, synced.get("desk_guest") or {}, synced.get("guest") or {}, GUEST_PUSH_FIELDS)


def desk_snapshot(values: Mapping[str, Any], fields) -> dict[str, str | None]:
    return {f: canon(values[f]) for f in fields if f in values}


def split_name(name: str | None) -> tuple[str, str]:
    """ADF's one name field → Cloudbeds' first and last name (a single word serves as both)."""
    parts = str(name or "").split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], parts[0]
    return " ".join(parts[:-1]), parts[-1]


_OURS = re.compile(r"^CB[0-9A-F]")
_CHANNEL_SOURCES = ("ota", "online")


def not_new(
    booking_id: int, values: Mapping[str, Any], since: datetime, floor_id: int, *, ours: bool = False
) -> str | None:
    """Why an unlinked ADF booking is not sent as a new reservation (None: it is).

    Rule 14: typed before push was switched on (by ``created_at``, else by the id the first look
    saw). Cancelled bookings, our own pull's ``CB…`` bookings and bookings from a channel (which
    reach Cloudbeds through that channel, and are linked by the next pull) are not sent either.
    """
    created = values.get("created_at")
    if not ours and isinstance(created, datetime):
        stamp = created if created.tzinfo else created.replace(tzinfo=since.tzinfo)
        if stamp < since.replace(microsecond=0):  # the desk's timestamps count whole seconds
            return "typed before push was switched on"
    elif not ours and booking_id <= floor_id:
        return "typed before push was switched on"
    if status_key(values.get("status")) == "cancelled":
        return "cancelled"
    if _OURS.match(str(values.get("booking_code") or "")):
        return "written by the pull"
    if str(values.get("booking_source") or "").strip().casefold() in _CHANNEL_SOURCES:
        return "arrives in Cloudbeds through its channel; the next sync links it"
    return None
