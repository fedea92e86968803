"""The worker's bridge to the sync engine: scheduled runs, webhook re-reads, rate-job follow-up.

Kept apart from the loop so the loop can be driven by another implementation in tests of its
scheduling, and so this is the only place that knows the sync engine's call shapes
(docs/architecture.md, ``pms.sync``). A fresh client per piece of work keeps threads from sharing a
``requests`` session; the rate limiter is shared per credential anyway, so the worker's threads
and the dashboard together stay under Cloudbeds' 5 requests/s.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.errors import AuthenticationError, RefreshFailed

__all__ = ["RefreshFailed", "SyncJobs"]


class SyncJobs:
    """Sync-engine work for one database; also the webhook processor's ``Applier``."""

    def __init__(self, engine: sa.Engine, slots: threading.Semaphore | None = None) -> None:
        from pms.db.apilog import ApiLogWriter

        self.engine = engine
        # Shared by the databases one process serves (pms.worker.group): at most that many
        # scheduled syncs at once, each with its own working memory.
        self.slots = slots
        # One API-log writer (one background thread) for every client this worker makes.
        self.api_log = ApiLogWriter(engine)

    def close(self) -> None:
        self.api_log.close()

    @contextmanager
    def _context(self, property_id: str) -> Iterator[Any]:
        from pms.connection import build_client
        from pms.sync import SyncContext

        client = build_client(self.engine, on_call=self.api_log)
        try:
            yield SyncContext(engine=self.engine, client=client, property_id=property_id)
        finally:
            close = getattr(client, "close", None)
            if close is not None:
                close()

    def run(self, property_id: str, mode: str) -> Any:
        """One automatic sync run (``mode`` ``incremental`` or ``full``); pushes too when push is on.

        A run that fails is logged by the sync engine and returned (``status == "failed"``); the
        schedule backs off by reading that log. A credential Cloudbeds refused is raised as
        ``AuthenticationError`` so the worker can raise its alert.
        """
        from pms.db.settings import Settings
        from pms.sync import SyncRequest, run_sync

        direction = "both" if Settings(self.engine).push_enabled else "pull"
        with self.slots or nullcontext(), self._context(property_id) as ctx:
            result = run_sync(ctx, SyncRequest(mode=mode, trigger="auto", direction=direction))
        _raise_if_refused(self.engine, property_id, result)
        return result

    def push(self, property_id: str) -> Any:
        """A push-only run: what the hotel side changed (the front desk's poll)."""
        from pms.sync import SyncRequest, run_sync

        with self._context(property_id) as ctx:
            result = run_sync(
                ctx,
                SyncRequest(mode="incremental", trigger="auto", direction="push", entities="reservations"),
            )
        _raise_if_refused(self.engine, property_id, result)
        return result

    def reservations(self, property_id: str, ids: Sequence[str]) -> Any:
        from pms.sync import refresh_reservations

        with self._context(property_id) as ctx:
            return _settled(self.engine, property_id, refresh_reservations(ctx, list(ids), trigger="webhook"))

    def guests(
        self,
        property_id: str,
        ids: Sequence[str],
        reservation_ids: Sequence[str] = (),
        since: datetime | None = None,
    ) -> Any:
        from pms.sync import refresh_guests

        with self._context(property_id) as ctx:
            result = refresh_guests(
                ctx, list(ids), reservation_ids=list(reservation_ids), since=since, trigger="webhook"
            )
            return _settled(self.engine, property_id, result)

    def rate_jobs(self, property_id: str) -> Any:
        from pms.sync import follow_rate_jobs

        with self._context(property_id) as ctx:
            return _settled(self.engine, property_id, follow_rate_jobs(ctx, trigger="webhook"))

    def room_blocks(self, property_id: str) -> Any:
        """A roomblock/* webhook: read the property's room blocks again into the mirror."""
        from pms.sync.roomblocks import refresh_blocks
        from pms.sync.runstate import property_zone

        with self._context(property_id) as ctx:
            zone = property_zone(self.engine, ctx.client, property_id)
            seen, why = refresh_blocks(self.engine, ctx.client, property_id, datetime.now(zone).date())
            if why:
                raise RuntimeError(why)
            return seen

    def app_state(self, property_id: str) -> str:
        """Whether the app is still enabled for the property, as the API answers (one call).

        Cloudbeds' ``getAppState`` is for partner apps only, and a disabled app's credentials are
        refused, so a refused credential reads as ``disabled`` and an answer as ``enabled``; any
        other failure raises, and the app-state events wait for a later try.
        """
        try:
            with self._context(property_id) as ctx:
                ctx.client.get_hotels().all()
        except AuthenticationError:
            return "disabled"
        return "enabled"

    def rate_jobs_pending(self, property_id: str) -> bool:
        """Whether rate pushes are waiting for their job to finish (worth a getRateJobs call)."""
        t = schema.cloudbed_rate_sync
        with reader(self.engine).connect() as conn:
            return (
                conn.execute(
                    sa.select(t.c.id)
                    .where(t.c.property_id == property_id, t.c.status.in_(("queued", "correcting")))
                    .limit(1)
                ).first()
                is not None
            )


def _refused(engine: sa.Engine, property_id: str, result: Any) -> bool:
    """Whether a failed run failed because Cloudbeds refused the credentials (a 401 during it)."""
    if getattr(result, "error_kind", None) == "AuthenticationError":
        return True
    started = getattr(result, "started_at", None)
    if started is None:
        return False
    log = schema.cloudbed_api_log
    with reader(engine).connect() as conn:
        return (
            conn.execute(
                sa.select(log.c.id)
                .where(
                    log.c.property_id == property_id, log.c.http_status == 401, log.c.created_at >= started
                )
                .limit(1)
            ).first()
            is not None
        )


def _raise_if_refused(engine: sa.Engine, property_id: str, result: Any) -> None:
    if getattr(result, "status", None) == "failed" and _refused(engine, property_id, result):
        raise AuthenticationError(getattr(result, "error", None) or "Cloudbeds refused the credentials")


def _settled(engine: sa.Engine, property_id: str, result: Any) -> Any:
    """The result of a re-read, or an error the processor records on the events (then retries)."""
    if getattr(result, "status", None) == "failed":
        _raise_if_refused(engine, property_id, result)
        raise RefreshFailed(getattr(result, "error", None) or "the re-read stopped early")
    return result
