"""Where we send data that managers configure: https only, and credentials never follow a redirect.

A manager types three destinations: the Cloudbeds API address (which receives the API key or the
OAuth client secret), the alert webhook (whose URL is a secret itself) and the SMTP server (which
receives the SMTP password). Over plain http anyone on the path reads what we send, so:

- URLs must be ``https``; plain ``http`` is accepted only for a loopback host (the demo sandbox,
  a test server) and only while the install is in demo mode or the test suite runs
  (``PMS_TEST_MODE``);
- SMTP must use STARTTLS under the same exception;
- ``CredentialSession`` drops ``x-api-key`` and ``Authorization`` when a redirect leads to another
  host (requests itself only drops ``Authorization``), so a compromised or mistyped API address
  cannot bounce our key to a third party.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import requests

from pms.config import in_test_mode
from pms.errors import SettingsError

__all__ = ["CREDENTIAL_HEADERS", "CredentialSession", "check_smtp", "check_url", "is_loopback"]

CREDENTIAL_HEADERS = ("authorization", "x-api-key")


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ::1)."""
    name = (host or "").strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _plain_allowed(host: str | None, demo: bool) -> bool:
    return is_loopback(host) and (demo or in_test_mode())


def check_url(url: str, *, key: str, demo: bool) -> str:
    """``url`` when it may receive what we send; otherwise SettingsError naming ``key``.

    Args:
        demo: the install is in demo mode (no Cloudbeds credentials stored).
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and _plain_allowed(parts.hostname, demo):
        return url
    raise SettingsError(
        f"{key}: use an https:// address (plain http is only accepted for this machine's own "
        "test or demo servers)",
        key=key,
    )


def check_smtp(host: str | None, starttls: bool, *, demo: bool) -> None:
    """Refuse an SMTP server reached without STARTTLS, except this machine's in demo/test mode."""
    if not host or starttls or _plain_allowed(host, demo):
        return
    raise SettingsError(
        "smtp_starttls: keep STARTTLS on: without it the SMTP password and the alerts travel in clear",
        key="smtp_starttls",
    )


class CredentialSession(requests.Session):
    """A ``requests.Session`` that strips every credential header when a redirect changes host."""

    def rebuild_auth(self, prepared_request, response) -> None:
        super().rebuild_auth(prepared_request, response)
        if self.should_strip_auth(response.request.url, prepared_request.url):
            for name in list(prepared_request.headers):
                if name.lower() in CREDENTIAL_HEADERS:
                    del prepared_request.headers[name]
