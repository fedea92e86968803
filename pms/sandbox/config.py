"""How a sandbox is set up: every knob in one frozen-by-convention dataclass.

Defaults mirror Cloudbeds (5 requests/s, 3600 s tokens, webhooks with a 2 s timeout retried 5 times a
minute apart); tests shrink the slow ones. A few values can be changed while the sandbox runs through
``POST /_sandbox/config`` (see ``RUNTIME_FIELDS``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date

from pms.sandbox.readings import check_readings, default_readings

__all__ = ["RUNTIME_FIELDS", "SandboxConfig", "derived_secret"]

# Settings that POST /_sandbox/config may change at run time.
RUNTIME_FIELDS = (
    "rate_limit",
    "token_ttl",
    "webhook_timeout",
    "webhook_retries",
    "webhook_retry_interval",
    "rate_job_delay",
    "readings",
)


def derived_secret(seed: int, purpose: str, length: int = 32) -> str:
    """A stable pseudo-secret for ``purpose``: same seed, same key, so demo credentials survive restarts."""
    return hashlib.sha256(f"pms-sandbox:{seed}:{purpose}".encode()).hexdigest()[:length]


@dataclass
class SandboxConfig:
    """Settings of one sandbox instance.

    Attributes:
        host: interface to bind; keep it on loopback.
        port: TCP port, 0 for a free one.
        seed: makes the demo data, ids and the generated credentials deterministic.
        reservations: how many reservations to seed.
        rate_limit: requests per second per credential; 0 or None disables the limit.
        api_key: the main API key; generated from the seed (``cbat_...``) when None.
        client_id, client_secret: the OAuth app's credentials; generated when None.
        token_ttl: lifetime of OAuth access tokens, seconds.
        webhook_timeout: seconds a receiver has to answer a delivery.
        webhook_retries: further attempts after a failed delivery.
        webhook_retry_interval: seconds between delivery attempts.
        rate_job_delay: seconds until a patchRate/putRate job completes.
        today: the property-local date the sandbox lives on; default: today in Asia/Jakarta.
        rooms: how many rooms the property has; None keeps the catalogue's 33, more adds rooms to
            the room types in turn (a large hotel, for paging getRooms).
        readings: where the documentation is silent, which plausible answer to give
            (``pms.sandbox.readings``); unnamed readings keep their defaults.
    """

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 42
    reservations: int = 2000
    rate_limit: float | None = 5.0
    api_key: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_ttl: int = 3600
    webhook_timeout: float = 2.0
    webhook_retries: int = 5
    webhook_retry_interval: float = 60.0
    rate_job_delay: float = 2.0
    today: date | None = None
    rooms: int | None = None
    readings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.reservations < 0:
            raise ValueError("reservations must be zero or more")
        if self.rooms is not None and self.rooms < 1:
            raise ValueError("rooms must be at least 1")
        self.readings = {**default_readings(), **check_readings(self.readings)}
        if self.api_key is None:
            self.api_key = "cbat_" + derived_secret(self.seed, "api-key")
        if self.client_id is None:
            self.client_id = "sandbox_" + derived_secret(self.seed, "client-id", 12)
        if self.client_secret is None:
            self.client_secret = derived_secret(self.seed, "client-secret", 40)

    def __repr__(self) -> str:  # the API key and client secret never reach a log through a repr
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("api_key", "client_secret") and value:
                value = "cbat_••••" if f.name == "api_key" else "••••"
            shown.append(f"{f.name}={value!r}")
        return f"SandboxConfig({', '.join(shown)})"
