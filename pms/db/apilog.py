"""``cloudbed_api_log``: every Cloudbeds call, written without slowing the call down.

The client reports each HTTP attempt as a ``CallRecord`` (already redacted). Writing a row per call
synchronously would put a database round trip in every API call and, on SQLite, could wait behind
the sync's own write transaction. So records go into a queue and a background thread inserts them
in batches; ``flush()`` waits until everything queued so far is stored (the sync calls it at the
end of a run so the counts on the dashboard match the run).

A batch is written when ``FLUSH_EVERY_S`` have passed since its first record, when it holds
``_BATCH`` records, or when someone flushes: at Cloudbeds' 5 calls a second a transaction per call
would be ~19% of a sync's database round trips, one every few seconds is under 1%. Nothing is lost
on a normal exit (``flush`` at the end of each run, and at interpreter exit); a process killed
outright loses at most the last ``FLUSH_EVERY_S`` seconds of log rows (never any sync data).
"""

from __future__ import annotations

import atexit
import json
import logging
import queue
import threading
import time
import weakref

import sqlalchemy as sa

from pms.cloudbeds.hooks import CallRecord
from pms.db import schema

__all__ = ["ApiLogWriter", "record_to_row"]

log = logging.getLogger(__name__)

_BATCH = 200
IDLE_EXIT_S = 30.0
FLUSH_EVERY_S = 5.0
_LIVE: weakref.WeakSet[ApiLogWriter] = weakref.WeakSet()


@atexit.register
def _flush_all_at_exit() -> None:
    for writer in list(_LIVE):
        if writer._thread is not None or not writer._queue.empty():
            writer.flush(timeout=5.0)


def _cut(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record_to_row(rec: CallRecord) -> dict:
    return {
        "property_id": rec.property_id,
        "endpoint": rec.endpoint[:64],
        "method": rec.method[:8],
        "http_status": rec.http_status,
        "duration_ms": rec.duration_ms,
        "request_id": _cut(rec.request_id, 64),
        "attempt": rec.attempt,
        "params": _cut(json.dumps(rec.params, ensure_ascii=False, default=str, sort_keys=True), 4000),
        "response_summary": _cut(rec.response_summary, 500),
        "error": _cut(rec.error, 500),
        "created_at": rec.started_at,
    }


class ApiLogWriter:
    """A ``CallHook`` that stores records in ``cloudbed_api_log`` from a background thread."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._queue: queue.Queue[CallRecord | threading.Event | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.written = 0
        self.dropped = 0
        _LIVE.add(self)

    def __call__(self, record: CallRecord) -> None:
        self._queue.put(record)
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="pms-api-log", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=IDLE_EXIT_S)
            except queue.Empty:
                # Idle: end the thread, so short-lived clients (one per dashboard action) leave no
                # threads behind. Under the lock, so a record queued meanwhile is never stranded:
                # its writer either sees this thread alive or starts a new one.
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            if item is None:
                return
            batch: list[CallRecord] = []
            waiters: list[threading.Event] = []
            deadline = time.monotonic() + FLUSH_EVERY_S
            while True:
                if isinstance(item, threading.Event):
                    waiters.append(item)
                elif item is not None:
                    batch.append(item)
                if item is None or waiters or len(batch) >= _BATCH:
                    break
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
            self._store(batch)
            for w in waiters:
                w.set()
            if item is None:
                return

    def _store(self, batch: list[CallRecord]) -> None:
        if not batch:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(schema.cloudbed_api_log), [record_to_row(r) for r in batch])
            self.written += len(batch)
        except Exception:  # logging must never break a sync; the loss is itself logged
            self.dropped += len(batch)
            log.warning("could not store %d API log record(s)", len(batch), exc_info=True)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every record queued so far is stored; False on timeout."""
        done = threading.Event()
        self._queue.put(done)
        self._ensure_thread()
        return done.wait(timeout)

    def close(self) -> None:
        self.flush()
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=5)
