"""``POST /webhooks/cloudbeds/<token>``: authenticate, file the raw event durably, answer at once.

Cloudbeds retries a delivery that is not answered 2xx within about two seconds (API.md §9), and
retries make duplicates, so the receiver does as little as possible: token check (constant time),
size and JSON checks, one insert keyed on the dedupe key, and a nudge to the worker. Everything
else (re-reading Cloudbeds, writing ``reservasi``) happens later in the processor.

| situation | answer |
|---|---|
| wrong or missing token | 404 (the same answer as an unknown path) |
| body over ``MAX_BODY_BYTES`` | 413 |
| not UTF-8 JSON, or JSON without an ``event`` | 400 |
| a property this installation is not connected to | 202, stored as ignored and logged |
| an event type the processor does not use | 202, stored as ignored |
| a duplicate (same event, ids, property and timestamp) | 200 ``duplicate: true``, nothing stored |
| anything else | 200, stored as pending |
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from pms.connection.properties import PropertyCache
from pms.webhooks import store
from pms.webhooks.events import EventError, ParsedEvent, parse_event
from pms.webhooks.tokens import TokenCheck

__all__ = ["MAX_BODY_BYTES", "Answer", "BatchWriter", "Receiver", "webhook_endpoint"]

log = logging.getLogger(__name__)

# Cloudbeds events are a few hundred bytes; this leaves room for custom-field payloads and still
# fits a MySQL TEXT column (65,535 bytes), where the raw body is kept.
MAX_BODY_BYTES = 60_000


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


NOT_FOUND = Answer(404, {"error": "not_found"})


class Receiver:
    """The route's logic, free of HTTP details so it can be called from a test or a thread.

    Args:
        engine: the hotel database.
        on_stored: called with (property_id, event id) after a new pending event is committed;
            the in-process worker uses it to start processing at once instead of polling.
    """

    def __init__(self, engine: sa.Engine, on_stored: Callable[[str, int], None] | None = None) -> None:
        self.engine = engine
        self.on_stored = on_stored
        self.token_ok = TokenCheck(engine)
        self.properties = PropertyCache(engine)
        self._writer: BatchWriter | None = None
        self._writer_lock = threading.Lock()

    def parse(self, body: bytes) -> Answer | tuple[ParsedEvent, str]:
        """Size, UTF-8, JSON and event checks (no database): an error answer, or the event."""
        if len(body) > MAX_BODY_BYTES:
            return Answer(413, {"error": "payload_too_large", "limit_bytes": MAX_BODY_BYTES})
        try:
            text = body.decode("utf-8")
            decoded = json.loads(text)
        except (UnicodeDecodeError, ValueError):
            return Answer(400, {"error": "invalid_json", "message": "the body must be a UTF-8 JSON object"})
        except RecursionError:  # thousands of nested brackets fit in the size limit
            return Answer(400, {"error": "invalid_json", "message": "the JSON is nested too deeply"})
        try:
            return parse_event(decoded), text
        except EventError as exc:
            return Answer(400, {"error": "invalid_event", "message": str(exc)})

    def accept(self, body: bytes) -> Answer:
        """File a body whose token was already checked (one event, its own transaction)."""
        parsed = self.parse(body)
        if isinstance(parsed, Answer):
            return parsed
        return self.file_many([parsed])[0]

    def file_many(self, events: list[tuple[ParsedEvent, str]]) -> list[Answer]:
        """Store parsed events in one transaction; answers in the same order."""
        items: list[store.Incoming] = []
        for parsed, text in events:
            if parsed.property_id is None or parsed.property_id not in self.properties:
                log.warning(
                    "webhook %s for property %s, which is not connected here: stored as ignored",
                    parsed.event,
                    parsed.property_id,
                )
                items.append(store.Incoming(parsed, text, "ignored", "property not connected"))
            elif not parsed.known:
                items.append(store.Incoming(parsed, text, "ignored", "event type not used"))
            else:
                items.append(store.Incoming(parsed, text))
        recorded = store.record_many(self.engine, items)
        answers = []
        for item, rec in zip(items, recorded, strict=True):
            if item.status == "ignored":
                answers.append(Answer(202, {"ok": True, "ignored": item.error, "duplicate": rec.duplicate}))
                continue
            if not rec.duplicate and self.on_stored is not None and rec.id is not None:
                try:
                    self.on_stored(item.parsed.property_id, rec.id)
                except Exception:  # a wake-up hook never costs Cloudbeds a 5xx: the event is stored
                    log.warning("webhook wake-up hook failed", exc_info=True)
            answers.append(Answer(200, {"ok": True, "id": rec.id, "duplicate": rec.duplicate}))
        return answers

    @property
    def writer(self) -> BatchWriter:
        with self._writer_lock:
            if self._writer is None or not self._writer.alive:
                self._writer = BatchWriter(self)
            return self._writer

    def close(self) -> None:
        with self._writer_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None


class BatchWriter:
    """One thread that stores what concurrent requests hand it, many per transaction.

    A burst of deliveries then costs one commit per batch instead of one per event, and requests
    never queue for the database's write lock one by one; each request is still answered only
    after its event is committed.
    """

    def __init__(self, receiver: Receiver, max_batch: int = 200) -> None:
        self.receiver = receiver
        self.max_batch = max_batch
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="pms-webhook-writer", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def submit(self, parsed: ParsedEvent, text: str) -> Future:
        fut: Future = Future()
        self._queue.put((parsed, text, fut))
        return fut

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                batch.append(more)
            try:
                answers = self.receiver.file_many([(p, t) for p, t, _ in batch])
            except Exception as exc:  # nothing of the batch was stored: every request gets a 5xx
                for _, _, fut in batch:
                    fut.set_exception(exc)
                continue
            for (_, _, fut), answer in zip(batch, answers, strict=True):
                fut.set_result(answer)


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it grows past ``limit`` (never buffers more than that)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def webhook_endpoint(get_receiver: Callable[[], Receiver | None]):
    """A Starlette endpoint bound to the running receiver (``None`` while the server starts)."""

    async def endpoint(request: Request) -> Response:
        receiver = get_receiver()
        if receiver is None:
            return JSONResponse({"error": "starting"}, status_code=503, headers={"Retry-After": "5"})
        token = request.path_params.get("token", "")
        check = receiver.token_ok
        ok = check(token) if check.fresh else await run_in_threadpool(check, token)
        if not ok:
            return JSONResponse(NOT_FOUND.body, status_code=404)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return JSONResponse(
                {"error": "payload_too_large", "limit_bytes": MAX_BODY_BYTES}, status_code=413
            )
        try:
            body = await _read_limited(request, MAX_BODY_BYTES)
        except ClientDisconnect:
            return Response(status_code=400)
        if body is None:
            return JSONResponse(
                {"error": "payload_too_large", "limit_bytes": MAX_BODY_BYTES}, status_code=413
            )
        parsed = receiver.parse(body)  # microseconds: a few hundred bytes of JSON and one hash
        if isinstance(parsed, Answer):
            return JSONResponse(parsed.body, status_code=parsed.status)
        try:
            answer = await asyncio.wrap_future(receiver.writer.submit(*parsed))
        except sa.exc.SQLAlchemyError:
            # Not stored: a 5xx makes Cloudbeds deliver it again later.
            log.exception("webhook could not be stored")
            return JSONResponse({"error": "unavailable"}, status_code=503, headers={"Retry-After": "30"})
        return JSONResponse(answer.body, status_code=answer.status)

    return endpoint
