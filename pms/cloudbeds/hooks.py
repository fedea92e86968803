"""What the client reports about every API call, for ``cloudbed_api_log`` and for statistics.

The client builds one ``CallRecord`` per HTTP attempt and hands it to its ``on_call`` hook. Records
are redacted by construction: ``params`` has already passed through the redaction step, and no
field ever holds headers, so API keys and tokens cannot reach the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["CallHook", "CallRecord"]


@dataclass(frozen=True)
class CallRecord:
    endpoint: str  # Cloudbeds method name, e.g. "getReservations" or "access_token"
    method: str  # HTTP verb
    started_at: datetime  # aware UTC
    duration_ms: int
    http_status: int | None  # None when no response arrived
    request_id: str | None  # Cloudbeds' X-Request-ID
    attempt: int = 1  # 1 for the first try, 2+ for retries
    property_id: str | None = None
    params: dict[str, Any] = field(default_factory=dict)  # redacted query/form parameters
    response_summary: str | None = None  # e.g. "success count=100 total=2000"
    error: str | None = None  # short, redacted error text


CallHook = Callable[[CallRecord], None]
