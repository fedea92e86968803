"""The background worker: webhook events within seconds, scheduled syncs, alerts, retention.

Two threads share one lease set:

- the **events** thread renews the heartbeat and the per-property leases, and works off webhook
  events as soon as they arrive (the receiver wakes it; a worker in another process polls the
  table every second). It waits until a burst has been quiet for a moment (``debounce``), but never
  longer than ``max_delay`` after the oldest event, so a burst of a thousand events becomes a few
  batched re-reads instead of a thousand single ones;
- the **scheduler** thread runs the incremental and nightly full syncs (``pms.worker.schedule``),
  follows queued rate jobs, evaluates and delivers alerts, and prunes old log rows.

Only properties whose lease this worker holds are touched, so several workers on one MySQL never
sync or process the same property at once; the sync engine's own lease guards each run as well.
Every piece of work is wrapped: an error is logged, counted, and followed by a backoff, never by
the thread's death. ``stop()`` finishes the current step, releases the leases and joins.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from pms.connection.properties import primary_property
from pms.db import leases
from pms.db.engine import reader
from pms.db.remote import advice
from pms.db.settings import Settings
from pms.db.settings_table import settings_table
from pms.db.types import utcnow
from pms.errors import AuthenticationError, SyncLockedError
from pms.webhooks import store
from pms.webhooks.processor import Processor
from pms.worker import heartbeat, takeover
from pms.worker.schedule import Plan, due_jobs, load_history

__all__ = ["Worker", "WorkerConfig", "ensure_switch_initialised"]

log = logging.getLogger(__name__)


@dataclass
class WorkerConfig:
    lease_ttl: timedelta = timedelta(seconds=60)
    renew_every: float = 10.0  # seconds between lease renewals / heartbeats
    event_poll: float = 1.0  # how often the table is looked at without a wake-up
    debounce: float = 0.3  # quiet time that ends a burst
    max_delay: float = 5.0  # the oldest event never waits longer than this (a burst ends first)
    schedule_every: float = 5.0
    alerts_every: float = 60.0
    retention_every: float = 3600.0
    rate_jobs_every: float = 30.0
    max_backoff: float = 60.0


@dataclass
class WorkerStats:
    ticks: int = 0
    batches: int = 0
    events_processed: int = 0
    syncs: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    last_error: str | None = None


def ensure_switch_initialised(engine: sa.Engine) -> None:
    """Store ``cloudbed_active = on`` if the switch was never set, so the dashboard shows what the
    worker does (a fresh install syncs) and turning it off later is an explicit act."""
    t = settings_table(engine)
    with reader(engine).connect() as conn:
        stored = conn.execute(
            sa.select(t.c.setting_value).where(t.c.setting_key == "cloudbed_active")
        ).first()
    if stored is None or stored[0] in (None, ""):
        Settings(engine).set("cloudbed_active", True)


class Worker:
    """Args:
    engine: the hotel database.
    jobs: the sync-engine bridge (default ``SyncJobs``); it is also the processor's applier.
    properties: which properties to work for (default: the connected one).
    config: timings.
    owner: the lease owner id (default: host:pid:worker:random).
    """

    def __init__(
        self,
        engine: sa.Engine,
        jobs: Any = None,
        *,
        properties: Callable[[], list[str]] | None = None,
        config: WorkerConfig | None = None,
        owner: str | None = None,
    ) -> None:
        if jobs is None:
            from pms.worker.jobs import SyncJobs

            jobs = SyncJobs(engine)
        self.engine = engine
        self.jobs = jobs
        self.config = config or WorkerConfig()
        self.owner = owner or leases.new_owner("worker")
        self._properties = properties or self._connected_property
        self.processor = Processor(engine, jobs)
        self.stats = WorkerStats()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._held: set[str] = set()
        self._last_notice: dict[str, float] = {}
        self._threads: list[threading.Thread] = []
        self._last: dict[str, float] = {}
        # Errors before a run is logged (no client, sync engine refused to start) back off here;
        # failed runs back off through the sync log (pms.worker.schedule).
        self._sync_errors: dict[str, tuple[int, float]] = {}
        # Runs a worker that died left unfinished, repeated at once by whoever took over (mode).
        self._repeat: dict[str, str] = {}

    def _connected_property(self) -> list[str]:
        """The connected property; asked of Cloudbeds (one getHotels call, at most every 5 minutes)
        when credentials name none."""
        pid = primary_property(self.engine)
        if pid:
            return [pid]
        if time.monotonic() - self._last.get("detect", float("-inf")) < 300:
            return []
        self._last["detect"] = time.monotonic()
        from pms.connection import build_client, detect_property
        from pms.db.credentials import has_credentials

        if not has_credentials(self.engine):
            return []
        client = build_client(self.engine, on_call=None)
        try:
            return [detect_property(self.engine, client)]
        except Exception as exc:  # no property yet: say why once every few minutes
            log.warning("worker: no property to sync yet: %s", exc)
            return []
        finally:
            client.close()

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Worker:
        if self._threads:
            return self
        ensure_switch_initialised(self.engine)
        self._stop.clear()
        for name, target in (("events", self._events_loop), ("scheduler", self._schedule_loop)):
            t = threading.Thread(target=target, name=f"pms-worker-{name}", daemon=True)
            t.start()
            self._threads.append(t)
        log.info("worker %s started", self.owner)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the current step, release the leases, join the threads."""
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)
        self._threads = []
        with self._lock:
            held, self._held = set(self._held), set()
        for pid in held:
            try:
                leases.release(self.engine, pid, leases.WORKER_LEASE, self.owner)
            except sa.exc.SQLAlchemyError:
                log.warning("could not release the lease on property %s", pid, exc_info=True)
        close = getattr(self.jobs, "close", None)
        if close is not None:
            close()
        log.info("worker %s stopped", self.owner)

    def is_alive(self) -> bool:
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    def notify(self, property_id: str | None = None, event_id: int | None = None) -> None:
        """A new event was stored (the receiver's hook): process soon."""
        if property_id is not None:
            self._last_notice[property_id] = time.monotonic()
        self._wake.set()

    @property
    def held(self) -> set[str]:
        with self._lock:
            return set(self._held)

    # --- the two loops ---------------------------------------------------------------------------

    def _guarded(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except Exception as exc:  # the loop survives anything; the error is logged and counted
            self.stats.errors += 1
            self.stats.last_error = f"{what}: {type(exc).__name__}: {exc}"[:500]
            hint = advice(exc) if isinstance(exc, sa.exc.DBAPIError) else None
            if hint:  # the database went away (a web host's allow-list, TLS): say why, once per try
                log.error("worker: %s failed: %s %s", what, str(exc.orig)[:300], hint)
            else:
                log.exception("worker: %s failed", what)
            return exc

    def _due(self, key: str, every: float) -> bool:
        now = time.monotonic()
        if now - self._last.get(key, float("-inf")) >= every:
            self._last[key] = now
            return True
        return False

    def _events_loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self.stats.ticks += 1
            result = None
            if self._due("leases", self.config.renew_every):
                result = self._guarded("lease renewal", self.renew_leases)
            for pid in sorted(self.held):
                if self._stop.is_set():
                    break
                outcome = self._guarded(f"webhook processing for {pid}", lambda p=pid: self.process_events(p))
                result = outcome if isinstance(outcome, Exception) else result
            failures = failures + 1 if isinstance(result, Exception) else 0
            wait = min(self.config.max_backoff, 2.0**failures) if failures else self.config.event_poll
            self._wake.wait(wait if not self._pending_soon() else min(wait, self.config.debounce))
            self._wake.clear()

    def _pending_soon(self) -> bool:
        now = time.monotonic()
        return any(now - t < self.config.max_delay + 1 for t in self._last_notice.values())

    def _schedule_loop(self) -> None:
        failures = 0
        # Leases first, so a freshly started worker can run its first sync at once.
        self._guarded("lease renewal", self.renew_leases)
        while not self._stop.is_set():
            result = self._guarded("scheduled work", self.run_scheduled)
            failures = failures + 1 if isinstance(result, Exception) else 0
            wait = min(self.config.max_backoff, 2.0**failures) if failures else self.config.schedule_every
            self._stop.wait(wait)

    # --- steps (public so tests and `worker --once` can drive them one at a time) ----------------

    def renew_leases(self) -> set[str]:
        now = utcnow()
        heartbeat.beat(self.engine, self.owner, now)
        wanted = set(self._properties())
        got = set()
        held = self.held
        for pid in wanted:
            before = None if pid in held else leases.lease_info(self.engine, pid, leases.WORKER_LEASE).owner
            if (
                leases.take(self.engine, pid, leases.WORKER_LEASE, self.owner, self.config.lease_ttl, now=now)
                is None
            ):
                if before and takeover.process_of(before) != takeover.process_of(self.owner):
                    # Taken over from a worker that stopped renewing (killed, or cut off).
                    mode = takeover.recover(self.engine, pid, before)
                    if mode:
                        self._repeat[pid] = mode
                got.add(pid)
        with self._lock:
            lost = self._held - got
            self._held = got
        for pid in lost - wanted:
            leases.release(self.engine, pid, leases.WORKER_LEASE, self.owner)
        return got

    def api_allowed(self) -> bool:
        return bool(Settings(self.engine).get("cloudbed_active"))

    def process_events(self, property_id: str, *, force: bool = False) -> Any:
        """Process the property's due events once a burst has settled (or at once with ``force``)."""
        now = utcnow()
        due = store.due(self.engine, property_id, now)
        if not due.count:
            return None
        if not force:
            quiet = time.monotonic() - self._last_notice.get(property_id, float("-inf"))
            if due.newest is not None:
                quiet = min(quiet, max((now - due.newest).total_seconds(), 0.0) + 1.0)
            oldest = (now - due.oldest).total_seconds() if due.oldest else 0.0
            if quiet < self.config.debounce and oldest < self.config.max_delay:
                return None
        report = self.processor.process(property_id, api_allowed=self.api_allowed())
        self.stats.batches += 1
        self.stats.events_processed += report.processed
        if report.auth_failed:
            self._auth_failed(property_id, report.errors[-1] if report.errors else "")
        return report

    def run_scheduled(self) -> None:
        for pid in sorted(self.held):
            if self._stop.is_set():
                return
            if self.api_allowed():
                self._guarded(f"scheduled sync of {pid}", lambda p=pid: self.sync_if_due(p))
                if self._due(f"adfpush:{pid}", self._push_poll_seconds()):
                    self._guarded(f"front-desk push of {pid}", lambda p=pid: self.push_front_desk(p))
                if self._due(f"rates:{pid}", self.config.rate_jobs_every):
                    self._guarded(f"rate-job follow-up of {pid}", lambda p=pid: self.follow_rate_jobs(p))
            if self._due(f"alerts:{pid}", self.config.alerts_every):
                self._guarded(f"alerts of {pid}", lambda p=pid: self.check_alerts(p))
        if self._due("retention", self.config.retention_every):
            self._guarded("log retention", self.prune)

    def sync_if_due(self, property_id: str, now: datetime | None = None) -> str | None:
        """Run the sync the schedule asks for, if any; returns the mode run."""
        now = now or utcnow()
        errors, retry_at = self._sync_errors.get(property_id, (0, 0.0))
        if errors and time.monotonic() < retry_at:
            return None
        cfg = Settings(self.engine).get_many(
            ["cloudbed_auto_sync", "cloudbed_sync_interval", "cloudbed_full_sync_hour", "cloudbed_timezone"]
        )
        # A run still marked running is not trusted to be alive (a killed process leaves one behind):
        # the sync engine's own lease decides, and refuses with SyncLockedError while it is held.
        history = load_history(self.engine, property_id)
        plan = due_jobs(
            now,
            history,
            auto_sync=cfg["cloudbed_auto_sync"],
            interval_minutes=cfg["cloudbed_sync_interval"],
            full_hour=cfg["cloudbed_full_sync_hour"],
            tz=cfg["cloudbed_timezone"],
        )
        repeat = self._repeat.pop(property_id, None)
        if repeat and cfg["cloudbed_auto_sync"]:
            plan = Plan(repeat, "repeating the run of a worker that stopped")
        if plan.job is None:
            return None
        log.info("worker: %s sync of property %s (%s)", plan.job, property_id, plan.reason)
        try:
            self.jobs.run(property_id, plan.job)
            self._sync_errors.pop(property_id, None)
        except SyncLockedError as exc:
            log.info(
                "worker: property %s is being synced elsewhere (%s); trying later", property_id, exc.owner
            )
            return None
        except Exception as exc:
            if isinstance(exc, AuthenticationError):
                self._auth_failed(property_id, str(exc))
            self._sync_errors[property_id] = (
                errors + 1,
                time.monotonic() + min(self.config.max_backoff * 5, self.config.schedule_every * 2**errors),
            )
            raise
        finally:
            self.stats.syncs[plan.job] = self.stats.syncs.get(plan.job, 0) + 1
        return plan.job

    def _push_poll_seconds(self) -> float:
        try:
            return float(Settings(self.engine).get("adf_push_poll_seconds"))
        except Exception:  # a broken setting must not stop the loop
            return 15.0

    def push_front_desk(self, property_id: str) -> bool:
        """Send what staff typed at the hotel's front desk, if anything (an idle look costs a few
        small queries and no Cloudbeds call); True when a push ran."""
        from pms.sync.adfpush import front_desk_waiting

        if not front_desk_waiting(self.engine, property_id):
            return False
        try:
            self.jobs.push(property_id)
        except SyncLockedError:
            return False  # a sync holds the property; it pushes too, or the next poll does
        return True

    def follow_rate_jobs(self, property_id: str) -> bool:
        if not self.jobs.rate_jobs_pending(property_id):
            return False
        self.jobs.rate_jobs(property_id)
        return True

    def check_alerts(self, property_id: str) -> Any:
        from pms import alerts
        from pms.alerts.delivery import deliver_pending

        result = alerts.evaluate(self.engine, property_id)
        deliver_pending(self.engine)
        return result

    def prune(self) -> Any:
        try:
            from pms.db.retention import prune
        except ImportError:  # retention arrives with the database layer's next release
            return None
        return prune(self.engine)

    def _auth_failed(self, property_id: str, message: str) -> None:
        from pms import alerts

        alerts.raise_alert(
            self.engine,
            property_id,
            "auth_revoked",
            "Cloudbeds refused the stored credentials, so nothing is synced: "
            f"{message[:300]} Reconnect on the Connection page.",
            severity="critical",
        )
