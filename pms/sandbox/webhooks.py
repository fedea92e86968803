"""Webhook subscriptions and delivery, the way Cloudbeds is reported to do it (API.md §9).

A subscription is one (object, action) pair and one URL, owned by the credential that made it and
scoped to the property. Every change the store announces becomes a thin JSON event (version, event,
epoch ``timestamp``, ``propertyID`` as int and ``propertyID_str``, plus ids) POSTed to each matching
subscription from a worker pool, so a slow receiver never slows an API call. A delivery that gets
no 2xx within ``webhook_timeout`` is retried ``webhook_retries`` times, ``webhook_retry_interval``
seconds apart, with the original timestamp. Every attempt is recorded for
``GET /_sandbox/webhook-deliveries``.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import requests

from pms.sandbox.clock import SandboxClock, format_utc
from pms.sandbox.config import SandboxConfig
from pms.sandbox.scheduler import Scheduler

__all__ = ["EVENTS", "OBJECT_SCOPES", "Delivery", "Subscription", "Webhooks"]

log = logging.getLogger(__name__)

# object -> actions a subscription may name (API.md §9's catalogue).
EVENTS: dict[str, tuple[str, ...]] = {
    "reservation": (
        "created",
        "status_changed",
        "dates_changed",
        "deleted",
        "accommodation_changed",
        "accommodation_type_changed",
        "accommodation_status_changed",
        "notes_changed",
        "custom_fields_changed",
    ),
    "guest": ("created", "details_changed", "assigned", "removed", "accommodation_changed"),
    "api_queue_task": ("rate_status_changed",),
    "integration": ("appstate_changed",),
    "roomblock": ("created", "removed", "details_changed"),
    "housekeeping": ("room_condition_changed",),
    "night_audit": ("completed",),
}
# Subscribing needs the object's read scope even though the spec lists none on these calls.
OBJECT_SCOPES: dict[str, str | None] = {
    "reservation": "read:reservation",
    "guest": "read:guest",
    "api_queue_task": "read:rate",
    "integration": None,
    "roomblock": "read:roomblock",
    "housekeeping": "read:housekeeping",
    "night_audit": None,
}
MAX_DELIVERIES_KEPT = 20_000


@dataclass
class Subscription:
    subscription_id: str
    owner_id: str
    owner_client_id: str
    property_id: str
    object: str
    action: str
    url: str


@dataclass
class Delivery:
    delivery_id: int
    subscription_id: str
    url: str
    event: str
    payload: dict[str, Any]
    status: str = "pending"  # pending | ok | failed
    attempts: int = 0
    last_status: int | None = None
    last_error: str | None = None
    created_utc: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)


# Events whose reservation id depends on the ``guest_webhook`` reading.
GUEST_DETAIL_EVENTS = frozenset({"guest/created", "guest/details_changed"})


def _as_read(event: str, details: dict[str, Any], guest_webhook: str | None) -> dict[str, Any]:
    """The payload fields the ``guest_webhook`` reading lets through (``guest_only``: no reservation
    id on guest/created and guest/details_changed, as integrators quote real payloads)."""
    if event not in GUEST_DETAIL_EVENTS or guest_webhook == "with_reservation":
        return details
    return {k: v for k, v in details.items() if k.lower() != "reservationid"}


class Webhooks:
    """Subscriptions for one property and the deliveries made to them."""

    def __init__(
        self, config: SandboxConfig, clock: SandboxClock, scheduler: Scheduler, property_id: Callable[[], str]
    ) -> None:
        self.config = config
        self.clock = clock
        self.scheduler = scheduler
        self._property_id = property_id
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="sandbox-webhook")
        self._ids = itertools.count(1)
        self.subscriptions: dict[str, Subscription] = {}
        self.deliveries: list[Delivery] = []
        self._closed = False

    # --- subscriptions --------------------------------------------------------------------------

    def subscribe(self, owner_id: str, client_id: str, obj: str, action: str, url: str) -> Subscription:
        sub = Subscription(
            "ws_" + secrets.token_hex(5), owner_id, client_id, self._property_id(), obj, action, url
        )
        with self._lock:
            self.subscriptions[sub.subscription_id] = sub
        return sub

    def owned_by(self, owner_id: str) -> list[Subscription]:
        with self._lock:
            return [s for s in self.subscriptions.values() if s.owner_id == owner_id]

    def delete(self, owner_id: str, subscription_id: str) -> bool:
        with self._lock:
            sub = self.subscriptions.get(subscription_id)
            if sub is None or sub.owner_id != owner_id:
                return False
            del self.subscriptions[subscription_id]
            return True

    # --- events and deliveries ------------------------------------------------------------------

    def on_event(self, event: str, details: dict[str, Any]) -> None:
        """Store listener: turn a change into deliveries (never blocks: sending is in the pool)."""
        obj, _, action = event.partition("/")
        details = _as_read(event, details, self.config.readings.get("guest_webhook"))
        prop = self._property_id()
        payload = {
            "version": "1.0",
            "event": event,
            "timestamp": self.clock.now().timestamp(),
            "propertyID": int(prop),
            "propertyID_str": prop,
            **details,
        }
        with self._lock:
            targets = [s for s in self.subscriptions.values() if s.object == obj and s.action == action]
            created = []
            for sub in targets:
                delivery = Delivery(
                    next(self._ids),
                    sub.subscription_id,
                    sub.url,
                    event,
                    payload,
                    created_utc=format_utc(self.clock.now()) or "",
                )
                self.deliveries.append(delivery)
                created.append(delivery)
            if len(self.deliveries) > MAX_DELIVERIES_KEPT:
                del self.deliveries[: len(self.deliveries) - MAX_DELIVERIES_KEPT]
        for delivery in created:
            self._submit(delivery)

    def _submit(self, delivery: Delivery) -> None:
        if self._closed:
            return
        try:
            self._pool.submit(self._attempt, delivery)
        except RuntimeError:  # the pool is shutting down with the sandbox
            pass

    def _attempt(self, delivery: Delivery) -> None:
        status, error = None, None
        try:
            # A fresh connection per attempt: requests' Session is not meant to be shared by threads.
            resp = requests.post(
                delivery.url,
                json=delivery.payload,
                timeout=self.config.webhook_timeout,
                headers={"User-Agent": "Cloudbeds-Webhooks (pms sandbox)"},
            )
            status = resp.status_code
            ok = 200 <= status < 300
            if not ok:
                error = f"HTTP {status}"
        except requests.Timeout:
            ok, error = False, f"no answer within {self.config.webhook_timeout:g} s"
        except requests.RequestException as exc:
            ok, error = False, type(exc).__name__
        with self._lock:
            delivery.attempts += 1
            delivery.last_status, delivery.last_error = status, error
            delivery.history.append(
                {"at_utc": format_utc(self.clock.now()), "status": status, "error": error}
            )
            retry = not ok and delivery.attempts <= int(self.config.webhook_retries)
            delivery.status = "ok" if ok else ("pending" if retry else "failed")
        if retry:
            self.scheduler.call_later(
                float(self.config.webhook_retry_interval), lambda: self._submit(delivery)
            )

    # --- reporting ------------------------------------------------------------------------------

    def summary(self) -> dict[str, int]:
        with self._lock:
            counts = {"ok": 0, "failed": 0, "pending": 0}
            for d in self.deliveries:
                counts[d.status] += 1
            counts["subscriptions"] = len(self.subscriptions)
            return counts

    def report(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(d) for d in self.deliveries]

    def clear(self) -> None:
        with self._lock:
            self.subscriptions.clear()
            self.deliveries.clear()

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
