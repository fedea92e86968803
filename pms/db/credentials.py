"""Cloudbeds credentials, kept encrypted in the ``settings`` table.

Two ways in, as Cloudbeds offers them: an API key (preferred; it never needs refreshing), or an
OAuth app (client id and secret) whose tokens the client renews. ``CredentialStore`` is also the
client's ``TokenStore``, so renewed OAuth tokens land, encrypted, where every process (dashboard,
worker, CLI) reads them.

Saving real credentials ends demo mode: the demo property's rows are purged in the same step, so
demo data never mixes with a real property's data (``pms.db.purge.purge_demo_data``).

Renewing OAuth tokens is serialised across processes by ``refresh_lock``, a lease
(``pms.db.leases``) per OAuth client: a server that rotates refresh tokens refuses the second of
two refreshes made with the same one, so the dashboard, the worker and the CLI take turns, and
whoever waited reads the tokens the first one stored.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from pms.cloudbeds.tokens import TokenSet
from pms.db import leases
from pms.db.purge import purge_demo_data
from pms.db.secrets import SecretBox, hint
from pms.db.settings import Settings, refused
from pms.errors import APIConnectionError, SettingsError

__all__ = [
    "CREDENTIAL_KEYS",
    "DEFAULT_API_BASE",
    "REFRESH_LEASE",
    "CredentialStore",
    "Credentials",
    "consented_properties",
    "has_credentials",
]

DEFAULT_API_BASE = "https://api.cloudbeds.com/api/v1.3"
REFRESH_LEASE = "lease:oauth-refresh"
REFRESH_LEASE_TTL = timedelta(minutes=3)  # longer than a refresh with all its retries
_GLOBAL = "*"  # the credential is the installation's, not one property's
# The settings that say whether credentials are stored (read without decrypting anything).
CREDENTIAL_KEYS = ("cloudbed_auth_method", "cloudbed_api_key", "cloudbed_client_id")


def has_credentials(engine: sa.Engine, values: Mapping[str, Any] | None = None) -> bool:
    """Whether real Cloudbeds credentials are stored; demo mode is on exactly when they are not.

    Args:
        values: the ``CREDENTIAL_KEYS`` settings when the caller has read them already.
    """
    if values is None:
        values = Settings(engine).get_many(CREDENTIAL_KEYS)
    if values["cloudbed_auth_method"] == "oauth":
        return bool(values["cloudbed_client_id"])
    return bool(values["cloudbed_api_key"])


def consented_properties(resources: Any) -> list[str]:
    """The property ids an OAuth consent names (``cloudbed_token_resources``), in its order."""
    found = []
    for res in resources or []:
        if isinstance(res, dict) and res.get("type") == "property" and res.get("id"):
            found.append(str(res["id"]))
    return found


@dataclass(frozen=True)
class Credentials:
    """What the client needs to reach one property. Secrets never show in the repr."""

    auth_method: str  # api_key | oauth
    api_base: str
    property_id: str | None
    api_key: str | None = None
    client_id: str | None = None
    client_secret: str | None = None

    def __repr__(self) -> str:
        return (
            f"Credentials(auth_method={self.auth_method!r}, api_base={self.api_base!r}, "
            f"property_id={self.property_id!r}, api_key={hint(self.api_key)!r}, "
            f"client_id={self.client_id!r}, client_secret={hint(self.client_secret)!r})"
        )

    __str__ = __repr__

    def hints(self) -> dict[str, str | None]:
        """What a page may show."""
        return {
            "auth_method": self.auth_method,
            "api_base": self.api_base,
            "property_id": self.property_id,
            "api_key": hint(self.api_key),
            "client_id": self.client_id,
            "client_secret": hint(self.client_secret),
        }


def check_property_id(property_id: str | None) -> str | None:
    if property_id is None or not str(property_id).strip():
        return None
    text = str(property_id).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 20:
        shown = repr(text) if len(text) <= 30 else repr(text[:27] + "…")
        raise refused("cloudbed_property_id", "property_id", value=shown)
    return text


def check_api_key(api_key: str) -> str:
    text = (api_key or "").strip()
    if not text:
        raise refused("cloudbed_api_key", "api_key_empty")
    if (
        len(text) < 16
        or len(text) > 512
        or not text.isascii()
        or any(ch.isspace() or ord(ch) < 33 for ch in text)
    ):
        raise refused("cloudbed_api_key", "api_key_shape")
    return text


class CredentialStore:
    """Load and save Cloudbeds credentials; also the OAuth ``TokenStore``."""

    def __init__(self, engine: sa.Engine, box: SecretBox | None = None) -> None:
        self.engine = engine
        self.settings = Settings(engine, box)

    def load(self) -> Credentials | None:
        """The stored credentials, or None when there are none (demo mode)."""
        more = ("cloudbed_api_base", "cloudbed_property_id", "cloudbed_client_secret")
        with self.settings.prefetched((*CREDENTIAL_KEYS, *more)) as s:  # one query, not six
            if not has_credentials(self.engine, s.get_many(CREDENTIAL_KEYS)):
                return None
            method = s.get("cloudbed_auth_method")
            api_key = s.secret("cloudbed_api_key")
            client_id = s.get("cloudbed_client_id")
            return Credentials(
                auth_method=method,
                api_base=s.get("cloudbed_api_base") or DEFAULT_API_BASE,
                property_id=s.get("cloudbed_property_id"),
                api_key=api_key if method == "api_key" else None,
                client_id=client_id if method == "oauth" else None,
                client_secret=s.secret("cloudbed_client_secret") if method == "oauth" else None,
            )

    def save_api_key(
        self,
        api_key: str,
        *,
        property_id: str | None = None,
        api_base: str | None = None,
        purge_demo: bool = True,
    ) -> Credentials:
        """Store an API key (and property, API address); leaves demo mode."""
        values = {
            "cloudbed_auth_method": "api_key",
            "cloudbed_api_key": check_api_key(api_key),
            "cloudbed_property_id": check_property_id(property_id),
            "cloudbed_api_base": api_base or DEFAULT_API_BASE,
            "cloudbed_access_token": None,
            "cloudbed_refresh_token": None,
            "cloudbed_token_expires_at": None,
        }
        self.settings.set_many(values)
        if purge_demo:
            self._purge_demo()
        return self.load()  # type: ignore[return-value]

    def save_oauth_app(
        self,
        client_id: str,
        client_secret: str | None,
        *,
        property_id: str | None = None,
        api_base: str | None = None,
        purge_demo: bool = True,
    ) -> Credentials:
        """Store an OAuth app; the tokens arrive later through the callback (``save_tokens``).

        ``client_secret`` may be left out to keep the stored one, but only while the API address
        stays the same: the stored secret is never sent to a new address.
        """
        client_id = (client_id or "").strip()
        client_secret = (client_secret or "").strip()
        if not client_secret:
            stored = self.settings.get("cloudbed_api_base") or DEFAULT_API_BASE
            if (api_base or DEFAULT_API_BASE) == stored:
                client_secret = self.settings.secret("cloudbed_client_secret") or ""
            elif self.settings.secret("cloudbed_client_secret"):
                raise SettingsError(
                    "cloudbed_client_secret: enter the client secret again: the API address changed, "
                    "and the stored secret is never sent to a new address",
                    key="cloudbed_client_secret",
                )
        if not client_id or any(ch.isspace() for ch in client_id) or len(client_id) > 255:
            raise SettingsError(
                "cloudbed_client_id: enter the Client ID from the Cloudbeds app page",
                key="cloudbed_client_id",
            )
        if not client_secret or any(ch.isspace() for ch in client_secret):
            raise SettingsError(
                "cloudbed_client_secret: enter the Client Secret from the Cloudbeds app page",
                key="cloudbed_client_secret",
            )
        self.settings.set_many(
            {
                "cloudbed_auth_method": "oauth",
                "cloudbed_client_id": client_id,
                "cloudbed_client_secret": client_secret,
                "cloudbed_property_id": check_property_id(property_id),
                "cloudbed_api_base": api_base or DEFAULT_API_BASE,
            }
        )
        if purge_demo:
            self._purge_demo()
        return self.load()  # type: ignore[return-value]

    def set_property_id(self, property_id: str) -> None:
        self.settings.set("cloudbed_property_id", check_property_id(property_id))

    def clear(self) -> None:
        """Forget every credential and token (back to demo mode)."""
        self.settings.set_many(
            dict.fromkeys(
                (
                    "cloudbed_api_key",
                    "cloudbed_client_id",
                    "cloudbed_client_secret",
                    "cloudbed_access_token",
                    "cloudbed_refresh_token",
                    "cloudbed_token_expires_at",
                    "cloudbed_token_resources",
                    "cloudbed_property_id",
                )
            )
        )
        self.settings.set("cloudbed_auth_method", "api_key")

    def _purge_demo(self) -> None:
        purge_demo_data(self.engine)

    # --- TokenStore ----------------------------------------------------------------------

    def load_tokens(self) -> TokenSet | None:
        access = self.settings.secret("cloudbed_access_token")
        if not access:
            return None
        expires: datetime | None = self.settings.get("cloudbed_token_expires_at")
        resources = self.settings.get("cloudbed_token_resources") or []
        from pms.db.types import utcnow

        return TokenSet(
            access_token=access,
            refresh_token=self.settings.secret("cloudbed_refresh_token"),
            expires_at=expires or utcnow(),
            resources=tuple(resources),
        )

    def refresh_lease_name(self) -> str:
        """The lease that serialises renewals of the stored OAuth client's tokens."""
        client_id = self.settings.get("cloudbed_client_id") or ""
        return f"{REFRESH_LEASE}:{hashlib.sha256(client_id.encode()).hexdigest()[:16]}"

    @contextmanager
    def refresh_lock(self, *, timeout: float = 200.0, poll: float = 0.05) -> Iterator[None]:
        """Held by one process at a time while it renews the OAuth tokens (the client's
        ``TokenStore.refresh_lock``); the others wait, then read what it stored.

        Raises:
            APIConnectionError: another process held the renewal longer than ``timeout`` seconds.
        """
        name = self.refresh_lease_name()
        owner = leases.new_owner("oauth refresh")
        deadline = time.monotonic() + timeout
        while leases.take(self.engine, _GLOBAL, name, owner, REFRESH_LEASE_TTL, purpose="OAuth refresh"):
            if time.monotonic() >= deadline:
                raise APIConnectionError(
                    "Another process has been renewing the Cloudbeds access token for over "
                    f"{timeout:.0f} seconds; try again in a few minutes.",
                    endpoint="access_token",
                )
            time.sleep(poll)
        try:
            yield
        finally:
            try:
                leases.release(self.engine, _GLOBAL, name, owner)
            except sa.exc.SQLAlchemyError:
                pass  # it lapses by itself after REFRESH_LEASE_TTL

    def save_tokens(self, tokens: TokenSet) -> None:
        self.settings.set_many(
            {
                "cloudbed_access_token": tokens.access_token,
                "cloudbed_refresh_token": tokens.refresh_token,
                "cloudbed_token_expires_at": tokens.expires_at,
                "cloudbed_token_resources": list(tokens.resources),
            }
        )

    def __repr__(self) -> str:
        return f"CredentialStore({self.engine.url.render_as_string(hide_password=True)!r})"
