"""Password hashing for dashboard accounts: scrypt from the standard library, OWASP's parameters.

scrypt is memory-hard and ships with Python (no extra dependency; the decision is in
docs/architecture.md). N=2^15, r=8, p=3 is one of OWASP's recommended settings (about 0.25 s and
32 MB per hash on this kind of machine). The parameters are stored in each hash, so they can be
raised later without invalidating old hashes: ``needs_rehash`` tells the login to upgrade one.
Comparisons are constant-time; a malformed stored hash never matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

from pms.errors import UserError
from pms.i18n import Said

__all__ = [
    "DUMMY_HASH",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "check_password",
    "hash_password",
    "needs_rehash",
    "verify_password",
]

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # long enough for any passphrase, short enough that nobody hashes megabytes

_SCRYPT = {"n": 2**15, "r": 8, "p": 3}
_SALT_BYTES = 16
_KEY_BYTES = 32
_MAXMEM = 256 * 1024 * 1024


def check_password(password: str) -> None:
    """Refuse passwords that are too short to resist guessing, absurdly long, or not plain text."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UserError(Said("account.password_short", {"n": MIN_PASSWORD}))
    if len(password) > MAX_PASSWORD:
        raise UserError(Said("account.password_long", {"n": MAX_PASSWORD}))
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        raise UserError(Said("account.password_control"))
    if not password.strip():
        raise UserError(Said("account.password_spaces"))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    data = unicodedata.normalize("NFC", password).encode("utf-8")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=_KEY_BYTES)


def hash_password(password: str) -> str:
    """``scrypt$<n>$<r>$<p>$<salt>$<key>`` for ``password`` (validated first).

    Raises:
        UserError: the password is too short, too long or contains control characters.
    """
    check_password(password)
    salt = os.urandom(_SALT_BYTES)
    key = _derive(password, salt, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``, compared in constant time; malformed hashes never match."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(key)
        actual = _derive(password or "", _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with other parameters than today's."""
    parts = stored.split("$")
    return len(parts) != 6 or parts[0] != "scrypt" or parts[1:4] != [str(_SCRYPT[k]) for k in ("n", "r", "p")]


# Checked against unknown user names so a failed login costs the same whether or not the name exists.
DUMMY_HASH = (
    f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}$"
    f"{_b64(b'pms-dummy-salt!!')}${_b64(bytes(_KEY_BYTES))}"
)
