"""One HTTP attempt: send it, decode it, and report it as a ``CallRecord``.

This is the bottom layer, under the client's ``request()`` loop and the OAuth token calls. It
never raises for an HTTP status and never retries: it returns an ``Outcome`` (a response, or the
exception that stood in for one) and leaves the decisions to the layer above. It is also the only
place that sees request headers, and it never writes them anywhere: the ``CallRecord`` is built
from parameters that already went through the redactor.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from pms.cloudbeds.hooks import CallHook, CallRecord
from pms.cloudbeds.redaction import Redactor
from pms.outbound import CredentialSession

__all__ = ["USER_AGENT", "Outcome", "Transport"]

log = logging.getLogger("pms.cloudbeds")
USER_AGENT = "pms-cloudbeds-sync/1.0 (+python-requests)"


@dataclass(frozen=True)
class Outcome:
    """What one attempt produced.

    Attributes:
        status: HTTP status, or None when no response arrived.
        body: the decoded JSON (any type), or None.
        malformed: a response arrived but its body was not JSON.
        request_id: ``X-Request-ID`` of the response.
        retry_after: the raw ``Retry-After`` header.
        exception: the ``requests`` exception when no response arrived.
    """

    status: int | None
    body: Any = None
    malformed: bool = False
    request_id: str | None = None
    retry_after: str | None = None
    exception: BaseException | None = None

    @property
    def ok_envelope(self) -> bool:
        """2xx, a JSON object, and not ``success: false`` (Cloudbeds' logical failure on 200)."""
        if self.status is None or not 200 <= self.status < 300 or not isinstance(self.body, dict):
            return False
        return self.body.get("success", True) not in (False, "false", 0, "0")


def _summary(outcome: Outcome) -> str:
    if outcome.malformed:
        return "malformed response (not JSON)"
    body = outcome.body
    if not isinstance(body, dict):
        return f"{type(body).__name__} body"
    parts = ["success" if outcome.ok_envelope else "failure"]
    for key in ("count", "total"):
        if isinstance(body.get(key), (int, str)) and not isinstance(body.get(key), bool):
            parts.append(f"{key}={body[key]}")
    data = body.get("data")
    if isinstance(data, (list, dict)) and "count" not in body:
        parts.append(f"items={len(data)}")
    return " ".join(parts)


class Transport:
    """Sends single HTTP requests for one client and reports each through ``on_call``.

    Args:
        session: the ``requests.Session`` to use (its connection pool is reused across calls).
        timeout: seconds to wait for the connection and again for the answer.
        on_call: receives a ``CallRecord`` per attempt; an exception it raises is logged, not
            propagated, so a broken log writer never breaks a sync.
        redactor: scrubs secrets from parameters and error text.
        now: wall-clock UTC time for ``CallRecord.started_at``.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        timeout: float = 30.0,
        on_call: CallHook | None = None,
        redactor: Redactor | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        # Never requests.Session(): it forwards x-api-key across a redirect to another host.
        self.session = session or CredentialSession()
        self.timeout = timeout
        self.on_call = on_call
        self.redactor = redactor or Redactor()
        self._now = now or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self.sent = 0  # attempts sent through this transport (data calls and token calls)

    def send(
        self,
        verb: str,
        url: str,
        endpoint: str,
        pairs: list[tuple[str, str]],
        headers: dict[str, str],
        *,
        attempt: int = 1,
        property_id: str | None = None,
        redacted_params: dict[str, Any] | None = None,
    ) -> Outcome:
        """Perform one attempt. Never raises for HTTP errors or network failures."""
        with self._lock:
            self.sent += 1
        started = self._now()
        t0 = time.perf_counter()
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **headers}
        try:
            if verb in ("GET", "DELETE"):
                response = self.session.request(
                    verb, url, params=pairs, headers=all_headers, timeout=self.timeout
                )
            else:
                response = self.session.request(
                    verb, url, data=pairs, headers=all_headers, timeout=self.timeout
                )
        except requests.RequestException as exc:
            outcome = Outcome(status=None, exception=exc)
            error = f"{type(exc).__name__}: no response from {urlsplit(url).netloc}"
            self._report(
                endpoint, verb, started, t0, outcome, attempt, property_id, redacted_params, pairs, error
            )
            return outcome

        text = response.text
        malformed = False
        body: Any = None
        try:
            body = json.loads(text) if text.strip() else None
        except ValueError:
            malformed = True
        if body is None and not malformed and 200 <= response.status_code < 300:
            malformed = True  # Cloudbeds always sends a JSON body
        outcome = Outcome(
            status=response.status_code,
            body=body,
            malformed=malformed,
            request_id=response.headers.get("X-Request-ID"),
            retry_after=response.headers.get("Retry-After"),
        )
        error = None
        if not outcome.ok_envelope:
            message = ""
            if isinstance(body, dict):
                message = str(body.get("message") or body.get("error_description") or body.get("error") or "")
            error = self.redactor.text(f"HTTP {response.status_code} {message}".strip())[:500]
        self._report(
            endpoint, verb, started, t0, outcome, attempt, property_id, redacted_params, pairs, error
        )
        return outcome

    def _report(
        self, endpoint, verb, started, t0, outcome, attempt, property_id, redacted, pairs, error
    ) -> None:
        duration_ms = int((time.perf_counter() - t0) * 1000)
        log.debug(
            "%s %s attempt %d -> %s in %d ms (request id %s)",
            verb,
            endpoint,
            attempt,
            outcome.status,
            duration_ms,
            outcome.request_id,
        )
        if self.on_call is None:
            return
        params = redacted if redacted is not None else self.redactor.params(dict(pairs))
        record = CallRecord(
            endpoint=endpoint,
            method=verb,
            started_at=started,
            duration_ms=duration_ms,
            http_status=outcome.status,
            request_id=outcome.request_id,
            attempt=attempt,
            property_id=property_id,
            params=params,
            response_summary=_summary(outcome) if outcome.status is not None else None,
            error=error,
        )
        try:
            self.on_call(record)
        except Exception:  # the log writer must never break a sync
            log.warning("on_call hook failed for %s", endpoint, exc_info=True)

    def close(self) -> None:
        self.session.close()
