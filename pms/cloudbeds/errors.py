"""The one place where a Cloudbeds answer (or a failed connection) becomes an exception.

Every error the client raises is built here, so the classes, the attributes (HTTP status,
``X-Request-ID``, endpoint) and the wording stay consistent. Messages are written for the hotel
manager who will read them on the dashboard: what happened, and what to do about it. Any text that
came from the server passes through the client's redactor first, and is shortened, because a
server may echo a token back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pms.cloudbeds.endpoints import endpoint as endpoint_info
from pms.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    CloudbedsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
)

__all__ = ["AuthKind", "error_for_exception", "error_for_response", "server_message"]

AuthKind = Literal["api_key", "oauth", "none"]
_MAX_SERVER_TEXT = 300

# Phrases with which Cloudbeds reports, on HTTP 200 with success:false or a 400 (its documented
# statuses), what REST would answer with 404 or 403: both shapes become the same error.
_FORBIDDEN_HINTS = (
    "access denied",
    "lacks the",
    "insufficient scope",
    "missing scope",
    "not have permission",
    "no permission",
)
_NOT_FOUND_HINTS = (
    "not found",
    "does not exist",
    "doesn't exist",
    "no reservation",
    "invalid reservationid",
    "invalid guestid",
)


def server_message(body: Any, redact: Callable[[str], str] = lambda s: s) -> str:
    """The human part of an error body (``message``, OAuth ``error_description`` or ``error``)."""
    text = ""
    if isinstance(body, dict):
        for key in ("message", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                text = value.strip()
                break
    text = redact(text)
    if len(text) > _MAX_SERVER_TEXT:
        text = text[: _MAX_SERVER_TEXT - 1] + "…"
    return text


def _quoted(text: str) -> str:
    return f' Cloudbeds said: "{text}".' if text else ""


def _support(request_id: str | None) -> str:
    return f" (Cloudbeds request id {request_id})" if request_id else ""


@dataclass(frozen=True)
class _Answer:
    """One failed exchange, as the message builders need it."""

    status: int
    endpoint: str
    said: str  # ' Cloudbeds said: "..."' or ""
    ref: str  # " (Cloudbeds request id ...)" or ""
    auth_kind: AuthKind
    after_refresh: bool
    attempts: int
    retry_after: float | None


# Statuses that mean one thing whatever the endpoint; the rest are ranges (see ``_kind``).
_STATUS_KINDS = {401: "unauthorized", 403: "forbidden", 404: "not_found", 429: "rate_limited"}


def _kind(status: int, said: str, malformed: bool) -> str:
    """Which failure an exchange was; decides the class and the message."""
    if malformed and 200 <= status < 300:
        return "malformed"
    if status in (200, 400) and any(hint in said.lower() for hint in _NOT_FOUND_HINTS):
        return "not_found"  # Cloudbeds documents 400 (or 200) where REST would send 404
    if status in (200, 400) and any(hint in said.lower() for hint in _FORBIDDEN_HINTS):
        return "forbidden"  # ... and 200 with success:false where REST would send 403
    if status in _STATUS_KINDS:
        return _STATUS_KINDS[status]
    if status >= 500:
        return "server"
    if 400 <= status < 500:
        return "invalid"
    return "refused"  # HTTP 2xx/3xx with success:false: a logical refusal


def _unauthorized(a: _Answer) -> str:
    if a.endpoint == "access_token":
        return (
            f"Cloudbeds refused to issue a token.{a.said} The authorization code may have expired (codes "
            "last 10 minutes and work once), or the client ID/secret are wrong: connect Cloudbeds again "
            f"from the Connection page.{a.ref}"
        )
    if a.auth_kind == "oauth":
        detail = " even after renewing the access token" if a.after_refresh else ""
        return (
            f"Cloudbeds no longer accepts this connection{detail}.{a.said} The access was probably revoked "
            f"or the app was disconnected: reconnect Cloudbeds from the Connection page.{a.ref}"
        )
    return (
        f"Cloudbeds refused the credentials: it rejected the API key.{a.said} Keys stop working when they "
        "are revoked or unused for 30 days: create a new API key in Cloudbeds (Settings → Apps & "
        f"Marketplace → API access) and save it on the Connection page.{a.ref}"
    )


def _forbidden(a: _Answer) -> str:
    info = endpoint_info(a.endpoint)
    scope = f" the '{info.scope}' permission" if info.scope else " a permission"
    return (
        f"The Cloudbeds credential lacks{scope}, needed for {a.endpoint}.{a.said} Reconnect Cloudbeds and "
        f"approve that permission (or create an API key that includes it).{a.ref}"
    )


def _rate_limited(a: _Answer) -> str:
    if a.retry_after is not None:
        wait = f"Cloudbeds asked us to wait {a.retry_after:.0f} seconds"
    else:
        wait = f"Cloudbeds was still rate-limiting after {a.attempts} attempts"
    return (
        f"{wait} ({a.endpoint}). Wait a minute and try again. If it keeps happening, sync less often or "
        "stop other tools using the same credential: Cloudbeds may suspend credentials that keep going "
        f"over the limit.{a.ref}"
    )


def _server(a: _Answer) -> str:
    tries = f" after {a.attempts} attempts" if a.attempts > 1 else ""
    return (
        f"Cloudbeds had a server error (HTTP {a.status}) on {a.endpoint}{tries}. It usually passes: try "
        f"again in a few minutes; if it persists, contact Cloudbeds support{a.ref}."
    )


# failure kind -> (error class, message builder). Every message says what to do next.
_ERRORS: dict[str, tuple[type[CloudbedsError], Callable[[_Answer], str]]] = {
    "malformed": (
        APIError,
        lambda a: (
            f"Cloudbeds answered {a.endpoint} with a response that could not be read (HTTP {a.status}, not "
            f"valid JSON){a.ref}. This is usually temporary: try again in a few minutes."
        ),
    ),
    "unauthorized": (AuthenticationError, _unauthorized),
    "forbidden": (PermissionDeniedError, _forbidden),
    "not_found": (NotFoundError, lambda a: f"Cloudbeds has no such record ({a.endpoint}).{a.said}{a.ref}"),
    "rate_limited": (RateLimitError, _rate_limited),
    "server": (APIError, _server),
    "invalid": (
        ValidationError,
        lambda a: (
            f"Cloudbeds refused the {a.endpoint} request as invalid (HTTP {a.status}).{a.said} Correct the "
            f"data and try again; sending it unchanged will fail the same way.{a.ref}"
        ),
    ),
    "refused": (
        APIError,
        lambda a: (
            f"Cloudbeds refused {a.endpoint}.{a.said or ' It gave no reason.'} If the reason concerns the "
            f"property or the user who connected it, renew the connection on the Connection page.{a.ref}"
        ),
    ),
}


def error_for_response(
    status: int,
    body: Any,
    *,
    endpoint: str,
    request_id: str | None = None,
    auth_kind: AuthKind = "api_key",
    after_refresh: bool = False,
    attempts: int = 1,
    retry_after: float | None = None,
    malformed: bool = False,
    redact: Callable[[str], str] = lambda s: s,
) -> CloudbedsError:
    """Build the exception for one failed HTTP exchange.

    Args:
        status: the HTTP status (200 for ``success: false`` and malformed bodies).
        body: the decoded JSON body, or None when it could not be decoded.
        endpoint: the Cloudbeds method name.
        request_id: the response's ``X-Request-ID``.
        auth_kind: how the call was authenticated; decides what a 401 tells the manager.
        after_refresh: the 401 came even after a fresh OAuth token.
        attempts: how many attempts were made (quoted when retries ran out).
        retry_after: what the last 429 asked us to wait, when we gave up because it was too long.
        malformed: a 2xx body was not the JSON object Cloudbeds always sends (error statuses keep
            their own meaning whatever their body: a 503 page from a load balancer is still a 503).
        redact: scrubs secrets out of server text.

    Returns:
        An instance of the matching ``pms.errors`` class (never raised here).
    """
    said = _quoted(server_message(body, redact))
    answer = _Answer(
        status, endpoint, said, _support(request_id), auth_kind, after_refresh, attempts, retry_after
    )
    cls, message = _ERRORS[_kind(status, said, malformed)]
    return cls(message(answer), status=status, request_id=request_id, endpoint=endpoint)


def error_for_exception(
    exc: BaseException, *, endpoint: str, host: str, timeout: float | None, attempts: int = 1
) -> APIConnectionError:
    """Build the exception for an attempt that got no HTTP response at all."""
    name = type(exc).__name__
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    if "Timeout" in name:
        what = f"did not answer within {timeout:g} seconds" if timeout else "did not answer in time"
        return APIConnectionError(
            f"Cloudbeds ({host}) {what} on {endpoint}{tries}. Check the internet connection and try again.",
            endpoint=endpoint,
        )
    return APIConnectionError(
        f"Could not reach Cloudbeds at {host} for {endpoint}{tries} ({name}). Check the internet connection, "
        "proxy and firewall, then try again.",
        endpoint=endpoint,
    )
