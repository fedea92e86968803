"""The one door every write to Cloudbeds goes through (domain rules 14 and 15).

``OutboundGuard.send`` checks a write against the policy (push switched on; the record created or
changed after push was switched on; whatever rule-specific refusal the caller found, such as
shortening an OTA stay or lowering a price), records it in ``cloudbed_outbound_log`` either way,
and only then calls Cloudbeds. The log row is written before the call and completed after it, in
their own transactions, so even a process killed mid-call leaves a trace that a write went out.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from pms.db import schema
from pms.errors import CloudbedsError, PushRefusedError
from pms.i18n import Said
from pms.sync.runstate import RunState

__all__ = ["CallTap", "OutboundGuard", "tap"]

T = TypeVar("T")
_LOG = schema.cloudbed_outbound_log


class CallTap:
    """Wraps a client's ``on_call`` hook to remember, per thread, the last record of each endpoint.

    The outbound log wants the HTTP status and Cloudbeds' request id of each write, which the
    client reports only through its hook. ``flush`` is passed through to the wrapped writer.
    """

    def __init__(self, inner: Callable | None) -> None:
        self.inner = inner
        self._local = threading.local()

    def __call__(self, record) -> None:
        last = getattr(self._local, "last", None)
        if last is None:
            last = self._local.last = {}
        last[record.endpoint] = record
        if self.inner is not None:
            self.inner(record)

    def last(self, endpoint: str):
        return (getattr(self._local, "last", None) or {}).get(endpoint)

    def forget(self, endpoint: str) -> None:
        (getattr(self._local, "last", None) or {}).pop(endpoint, None)

    def flush(self, *args, **kw):
        flush = getattr(self.inner, "flush", None)
        return flush(*args, **kw) if flush else True


def tap(client) -> CallTap:
    """The client's ``CallTap``, installed on first use."""
    transport = client.transport
    if not isinstance(transport.on_call, CallTap):
        transport.on_call = CallTap(transport.on_call)
    return transport.on_call


class OutboundGuard:
    """Checks, logs and performs writes to Cloudbeds for one run."""

    def __init__(self, run: RunState) -> None:
        self.run = run
        self.tap = tap(run.client)
        self.sent = 0
        self.refused = 0

    def policy(self, changed_at: datetime | None, *, ours: bool = False) -> str | None:
        """Why a write may not go out at all, or None.

        ``ours``: a booking made through our own walk-in form, sent once push is on whenever it
        was made (rule 14 protects records typed before the integration existed, not ours).
        """
        s = self.run.settings
        if not s.push_enabled:
            return Said("guard.push_off")
        if s.push_since is None:
            return Said("guard.no_start")
        if ours:
            return None
        if changed_at is None or changed_at < s.push_since:
            return Said("guard.before_start")
        return None

    def _payload(self, payload: Mapping[str, Any]) -> str:
        text = json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True)
        return self.run.client.redactor.text(text)[:60000]

    def _insert(self, **values) -> int:
        with self.run.engine.begin() as conn:
            res = conn.execute(sa.insert(_LOG).values(property_id=self.run.property_id, **values))
            return int(res.inserted_primary_key[0])

    def _finish(self, log_id: int, **values) -> None:
        with self.run.engine.begin() as conn:
            conn.execute(sa.update(_LOG).where(_LOG.c.id == log_id).values(**values))

    def refuse(
        self,
        operation: str,
        reason: str,
        *,
        local_table: str,
        local_id: int | None,
        cloudbed_id: str | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> PushRefusedError:
        """Log a refusal and return the error to raise."""
        self.refused += 1
        self._insert(
            operation=operation,
            local_table=local_table,
            local_id=local_id,
            cloudbed_id=cloudbed_id,
            decision="refused",
            reason=reason[:255],
            payload=self._payload(payload or {}),
            success=False,
        )
        return PushRefusedError(f"{operation} refused: {reason}", reason=reason)

    def send(
        self,
        operation: str,
        call: Callable[[], T],
        *,
        local_table: str,
        local_id: int | None,
        changed_at: datetime | None,
        cloudbed_id: str | None = None,
        payload: Mapping[str, Any] | None = None,
        refuse: str | None = None,
        ours: bool = False,
    ) -> T:
        """Perform ``call`` (one Cloudbeds write) if the guard allows it; log it either way.

        Raises:
            PushRefusedError: the write was refused (and logged as refused).
            CloudbedsError: Cloudbeds refused or failed it (logged as sent, not successful).
        """
        reason = refuse or self.policy(changed_at, ours=ours)
        if reason:
            raise self.refuse(
                operation,
                reason,
                local_table=local_table,
                local_id=local_id,
                cloudbed_id=cloudbed_id,
                payload=payload,
            )
        if not self.run.apply:
            raise PushRefusedError(f"{operation}: a preview sends nothing", reason="preview")
        log_id = self._insert(
            operation=operation,
            local_table=local_table,
            local_id=local_id,
            cloudbed_id=cloudbed_id,
            decision="sent",
            payload=self._payload(payload or {}),
        )
        self.tap.forget(operation)
        try:
            out = call()
        except CloudbedsError as exc:
            self._finish(
                log_id,
                success=False,
                http_status=exc.status,
                error=str(exc)[:4000],
                request_id=exc.request_id,
            )
            raise
        except Exception as exc:
            self._finish(log_id, success=False, error=f"{type(exc).__name__}: {exc}"[:4000])
            raise
        record = self.tap.last(operation)
        found = getattr(out, "reservation_id", None) if cloudbed_id is None else cloudbed_id
        self._finish(
            log_id,
            success=True,
            http_status=record.http_status if record else 200,
            request_id=record.request_id if record else None,
            cloudbed_id=found,
        )
        self.sent += 1
        return out
