"""Scripted failures, so clients can be tested against everything Cloudbeds (or the network) does.

``POST /_sandbox/faults`` queues faults for one API method (or ``*``); each matching request takes
the oldest live fault until its ``times`` run out. ``after`` lets the first N matching requests pass
(to fail, say, page 3 of a pull). Faults are served before authentication and rate limiting, like an
outage in front of the API would be; ``revoke_token`` is the exception, as it needs the credential.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["FAULT_KINDS", "Fault", "FaultBook"]

FAULT_KINDS = ("http_500", "http_503", "http_429", "timeout", "malformed_json", "success_false", "revoke_token")
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
    served: int = 0

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> "Fault":
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
            )
        except (TypeError, ValueError):
            raise ValueError("times and after must be integers; retry_after and delay numbers") from None
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
