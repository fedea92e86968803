"""The Cloudbeds client: typed endpoint methods over one ``request()`` over a ``requests.Session``.

``request()`` is the single path every API call takes. Per attempt it waits for the credential's
token bucket, gets the auth header (renewing an OAuth token first when due), sends through the
transport (which reports a ``CallRecord``), and then decides: return the body, retry (429 with
``Retry-After``, 5xx, timeouts, connection errors, an unreadable body), renew and retry once after
a 401, or raise the error that ``errors.error_for_response`` builds. Creates whose outcome is
unknown are only repeated after the caller's look-up says they did not happen.

The typed methods live in endpoint groups (the ``methods_*`` modules: catalog, reservations,
guests, rates, webhooks) mixed into ``CloudbedsClient``; this module holds the machinery they share.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests

from pms.cloudbeds.auth import ApiKeyAuth, OAuthAuth
from pms.cloudbeds.encoding import encode_params
from pms.cloudbeds.endpoints import endpoint as endpoint_info
from pms.cloudbeds.errors import error_for_exception, error_for_response
from pms.cloudbeds.hooks import CallHook
from pms.cloudbeds.methods_catalog import CatalogMethods
from pms.cloudbeds.methods_guests import GuestMethods
from pms.cloudbeds.methods_payments import PaymentMethods
from pms.cloudbeds.methods_rates import RateMethods
from pms.cloudbeds.methods_reservations import ReservationMethods
from pms.cloudbeds.methods_webhooks import WebhookMethods
from pms.cloudbeds.pagination import OnPage, Paged, RawPage
from pms.cloudbeds.ratelimit import TokenBucket, credential_key, shared_limiter
from pms.cloudbeds.redaction import Redactor
from pms.cloudbeds.retry import RetryPolicy, parse_retry_after
from pms.cloudbeds.transport import Outcome, Transport
from pms.cloudbeds.wire import Reader
from pms.errors import APIConnectionError, CloudbedsError, ConfigurationError

__all__ = ["ClientStats", "CloudbedsClient", "Recovered"]

log = logging.getLogger("pms.cloudbeds")
T = TypeVar("T")
_MAX_WARNINGS = 1000


@dataclass(frozen=True)
class ClientStats:
    """Counters since the client was made (the sync's ``--json`` output reports them).

    Attributes:
        calls: HTTP attempts sent (retries and token calls included).
        retries: attempts that repeated an earlier one.
        rate_limited: HTTP 429 answers seen.
        errors: exceptions raised to the caller.
        refreshes: OAuth token renewals.
        recovered: creates found already done after an unknown outcome (not sent twice).
        warnings: odd values reported while reading answers.
        waited_s: seconds spent waiting for the rate limiter.
    """

    calls: int = 0
    retries: int = 0
    rate_limited: int = 0
    errors: int = 0
    refreshes: int = 0
    recovered: int = 0
    warnings: int = 0
    waited_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Recovered(Generic[T]):
    """``request()`` found that a create had already happened; ``value`` is what the check returned."""

    value: T


class _Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values = {name: 0 for name in ClientStats.__dataclass_fields__ if name != "waited_s"}

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.values[name] += n


class CloudbedsClient(
    CatalogMethods, ReservationMethods, GuestMethods, RateMethods, WebhookMethods, PaymentMethods
):
    """A Cloudbeds PMS API v1.3 client for one property.

    Args:
        base_url: e.g. ``https://api.cloudbeds.com/api/v1.3`` or a sandbox's ``base_url``.
        auth: ``ApiKeyAuth`` or ``OAuthAuth``.
        property_id: the property every call is about (sent as ``X-PROPERTY-ID`` and as the
            property filter); methods accept an explicit ``property_id`` to override it.
        property_timezone: IANA zone of the property. Cloudbeds sends some timestamps in
            property-local time; ``get_hotels()`` fills this in when it is not given.
        rate_limit: requests per second for this credential (Cloudbeds allows 5).
        burst: calls that may go out back to back after an idle spell (1 = evenly spaced).
        on_call: receives a ``CallRecord`` for every HTTP attempt (``cloudbed_api_log``).
        on_warning: receives each warning about odd wire values (also kept in ``warnings``).
        timeout: seconds to wait for a connection, and again for an answer.
        retry: the ``RetryPolicy``.
        clock, sleep: monotonic time and waiting, injectable so tests never wait.
        now: wall-clock UTC time (OAuth expiry, CallRecord timestamps).
        session: a ``requests.Session`` to reuse.
        limiter: a ``TokenBucket`` to use instead of the shared one for this credential.
        rate_end_date: how the server reads a rate interval's ``endDate`` (``inclusive`` or
            ``exclusive``; undocumented, see ``methods_rates``). It changes to ``exclusive`` when the
            server shows that reading; callers may keep what was learnt.
    """

    def __init__(
        self,
        base_url: str,
        auth: ApiKeyAuth | OAuthAuth,
        *,
        property_id: str | None = None,
        property_timezone: str | tzinfo | None = None,
        rate_limit: float = 5.0,
        burst: int = 1,
        on_call: CallHook | None = None,
        on_warning: Callable[[str], None] | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] | None = None,
        session: requests.Session | None = None,
        limiter: TokenBucket | None = None,
        rate_end_date: str = "inclusive",
    ) -> None:
        parts = urlsplit(base_url)
        if rate_end_date not in ("inclusive", "exclusive"):
            raise ConfigurationError(
                f"rate_end_date must be inclusive or exclusive, got {rate_end_date!r}",
                key="cloudbed_rate_end_date",
            )
        self.rate_end_date = rate_end_date
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(
                f"Not a usable Cloudbeds API address: {base_url!r}", key="cloudbed_base_url"
            )
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.property_id = str(property_id) if property_id is not None else None
        self.property_timezone = property_timezone  # type: ignore[assignment]  (property setter)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.redactor = Redactor(auth.secrets())
        self.transport = Transport(session, timeout=timeout, on_call=on_call, redactor=self.redactor, now=now)
        server = f"{parts.scheme}://{parts.netloc}"
        self.limiter = limiter or shared_limiter(
            credential_key(server, auth.credential()), rate_limit, burst, clock=clock, sleep=sleep
        )
        self._host = parts.netloc
        self._on_warning = on_warning
        self._counters = _Counters()
        self._waited_at_start = self.limiter.waited
        self.warnings: deque[str] = deque(maxlen=_MAX_WARNINGS)
        self._warned: set[str] = set()

    # --- configuration ---------------------------------------------------------------------

    @property
    def property_timezone(self) -> tzinfo | None:
        return self._zone

    @property_timezone.setter
    def property_timezone(self, value: str | tzinfo | None) -> None:
        if value is None or isinstance(value, tzinfo):
            self._zone = value
            return
        try:
            self._zone = ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigurationError(
                f"Unknown time zone {value!r} for the property.", key="property_timezone"
            ) from None

    @property
    def stats(self) -> ClientStats:
        with self._counters.lock:
            values = dict(self._counters.values)
        values["calls"] = self.transport.sent
        if isinstance(self.auth, OAuthAuth):
            values["refreshes"] = self.auth.refreshes
        return ClientStats(**values, waited_s=round(self.limiter.waited - self._waited_at_start, 3))

    def _warn(self, message: str) -> None:
        text = self.redactor.text(message)
        with self._counters.lock:  # the same warning (e.g. "zone unknown", once per page) is told once
            if text in self._warned:
                return
            if len(self._warned) < _MAX_WARNINGS * 5:
                self._warned.add(text)
        self.warnings.append(text)
        self._counters.add("warnings")
        log.info("cloudbeds data warning: %s", text)
        if self._on_warning is not None:
            try:
                self._on_warning(text)
            except Exception:  # a reporting hook must never break a sync
                log.warning("on_warning hook failed", exc_info=True)

    def reader(self) -> Reader:
        """A ``Reader`` for one answer, with the property's zone and this client's warnings."""
        return Reader(self._zone, self._warn)

    def _pid(self, property_id: str | None) -> str | None:
        return str(property_id) if property_id is not None else self.property_id

    # --- the one request path ----------------------------------------------------------------

    def request(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        property_id: str | None = None,
        check: Callable[[], Any] | None = None,
    ) -> dict[str, Any] | Recovered:
        """Call one Cloudbeds method and return its decoded JSON object.

        Args:
            name: the method, e.g. ``getReservations`` (its verb comes from ``endpoints``).
            params: parameters as Cloudbeds names them; ``None`` values are left out.
            property_id: sent as ``X-PROPERTY-ID`` (defaults to the client's property).
            check: for creates, a look-up run before repeating an attempt whose outcome is
                unknown; when it returns something other than None, the call is not repeated
                and ``Recovered(value)`` is returned instead.

        Raises:
            CloudbedsError: a subclass from ``pms.errors`` (see ``errors.error_for_response``).
        """
        try:
            return self._request(name, params or {}, self._pid(property_id), check)
        except CloudbedsError:
            self._counters.add("errors")
            raise

    def _request(self, name, params, property_id, check):
        info = endpoint_info(name)
        url = f"{self.base_url}/{name}"
        if self._zone is None and any(isinstance(v, datetime) and v.tzinfo for v in params.values()):
            self._warn(
                f"{name}: property time zone unknown, so a date-time filter was sent in its own zone "
                "(call load_property_timezone() or pass property_timezone= to the client)"
            )
        pairs = encode_params(params, self._zone)
        redacted = self.redactor.params(dict(pairs))
        extra_headers = {"X-PROPERTY-ID": property_id} if property_id else {}
        policy = self.retry
        attempt = 0
        renewed = False
        while True:
            attempt += 1
            if attempt > 1:
                self._counters.add("retries")
            self.limiter.acquire()
            auth_headers = self.auth.headers(self)
            out = self.transport.send(
                info.verb,
                url,
                name,
                pairs,
                {**auth_headers, **extra_headers},
                attempt=attempt,
                property_id=property_id,
                redacted_params=redacted,
            )
            last = attempt >= policy.max_attempts

            if out.status == 401:
                if not renewed and self.auth.after_401(self, auth_headers):
                    renewed = True
                    continue
                raise self._error(out, name, attempt, after_refresh=renewed)
            if out.status == 429:
                self._counters.add("rate_limited")
                wait = parse_retry_after(out.retry_after)
                if wait is not None and wait > policy.max_retry_after:
                    raise self._error(out, name, attempt, retry_after=wait)
                if last or not policy.retryable_status(429):
                    raise self._error(out, name, attempt)
                self.sleep(policy.delay(attempt, wait))
                continue  # a 429 is refused before any work is done: safe even for creates

            unknown = (
                (out.status is None and policy.retry_connection_errors)
                or (out.status is not None and out.status >= 500 and policy.retryable_status(out.status))
                or (out.status is not None and 200 <= out.status < 300 and out.malformed)
            )
            if unknown and info.retry == "check":
                # A create Cloudbeds may or may not have carried out: look before sending it again.
                if check is None:
                    raise self._unknown_outcome(out, name, attempt, None)
                try:
                    found = check()
                except CloudbedsError as exc:
                    raise self._unknown_outcome(out, name, attempt, exc) from exc
                if found is not None:
                    self._counters.add("recovered")
                    log.info("%s had already gone through; not sent again", name)
                    return Recovered(found)
                if last:
                    raise self._error(out, name, attempt)
                self.sleep(policy.backoff(attempt))
                continue
            if unknown and not last and info.retry == "safe":
                self.sleep(policy.backoff(attempt))
                continue
            if out.ok_envelope:
                return out.body
            raise self._error(out, name, attempt)

    def _error(self, out: Outcome, name: str, attempt: int, **kw: Any) -> CloudbedsError:
        if out.status is None:
            return error_for_exception(
                out.exception,
                endpoint=name,
                host=self._host,
                timeout=self.transport.timeout,
                attempts=attempt,
            )
        return error_for_response(
            out.status,
            out.body,
            endpoint=name,
            request_id=out.request_id,
            auth_kind=self.auth.kind,
            attempts=attempt,
            malformed=out.malformed,
            redact=self.redactor.text,
            **kw,
        )

    def _unknown_outcome(self, out: Outcome, name: str, attempt: int, cause: CloudbedsError | None):
        first = self._error(out, name, attempt)
        how = (
            "the check whether it went through failed too"
            if cause
            else "there is no identifier to check it by"
        )
        return APIConnectionError(
            f"{first.message} It is not known whether {name} went through, and {how}: look it up in "
            "Cloudbeds before trying again, so nothing is created twice.",
            endpoint=name,
            status=first.status,
            request_id=first.request_id,
        )

    # --- paging ------------------------------------------------------------------------------

    def paged(
        self,
        name: str,
        params: Mapping[str, Any],
        convert: Callable[[Reader, list[Any]], list[T]],
        *,
        property_id: str | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
        start_page: int = 1,
        nested_key: Callable[[T], Any] | None = None,
    ) -> Paged[T]:
        """A lazy iterator over every item of a paged list method (``nested_key``: see ``Paged``)."""

        def fetch(number: int, size: int) -> RawPage:
            body = self.request(
                name, {**params, "pageNumber": number, "pageSize": size}, property_id=property_id
            )
            return self._raw_page(body)

        def to_items(items: list[Any]) -> list[T]:
            return convert(self.reader(), items)

        return Paged(
            fetch,
            to_items,
            page_size=page_size,
            on_page=on_page,
            start_page=start_page,
            on_warning=self._warn,
            name=name,
            nested_key=nested_key,
        )

    def _raw_page(self, body: Mapping[str, Any]) -> RawPage:
        reader = self.reader()
        data = body.get("data")
        items = reader.items(data)  # a list, or a map keyed by id (getGuestList)
        if isinstance(data, Mapping):
            items = [
                dict(v, guestID=v.get("guestID") or k) if isinstance(v, Mapping) else v
                for k, v in data.items()
            ]
        return RawPage(
            items=items,
            count=reader.integer(body.get("count"), "count"),
            total=reader.integer(body.get("total"), "total"),
            body=dict(body),
        )

    # --- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> CloudbedsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"CloudbedsClient({self.base_url!r}, {self.auth!r}, property_id={self.property_id!r})"
