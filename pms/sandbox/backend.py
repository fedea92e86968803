"""Everything the sandbox serves, without the HTTP: data, credentials, limits, faults, counters.

The Starlette app (``app``) and the admin API (``admin``) are thin layers over one ``Backend``;
tests may also reach in directly (``box.backend.store``). ``reset()`` rebuilds the seeded world.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from pms.sandbox.auth import AuthRegistry
from pms.sandbox.catalog import TIMEZONE
from pms.sandbox.clock import SandboxClock
from pms.sandbox.config import RUNTIME_FIELDS, SandboxConfig
from pms.sandbox.faults import FaultBook
from pms.sandbox.ratelimit import RateLimiter
from pms.sandbox.rates import RateJobs
from pms.sandbox.readings import check_readings
from pms.sandbox.scheduler import Scheduler
from pms.sandbox.seed import seed_store
from pms.sandbox.store import Store
from pms.sandbox.webhooks import Webhooks

__all__ = ["Backend", "Stats"]


class Stats:
    """Request counters for ``/_sandbox/state`` (what a test asserts a client did)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.rate_limited = 0
            self.endpoints: Counter[str] = Counter()
            self.statuses: Counter[int] = Counter()

    def request(self, endpoint: str) -> None:
        with self._lock:
            self.requests += 1
            self.endpoints[endpoint] += 1

    def response(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1
            if status == 429:
                self.rate_limited += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "rate_limited": self.rate_limited,
                "endpoints": dict(self.endpoints),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            }


class Backend:
    """One sandbox's world. Build it, then hand it to ``app.build_app``."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.stats = Stats()
        self.faults = FaultBook()
        self.limiter = RateLimiter(config.rate_limit)
        self.scheduler = Scheduler()
        self.clock = SandboxClock(TIMEZONE, config.today)
        self.webhooks = Webhooks(config, self.clock, self.scheduler, lambda: self.store.property.property_id)
        self.rate_jobs = RateJobs(config, self.clock, self.scheduler, lambda: self.store)
        self._build()

    def _build(self) -> None:
        cfg = self.config
        self.clock.reset()
        self.store = Store(self.clock, cfg.seed)
        seed_store(self.store, cfg.reservations, self.clock.today(), cfg.rooms)
        self.auth = AuthRegistry(
            self.clock,
            self.store.property.property_id,
            cfg.api_key,
            cfg.client_id,
            cfg.client_secret,
            cfg.token_ttl,
            cfg.readings,
        )
        # Webhooks and rate jobs outlive a reset (their threads do); their records do not.
        self.webhooks.clear()
        self.rate_jobs.clear()
        self.store.subscribe(self.webhooks.on_event)

    def reset(self, counters_only: bool = False) -> None:
        """Zero the counters; unless ``counters_only``, also reseed data and drop tokens and faults."""
        self.stats.reset()
        self.faults.clear(counters=True)
        if counters_only:
            return
        self.scheduler.cancel_all()
        self.limiter.reset()
        with self.store.lock:
            self._build()

    def apply_config(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Change run-time settings (``RUNTIME_FIELDS``); returns the values now in force.

        Every value is checked before any is applied, so a bad request changes nothing.
        """
        unknown = set(changes) - set(RUNTIME_FIELDS)
        if unknown:
            raise ValueError(
                f"cannot change {', '.join(sorted(unknown))} at run time; "
                f"changeable: {', '.join(RUNTIME_FIELDS)}"
            )
        parsed: dict[str, Any] = {}
        for name, raw in changes.items():
            if name == "readings":
                parsed[name] = {**self.config.readings, **check_readings(raw)}
                continue
            if name == "rate_limit":
                value = None if raw in (None, 0) else float(raw)
            elif name in ("token_ttl", "webhook_retries"):
                value = int(raw)
            else:
                value = float(raw)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")
            parsed[name] = value
        for name, value in parsed.items():
            if name == "readings":  # in place: the store and the webhook sender hold this dict
                self.config.readings.update(value)
                continue
            setattr(self.config, name, value)
            if name == "rate_limit":
                self.limiter.rate = value
            elif name == "token_ttl":
                self.auth.token_ttl = value
        return {
            name: dict(value) if isinstance(value := getattr(self.config, name), dict) else value
            for name in RUNTIME_FIELDS
        }

    def reading(self, name: str) -> str:
        """The value of one reading in force (``pms.sandbox.readings``)."""
        return self.config.readings[name]

    def state(self) -> dict[str, Any]:
        store = self.store
        with store.lock:
            live = [r for r in store.reservations.values() if not r.is_deleted]
            data = {
                "property_id": store.property.property_id,
                "today": self.clock.today().isoformat(),
                "now_utc": self.clock.now().strftime("%Y-%m-%d %H:%M:%S"),
                "clock_offset_seconds": self.clock.offset_seconds,
                "reservations": len(live),
                "reservations_deleted": len(store.reservations) - len(live),
                "guests": len(store.guests),
                "rooms": len(store.rooms),
                "version": store.version,
            }
        data.update(self.stats.snapshot())
        data["faults_served"] = dict(self.faults.served)
        data["faults_pending"] = self.faults.pending()
        data["auth"] = self.auth.summary()
        data["rate_limit"] = self.limiter.rate
        data["readings"] = dict(self.config.readings)
        data["webhooks"] = self.webhooks.summary()
        data["rate_jobs"] = {
            s: sum(1 for j in self.rate_jobs.jobs.values() if j.status == s)
            for s in ("in_progress", "completed", "error")
        }
        return data

    def close(self) -> None:
        self.scheduler.stop()
        self.webhooks.close()
