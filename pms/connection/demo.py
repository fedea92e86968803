"""Demo mode: a newcomer with no Cloudbeds credentials still sees real data flowing.

When no credentials are stored, the server starts the sandbox in-process on a free loopback port,
seeded with a demo property, and the rest of the system talks to it exactly as it would talk to
Cloudbeds. The running sandbox is a process-wide singleton so the dashboard script, the webhook
routes and the worker thread all see the same one.

Demo rows carry the demo property's id and that property is flagged ``is_demo`` in
``cloudbed_properties``; ``pms.db.purge.purge_demo_data`` removes them when real credentials are
saved, so demo data never mixes with a real property's data.
"""

from __future__ import annotations

import atexit
import logging
import secrets
import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["DEMO_RESERVATIONS", "DEMO_SEED", "DemoInfo", "current", "ensure_demo", "stop_demo"]

log = logging.getLogger(__name__)

DEMO_SEED = 42
DEMO_RESERVATIONS = 800

_lock = threading.Lock()
_current: DemoInfo | None = None


@dataclass(frozen=True)
class DemoInfo:
    """Where the in-process demo sandbox listens and how to authenticate to it."""

    base_url: str
    root_url: str
    api_key: str
    property_id: str
    sandbox: Any  # pms.sandbox.Sandbox; typed loosely so importing this module stays cheap

    def __repr__(self) -> str:
        return f"DemoInfo(base_url={self.base_url!r}, property_id={self.property_id!r})"


def current() -> DemoInfo | None:
    """The running demo sandbox of this process, if any."""
    return _current


def ensure_demo(reservations: int = DEMO_RESERVATIONS, **config: Any) -> DemoInfo:
    """Start the demo sandbox once per process and return where it listens.

    Webhook retries are quick (5 s) so a demo recovers at once from a delivery that raced the
    server's start-up. The seed fixes the demo hotel, not its credentials: the API key and the
    OAuth client secret are random per run, so knowing the seed gives no access to a running demo.
    """
    global _current
    with _lock:
        if _current is not None:
            return _current
        from pms.sandbox import Sandbox, SandboxConfig

        config.setdefault("seed", DEMO_SEED)
        config.setdefault("api_key", "cbat_" + secrets.token_hex(16))
        config.setdefault("client_secret", secrets.token_hex(20))
        config.setdefault("webhook_retry_interval", 5.0)
        box = Sandbox(SandboxConfig(reservations=reservations, **config)).start()
        _current = DemoInfo(
            base_url=box.base_url,
            root_url=box.root_url,
            api_key=box.api_key,
            property_id=box.property_id,
            sandbox=box,
        )
        atexit.register(stop_demo)
        log.info("demo sandbox listening at %s (property %s)", box.base_url, box.property_id)
        return _current


def stop_demo() -> None:
    """Stop the demo sandbox if this process started one."""
    global _current
    with _lock:
        info, _current = _current, None
    if info is not None:
        info.sandbox.stop()
