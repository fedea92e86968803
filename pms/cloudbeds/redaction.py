"""Keep secrets out of everything the client writes down: logs, CallRecords, exceptions, reprs.

Redaction happens by construction, not by remembering to call it: the client only ever builds a
``CallRecord`` or an error message from values that passed through this module. Three layers:

* parameter names that always carry a secret (``client_secret``, ``code``, ``refresh_token``,
  card fields ...) have their values replaced, whatever the value is;
* every secret a credential object in this process has held (API keys, tokens, client secrets)
  is registered here and scrubbed out of any free text (a server message that echoes a token);
* things that look like credentials (``cbat_...`` keys, ``Bearer ...``) or card numbers (13-19
  digits passing the Luhn check) are masked in free text even when nobody registered them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "REDACTED",
    "SECRET_PARAM_NAMES",
    "Redactor",
    "is_secret_param",
    "known_secrets",
    "mask",
    "redact_params",
    "redact_text",
    "register_secret",
]

REDACTED = "[redacted]"
_MIN_SECRET = 6  # shorter values are too likely to be ordinary words or numbers

# Lower-case parameter names whose values are secret wherever they appear (also as the last
# bracket segment of a form key, e.g. ``cards[0][cardNumber]``).
SECRET_PARAM_NAMES = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "authorization",
        "client_secret",
        "code",
        "password",
        "refresh_token",
        "token",
        "x-api-key",
        "cardtoken",
        "cardnumber",
        "cardcvv",
        "cvv",
        "cardexpiration",
        "cardholdername",
        "paymentauthorizationcode",
    }
)

_LAST_SEGMENT = re.compile(r"\[([^\[\]]*)\]$")
_API_KEY = re.compile(r"\bcbat_[A-Za-z0-9_\-]{4,}")
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{6,}")
_DIGIT_RUN = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def mask(value: str | None) -> str:
    """A hint of a secret that is safe to show: ``cbat••••abcd`` for long values, else ``••••``."""
    if not value:
        return "None"
    return f"{value[:4]}••••{value[-4:]}" if len(value) > 16 else "••••"


def is_secret_param(name: str) -> bool:
    """True when a query/form parameter name always carries a secret (case-insensitive)."""
    key = name.lower()
    match = _LAST_SEGMENT.search(key)
    if match:
        key = match.group(1)
    return key in SECRET_PARAM_NAMES


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _mask_cards(text: str) -> str:
    def replace(match: re.Match) -> str:
        digits = re.sub(r"[ -]", "", match.group(0))
        return REDACTED if _luhn_ok(digits) else match.group(0)

    return _DIGIT_RUN.sub(replace, text)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Scrub known secret values and credential-looking substrings out of free text."""
    text = _API_KEY.sub(REDACTED, text)
    text = _BEARER.sub("Bearer " + REDACTED, text)
    for secret in sorted({s for s in secrets if s and len(s) >= _MIN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _mask_cards(text)


def redact_params(params: Mapping[str, Any], secrets: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of flat parameters fit for a log: secret names blanked, secret values scrubbed."""
    known = tuple(secrets)
    out: dict[str, Any] = {}
    for name, value in params.items():
        if is_secret_param(name):
            out[name] = REDACTED
        elif isinstance(value, str):
            out[name] = redact_text(value, known)
        else:
            out[name] = value
    return out


_KNOWN: dict[str, None] = {}  # insertion-ordered set of every secret seen in this process
_KNOWN_LOCK = threading.Lock()
_KNOWN_MAX = 10_000


def register_secret(*secrets: str | None) -> None:
    """Remember secrets process-wide, so any client scrubs them, including ones it never held.

    A server may echo a credential back in an error, and the client that receives it need not be
    the one that owns it (an API-key client hearing about the OAuth app's secret). The oldest
    entries are forgotten after ``_KNOWN_MAX`` (renewed tokens pile up over months of uptime).
    """
    with _KNOWN_LOCK:
        for secret in secrets:
            if secret and len(secret) >= _MIN_SECRET:
                _KNOWN.pop(secret, None)
                _KNOWN[secret] = None
        while len(_KNOWN) > _KNOWN_MAX:
            _KNOWN.pop(next(iter(_KNOWN)))


def known_secrets() -> tuple[str, ...]:
    with _KNOWN_LOCK:
        return tuple(_KNOWN)


class Redactor:
    """Scrubs every secret known to the process (see ``register_secret``) from text and parameters.

    Thread-safe; secrets are added when they become known (a renewed token) and are kept, so an
    old token that a server echoes back later is still hidden.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        register_secret(*secrets)

    def text(self, value: str) -> str:
        return redact_text(value, known_secrets())

    def params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return redact_params(params, known_secrets())

    def __repr__(self) -> str:
        return "Redactor()"
