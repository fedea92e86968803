"""The one-time setup code that lets a browser create the first manager of a fresh install.

Like a notebook server's token: while no account exists, the server (``python -m pms serve``)
makes a random code at start-up and prints it to its own console, which only the person who
started it can read. The dashboard's first-manager form asks for it, so whoever merely reaches the
address first cannot claim the install. The code lives in this process's memory only (a restart
prints a new one), is compared in constant time, is spent by the first success, and is voided
after ``MAX_FAILURES`` wrong tries. The command line (``python -m pms users add``) needs no code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

__all__ = ["MAX_FAILURES", "check", "consume", "issue", "pending"]

# No 0/O or 1/I: the code is read off a terminal and typed by hand. 12 characters ≈ 60 bits.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_FAILURES = 20

_lock = threading.Lock()
_digest: bytes | None = None
_failures = 0


def _hash(code: str) -> bytes:
    return hashlib.sha256(code.encode("utf-8")).digest()


def _normal(code: str | None) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def issue() -> str:
    """Make a new code (replacing any earlier one) and return it as ``XXXX-XXXX-XXXX``."""
    global _digest, _failures
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    with _lock:
        _digest, _failures = _hash(raw), 0
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def pending() -> bool:
    """Whether a code is waiting to be used in this process."""
    return _digest is not None


def check(code: str | None) -> bool:
    """Whether ``code`` is the pending one (spaces, dashes and case do not matter)."""
    global _digest, _failures
    with _lock:
        if _digest is None:
            return False
        if hmac.compare_digest(_hash(_normal(code)), _digest):
            return True
        _failures += 1
        if _failures >= MAX_FAILURES:
            _digest = None  # guessing: nothing more to find; a restart prints a new code
        return False


def consume() -> None:
    """The first manager exists: the code is spent."""
    global _digest
    with _lock:
        _digest = None
