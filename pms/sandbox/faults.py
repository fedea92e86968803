"""Scripted failures, so clients can be tested against everything Cloudbeds (or the network) does.

``POST /_sandbox/faults`` queues faults for one API method (or ``*``); each matching request takes
the oldest live fault until its ``times`` run out. ``after`` lets the first N matching requests pass
(to fail, say, page 3 of a pull). Faults are served before authentication and rate limiting, like an
outage in front of the API would be; ``revoke_token`` is the exception, as it needs the credential.

The reshape kinds (``RESHAPE_KINDS``) let the request through and then rewrite its successful
JSON answer the way a real API drifts or lies: optional fields missing or null, numbers sent as
strings and digit strings as numbers, unknown statuses, extra fields, an empty page, a ``total``
that lies. They exist so a client and a sync can be shown to handle shapes the faithful sandbox
never sends on its own.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["DEFAULT_OPTIONAL_FIELDS", "FAULT_KINDS", "RESHAPE_KINDS", "Fault", "FaultBook", "reshape"]

RESHAPE_KINDS = (
    "missing_optional",
    "nulls",
    "numbers_as_strings",
    "strings_as_numbers",
    "unknown_status",
    "extra_fields",
    "empty_page",
    "total_lies",
)
FAULT_KINDS = (
    "http_500",
    "http_503",
    "http_429",
    "timeout",
    "malformed_json",
    "success_false",
    "revoke_token",
    *RESHAPE_KINDS,
)
# Fields Cloudbeds documents as optional or leaves out in practice; ``fields`` in a spec overrides.
DEFAULT_OPTIONAL_FIELDS = (
    "guestName",
    "guestEmail",
    "guestCountry",
    "guestPhone",
    "sourceName",
    "source",
    "sourceCategory",
    "sourceReservationID",
    "thirdPartyIdentifier",
    "origin",
    "mealPlans",
    "balance",
    "balanceDetailed",
    "detailedRates",
    "dateCancelled",
    "dateCancelledUTC",
    "estimatedArrivalTime",
    "allotmentBlockCode",
    "groupCode",
    "groupInventory",
    "roomName",
    "rateID",
    "ratePlanName",
    "doorlockID",
    "roomDescription",
    "dormRoomName",
    "propertyCurrency",
    "customFields",
)
DEFAULT_TIMEOUT_DELAY = 35.0  # longer than the client's default 30 s timeout


@dataclass
class Fault:
    endpoint: str
    kind: str
    times: int = 1
    after: int = 0
    retry_after: float | None = None
    delay: float = DEFAULT_TIMEOUT_DELAY
    message: str | None = None
    fields: tuple[str, ...] | None = None
    total: int | None = None
    served: int = 0

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> Fault:
        """Validate an admin request; raises ValueError with a readable message."""
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        endpoint = spec.get("endpoint") or "*"
        try:
            fault = cls(
                endpoint=str(endpoint),
                kind=kind,
                times=int(spec.get("times", 1)),
                after=int(spec.get("after", 0)),
                retry_after=None if spec.get("retry_after") is None else float(spec["retry_after"]),
                delay=float(spec.get("delay", DEFAULT_TIMEOUT_DELAY)),
                message=None if spec.get("message") is None else str(spec["message"]),
                fields=None if spec.get("fields") is None else tuple(str(f) for f in spec["fields"]),
                total=None if spec.get("total") is None else int(spec["total"]),
            )
        except (TypeError, ValueError):
            raise ValueError(
                "times and after must be integers; retry_after and delay numbers; "
                "fields a list of names; total an integer"
            ) from None
        if fault.times < 1 or fault.after < 0 or fault.delay < 0:
            raise ValueError("times must be at least 1, after and delay not negative")
        return fault


class FaultBook:
    """The queue of scripted faults, shared by all request handlers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.served: dict[str, int] = {}

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, endpoint: str) -> Fault | None:
        """The fault this request must suffer, if any (consumes one of its ``times``)."""
        with self._lock:
            chosen = None
            for fault in self._faults:
                if fault.endpoint not in ("*", endpoint):
                    continue
                if fault.after > 0:  # each fault counts the requests it lets through on its own
                    fault.after -= 1
                elif chosen is None:
                    chosen = fault
            if chosen is None:
                return None
            chosen.times -= 1
            chosen.served += 1
            if chosen.times <= 0:
                self._faults.remove(chosen)
            self.served[chosen.kind] = self.served.get(chosen.kind, 0) + 1
            return chosen

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def clear(self, counters: bool = True) -> None:
        with self._lock:
            self._faults.clear()
            if counters:
                self.served.clear()


# --- reshaping a successful answer ---------------------------------------------------------------


def _walk(node: Any, visit) -> Any:
    """Rebuild a JSON tree bottom-up; ``visit(key, value)`` returns the new value (or _DROP)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            new = visit(key, _walk(value, visit))
            if new is not _DROP:
                out[key] = new
        return out
    if isinstance(node, list):
        return [_walk(item, visit) for item in node]
    return node


_DROP = object()


def reshape(fault: Fault, body: Any) -> Any:
    """The answer ``body`` (a decoded ``success: true`` JSON object) as ``fault.kind`` distorts it."""
    if not isinstance(body, dict):
        return body
    data = body.get("data")
    fields = set(fault.fields or DEFAULT_OPTIONAL_FIELDS)
    kind = fault.kind
    if kind == "missing_optional":
        data = _walk(data, lambda k, v: _DROP if k in fields else v)
    elif kind == "nulls":
        data = _walk(data, lambda k, v: None if k in fields else v)
    elif kind == "numbers_as_strings":
        data = _walk(
            data, lambda k, v: str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
        )
    elif kind == "strings_as_numbers":
        data = _walk(
            data,
            lambda k, v: int(v) if isinstance(v, str) and v.isascii() and v.isdigit() and len(v) < 16 else v,
        )
    elif kind == "unknown_status":
        status = fault.message or "teleported"
        data = _walk(data, lambda k, v: status if k == "status" else v)
    elif kind == "extra_fields":

        def add(_key, value):
            if isinstance(value, dict):
                value["unexpectedField"] = {"nested": [1, "two", None], "note": "added by the sandbox"}
            elif isinstance(value, list):
                for item in value:
                    add(None, item)
            return value

        data = _walk(data, add)
        if isinstance(data, list):
            add(None, data)
        elif isinstance(data, dict):  # a map keyed by ids (getGuestList): its records, not the map
            for value in data.values():
                add(None, value)
        body = {**body, "unexpectedTopLevel": True}
    elif kind == "empty_page":
        data = {} if isinstance(data, dict) else []
        if "count" in body:
            body = {**body, "count": 0}
    elif kind == "total_lies" and "total" in body:
        real = int(body["total"])
        body = {**body, "total": fault.total if fault.total is not None else real * 2 + 100}
    return {**body, "data": data} if "data" in body else body
