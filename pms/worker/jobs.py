"""The worker's bridge to the sync engine: scheduled runs, webhook re-reads, rate-job follow-up.

Kept apart from the loop so the loop can be driven by another implementation in tests of its
scheduling, and so this is the only place that knows the sync engine's call shapes
(docs/architecture.md, ``pms.sync``). A fresh client per piece of work keeps threads from sharing a
``requests`` session; the rate limiter is shared per credential anyway, so the worker's threads
and the dashboard together stay under Cloudbeds' 5 requests/s.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any, Iterator

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader

__all__ = ["SyncJobs"]


class SyncJobs:
    """Sync-engine work for one database; also the webhook processor's ``Applier``."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @contextmanager
    def _context(self, property_id: str, trigger: str) -> Iterator[Any]:
        from pms.connection import build_client
        from pms.sync import SyncContext

        client = build_client(self.engine)
        try:
            yield SyncContext(engine=self.engine, client=client, property_id=property_id)
        finally:
            close = getattr(client, "close", None)
            if close is not None:
                close()

    def run(self, property_id: str, mode: str) -> Any:
        """One automatic sync run (``mode`` ``incremental`` or ``full``) of every entity."""
        from pms.sync import SyncRequest, run_sync

        with self._context(property_id, "auto") as ctx:
            return run_sync(ctx, SyncRequest(mode=mode, trigger="auto"))

    def reservations(self, property_id: str, ids: Sequence[str]) -> Any:
        from pms.sync import refresh_reservations

        with self._context(property_id, "webhook") as ctx:
            return refresh_reservations(ctx, list(ids))

    def guests(self, property_id: str, ids: Sequence[str]) -> Any:
        from pms.sync import refresh_guests

        with self._context(property_id, "webhook") as ctx:
            return refresh_guests(ctx, list(ids))

    def rate_jobs(self, property_id: str) -> Any:
        from pms.sync import follow_rate_jobs

        with self._context(property_id, "webhook") as ctx:
            return follow_rate_jobs(ctx)

    def rate_jobs_pending(self, property_id: str) -> bool:
        """Whether rate pushes are waiting for their job to finish (worth a getRateJobs call)."""
        t = schema.cloudbed_rate_sync
        with reader(self.engine).connect() as conn:
            return conn.execute(sa.select(t.c.id).where(t.c.property_id == property_id, t.c.status == "queued")
                                .limit(1)).first() is not None
