"""Going live from the Connection page: a new API key is tested before it is saved.

Saving credentials ends demo mode and purges the demo property's rows, so a typo in a key must
not get that far: ``try_api_key`` builds a client for the candidate key (nothing stored yet), runs
the same five checks as ``python -m pms test-connection`` and saves the key, with the property the
checks detected, only when every check passed. The OAuth app path saves the client id and secret
first, because Cloudbeds' consent page needs them; its tokens arrive through the callback route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa

from pms.connection.checks import CheckStep, run_connection_checks
from pms.db.credentials import DEFAULT_API_BASE, CredentialStore, check_api_key, check_property_id
from pms.errors import SettingsError

__all__ = ["ConnectAttempt", "oauth_connected", "return_to_demo", "save_oauth_app", "try_api_key"]


@dataclass
class ConnectAttempt:
    """What testing a candidate credential found; ``saved`` only when every step passed."""

    steps: list[CheckStep] = field(default_factory=list)
    saved: bool = False
    property_id: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)


def _api_base(value: str | None, engine: sa.Engine | None = None) -> str:
    """The candidate API address, refused unless it is https (``pms.outbound``: the key goes there)."""
    from pms.db.credentials import has_credentials
    from pms.outbound import check_url

    text = (value or "").strip() or DEFAULT_API_BASE
    parts = urlsplit(text)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(ch.isspace() for ch in text)
        or len(text) > 500
    ):
        raise SettingsError(
            "cloudbed_api_base: expected an address such as https://api.cloudbeds.com/api/v1.3",
            key="cloudbed_api_base",
        )
    demo = engine is None or not has_credentials(engine)
    return check_url(text.rstrip("/"), key="cloudbed_api_base", demo=demo)


def try_api_key(
    engine: sa.Engine,
    api_key: str,
    *,
    property_id: str | None = None,
    api_base: str | None = None,
    on_step: Callable[[CheckStep], None] | None = None,
) -> ConnectAttempt:
    """Test ``api_key`` against Cloudbeds and store it only if every check passes.

    Raises:
        SettingsError: the key, property id or address is malformed (nothing was tried or stored).
    """
    from pms.cloudbeds import ApiKeyAuth, CloudbedsClient
    from pms.db.apilog import ApiLogWriter

    key, base, pid = check_api_key(api_key), _api_base(api_base, engine), check_property_id(property_id)
    attempt = ConnectAttempt()
    with CloudbedsClient(base, ApiKeyAuth(key), property_id=pid, on_call=ApiLogWriter(engine)) as client:
        attempt.steps = run_connection_checks(engine, client=client, on_step=on_step)
        attempt.property_id = client.property_id
    if attempt.ok:
        CredentialStore(engine).save_api_key(key, property_id=attempt.property_id, api_base=base)
        attempt.saved = True
    return attempt


def save_oauth_app(
    engine: sa.Engine,
    client_id: str,
    client_secret: str | None,
    *,
    property_id: str | None = None,
    api_base: str | None = None,
) -> None:
    """Store the Cloudbeds app (ends demo mode); "Connect with Cloudbeds" then fetches the tokens.

    An empty ``client_secret`` keeps the stored one while the API address is unchanged.
    """
    CredentialStore(engine).save_oauth_app(
        client_id,
        client_secret,
        property_id=check_property_id(property_id),
        api_base=_api_base(api_base, engine),
    )


def oauth_connected(engine: sa.Engine) -> bool:
    """Whether the OAuth consent finished (tokens are stored)."""
    return CredentialStore(engine).load_tokens() is not None


def return_to_demo(engine: sa.Engine) -> None:
    """Forget every credential; the dashboard shows the demo property again (real rows are kept)."""
    CredentialStore(engine).clear()
