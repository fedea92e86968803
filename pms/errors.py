"""One error tree for the whole package, so callers catch what they can act on.

    PMSError
    ├── ConfigurationError        a setting or credential is missing or invalid (``.key`` names it)
    │   └── SettingsError         a stored setting failed validation
    ├── CloudbedsError            anything the Cloudbeds API (or the network to it) did
    │   ├── AuthenticationError   401, revoked or expired credentials, bad OAuth code
    │   ├── PermissionDeniedError the credential lacks a scope (403)
    │   ├── ValidationError       the request was refused as invalid (400/422); never retried
    │   ├── NotFoundError         the reservation, guest or rate does not exist (404)
    │   ├── RateLimitError        still 429 after the retries the policy allows
    │   ├── APIError              5xx, ``success: false`` on HTTP 200, or a malformed response
    │   └── APIConnectionError    timeout, refused connection, DNS, TLS
    ├── DatabaseSetupError        the schema is missing or could not be installed/verified
    ├── SyncError                 a sync run could not start or finish
    │   ├── SyncLockedError       another sync holds the property's lease
    │   └── RefreshFailed         a webhook-driven re-read stopped early (its events are retried)
    ├── PushRefusedError          the outbound guard refused a write to Cloudbeds
    ├── UserError                 an account operation was refused (name, password, last manager ...)
    └── EditError                 a change typed on the hotel side was refused (``.field`` names the input)

Messages are written for a hotel manager: they say what happened and what to do next. They never
contain secrets (API keys, tokens, client secrets, authorization codes, card data); the client
redacts before it builds an error, and ``__repr__`` shows only the class, status and request id.
"""

from __future__ import annotations

__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "CloudbedsError",
    "ConfigurationError",
    "DatabaseSetupError",
    "EditError",
    "NotFoundError",
    "PMSError",
    "PermissionDeniedError",
    "PushRefusedError",
    "RateLimitError",
    "RefreshFailed",
    "SettingsError",
    "SyncError",
    "SyncLockedError",
    "UserError",
    "ValidationError",
]


class PMSError(Exception):
    """Root of every error this package raises on purpose.

    Raised with a ``pms.i18n.Said`` as its message, ``said`` is that message as a key and values,
    so the dashboard shows it in the reader's language; ``str(exc)`` stays the English text.
    """

    _said = None  # set when the message to show differs from the English text (settings' keys)

    @property
    def said(self):
        message = self.args[0] if self.args else None
        if self._said is not None:
            return self._said
        return message if hasattr(message, "key") and hasattr(message, "values") else None


class ConfigurationError(PMSError):
    """A setting or credential is missing or invalid.

    Attributes:
        key: the name of the offending setting (``cloudbed_sync_interval``, ``PMS_PORT`` ...).
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class SettingsError(ConfigurationError):
    """A value for a stored setting failed validation; the message names the key."""


class CloudbedsError(PMSError):
    """Something went wrong talking to Cloudbeds.

    Attributes:
        status: HTTP status, or None when no response arrived.
        request_id: Cloudbeds' ``X-Request-ID`` (quote it to Cloudbeds support).
        endpoint: the API method, e.g. ``getReservations``.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = request_id
        self.endpoint = endpoint

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(endpoint={self.endpoint!r}, status={self.status!r}, "
            f"request_id={self.request_id!r})"
        )


class AuthenticationError(CloudbedsError):
    """The API key or OAuth token is missing, invalid, expired or revoked."""


class PermissionDeniedError(CloudbedsError):
    """The credential is valid but lacks the scope this call needs."""


class ValidationError(CloudbedsError):
    """Cloudbeds refused the request as invalid; retrying it unchanged will not help."""


class NotFoundError(CloudbedsError):
    """The requested object does not exist in Cloudbeds."""


class RateLimitError(CloudbedsError):
    """Cloudbeds kept answering 429 after the allowed retries."""


class APIError(CloudbedsError):
    """A server error, ``success: false`` on HTTP 200, or a response we could not parse."""


class APIConnectionError(CloudbedsError):
    """No usable response: timeout, connection refused, DNS or TLS failure."""


class DatabaseSetupError(PMSError):
    """The database schema is missing, incomplete, or could not be installed."""


class SyncError(PMSError):
    """A sync run could not start or complete."""


class SyncLockedError(SyncError):
    """Another process holds the sync lease for this property.

    Attributes:
        owner: who holds the lease (host:pid:purpose).
        expires_at: when the lease lapses if its holder stops renewing it.
    """

    def __init__(self, message: str, *, owner: str | None = None, expires_at=None) -> None:
        super().__init__(message)
        self.owner = owner
        self.expires_at = expires_at


class PushRefusedError(PMSError):
    """The outbound guard refused a write to Cloudbeds (the refusal is in the outbound log)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class RefreshFailed(SyncError):
    """A re-read asked for by webhook events stopped early; the events that asked for it are retried."""


class UserError(PMSError):
    """An account operation was refused (invalid name or password, duplicate, last manager ...)."""


class EditError(PMSError):
    """A hotel-side change was refused; ``field`` names the input to fix.

    Raised with a ``Said`` (``pms.edits.fields.refused``) it is said in the reader's language.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
