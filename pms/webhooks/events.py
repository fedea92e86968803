"""What a Cloudbeds webhook body means: its event, property, entity ids and dedupe key.

Cloudbeds payloads are thin and not uniform (API.md §9): most events say ``reservationID`` and
``propertyID_str``, others ``reservationId`` and ``propertyId_str``, ids arrive as ints or strings.
Keys are therefore read case-insensitively and every id becomes a string (domain rule 2).

The dedupe key is a hash of (event, ids, property, timestamp): Cloudbeds keeps the original
timestamp when it retries a delivery, so a retry or a replay hashes to the same key and is stored
once, while a later change of the same reservation (a new timestamp) is a new event.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["KNOWN_EVENTS", "EventError", "ParsedEvent", "parse_event"]

# Events the processor acts on; anything else is stored as ignored (and answered 2xx, so
# Cloudbeds does not retry it).
KNOWN_EVENTS = frozenset(
    {
        "reservation/created",
        "reservation/status_changed",
        "reservation/dates_changed",
        "reservation/deleted",
        "reservation/accommodation_changed",
        "reservation/accommodation_type_changed",
        "reservation/accommodation_status_changed",
        "reservation/notes_changed",
        "reservation/custom_fields_changed",
        "guest/created",
        "guest/details_changed",
        "guest/assigned",
        "guest/removed",
        "guest/accommodation_changed",
        "api_queue_task/rate_status_changed",
        "integration/appstate_changed",
        "roomblock/created",
        "roomblock/details_changed",
        "roomblock/removed",
    }
)

# Payload keys (lower case) that identify things; part of the dedupe key.
_ID_KEYS = (
    "reservationid",
    "guestid",
    "subreservationid",
    "roomid",
    "roomidprev",
    "roomtypeid",
    "queuetaskid",
    "clientid",
    "roomblockid",
)
_MAX_ID = 64


class EventError(ValueError):
    """The body is JSON but not a webhook event we can file (no event name, odd types)."""


@dataclass(frozen=True)
class ParsedEvent:
    event: str
    property_id: str | None
    entity_id: str | None  # reservation, guest, rate job or client id, by the event's object
    reservation_id: str | None
    guest_id: str | None
    event_time: datetime | None
    dedupe_key: str
    fields: dict[str, Any] = field(default_factory=dict, repr=False)  # lower-cased payload

    @property
    def object(self) -> str:
        return self.event.partition("/")[0]

    @property
    def known(self) -> bool:
        return self.event in KNOWN_EVENTS


def _id(value: Any) -> str | None:
    """An id as a string; ints and numeric floats are accepted, anything else is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise EventError("an id is a boolean")
    if isinstance(value, float):
        if not value.is_integer():
            raise EventError("an id is a fraction")
        value = int(value)
    if isinstance(value, (int, str)):
        text = str(value).strip()
        if not text or len(text) > _MAX_ID or any(ord(c) < 33 for c in text):
            raise EventError("an id is empty, too long or has spaces")
        return text
    raise EventError("an id is not a number or a string")


def _lower(body: dict[str, Any]) -> dict[str, Any]:
    """Keys in lower case; the ``_str`` twin of a key wins over the integer one."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if not isinstance(key, str):
            continue
        low = key.lower()
        if low.endswith("_str"):
            out[low[:-4]] = value
        else:
            out.setdefault(low, value)
    return out


def _event_time(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if not math.isfinite(seconds) or not 0 < seconds < 32503680000:  # before the year 3000
        return None
    return datetime.fromtimestamp(seconds, UTC)


def parse_event(body: Any) -> ParsedEvent:
    """Read a decoded JSON body as a webhook event.

    Raises:
        EventError: not an object, no ``event`` name of the form ``object/action``, or ids that
            are not numbers or strings.
    """
    if not isinstance(body, dict):
        raise EventError("the body is not a JSON object")
    f = _lower(body)
    event = f.get("event")
    if not isinstance(event, str) or "/" not in event or len(event) > 64 or any(ord(c) < 33 for c in event):
        raise EventError("no event name of the form object/action")
    event = event.strip()
    ids = {k: _id(f.get(k)) for k in _ID_KEYS}
    prop = _id(f.get("propertyid"))
    obj = event.partition("/")[0]
    entity = {
        "reservation": ids["reservationid"],
        "guest": ids["guestid"],
        "api_queue_task": ids["queuetaskid"],
        "integration": ids["clientid"],
        "roomblock": ids["roomblockid"],
    }.get(obj)
    stamp = f.get("timestamp")
    if isinstance(stamp, float):
        stamp_text = repr(stamp)
    elif isinstance(stamp, (int, str)) and not isinstance(stamp, bool):
        stamp_text = str(stamp)
    else:
        stamp_text = None
    parts: dict[str, Any] = {"event": event, "property": prop, "ids": {k: v for k, v in ids.items() if v}}
    if isinstance(f.get("status"), str):
        parts["status"] = f["status"]
    if stamp_text is None:
        # Without a timestamp two distinct changes could look alike: fall back to the whole body.
        parts["body"] = json.dumps(body, sort_keys=True, default=str)
    else:
        parts["timestamp"] = stamp_text
    key = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return ParsedEvent(
        event=event,
        property_id=prop,
        entity_id=entity,
        reservation_id=ids["reservationid"],
        guest_id=ids["guestid"],
        event_time=_event_time(stamp),
        dedupe_key=key,
        fields=f,
    )
