"""OAuth token state and the small interface through which it is persisted.

The client refreshes tokens; the database layer stores them encrypted. Neither should know how the
other works, so they meet here: a ``TokenSet`` value and a ``TokenStore`` protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["MemoryTokenStore", "TokenSet", "TokenStore"]


def _mask(value: str | None) -> str:
    if not value:
        return "None"
    return f"'{value[:4]}••••{value[-4:]}'" if len(value) > 12 else "'••••'"


@dataclass(frozen=True)
class TokenSet:
    """An OAuth access token, its refresh token and when the access token expires (UTC)."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime
    token_type: str = "Bearer"
    # Properties/groups the user consented for: [{"type": "property", "id": "..."}].
    resources: tuple[dict, ...] = field(default_factory=tuple)

    def expires_within(self, seconds: float, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return self.expires_at - now <= timedelta(seconds=seconds)

    def __repr__(self) -> str:  # tokens never reach a log through a repr
        return (
            f"TokenSet(access_token={_mask(self.access_token)}, refresh_token={_mask(self.refresh_token)}, "
            f"expires_at={self.expires_at.isoformat()})"
        )

    __str__ = __repr__


class TokenStore(Protocol):
    """Where OAuth tokens live between processes (the database, encrypted, in production).

    A store shared by several processes should also offer ``refresh_lock()``: a context manager
    held by one process at a time, so a credential is renewed once and the other processes read
    the result (``OAuthAuth`` uses it when present).
    """

    def load_tokens(self) -> TokenSet | None: ...

    def save_tokens(self, tokens: TokenSet) -> None: ...


class MemoryTokenStore:
    """A process-local TokenStore, for scripts and tests that do not need persistence."""

    def __init__(self, tokens: TokenSet | None = None) -> None:
        self._tokens = tokens

    def load_tokens(self) -> TokenSet | None:
        return self._tokens

    def save_tokens(self, tokens: TokenSet) -> None:
        self._tokens = tokens
