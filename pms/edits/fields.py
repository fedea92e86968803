"""Checks shared by the hotel-side forms: every value is validated before anything is written.

A bad form loses nothing and stores nothing half-done: each check raises ``EditError`` naming the
field to fix, and the writers only open a transaction once every value passed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pms.errors import EditError

__all__ = [
    "GUEST_FIELDS",
    "MAX_GUESTS_PER_ROOM",
    "MAX_NIGHTS",
    "MAX_ROOMS",
    "check_stay",
    "country",
    "email",
    "phone",
    "text",
]

MAX_NIGHTS = 365
MAX_ROOMS = 10
MAX_GUESTS_PER_ROOM = 20
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()./\- ]{4,40}$")
# The guest fields the dashboard may edit, with the column's length.
GUEST_FIELDS = {
    "first_name": 255,
    "last_name": 255,
    "email": 255,
    "phone": 64,
    "cell_phone": 64,
    "country": 64,
    "address1": 255,
    "address2": 255,
    "city": 128,
    "state": 128,
    "zip": 32,
}


def text(value, name: str, limit: int, required: bool = False) -> str | None:
    """``value`` as one line of NFC text, or None when empty (an error when ``required``)."""
    clean = unicodedata.normalize("NFC", " ".join(str(value or "").split()))
    if not clean:
        if required:
            raise EditError(f"{name} is required.", field=name)
        return None
    if len(clean) > limit:
        raise EditError(f"{name} may have at most {limit} characters.", field=name)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in clean):
        raise EditError(f"{name} contains characters that cannot be stored.", field=name)
    return clean


def email(value) -> str | None:
    value = text(value, "email", GUEST_FIELDS["email"])
    if value and not _EMAIL.match(value):
        raise EditError(f"{value!r} is not an e-mail address.", field="email")
    return value


def phone(value, name: str = "phone") -> str | None:
    value = text(value, name, GUEST_FIELDS[name])
    if value and not _PHONE.match(value):
        raise EditError(f"{value!r} is not a phone number (digits, spaces, + - ( ) . / only).", field=name)
    return value


def country(value, required: bool = False) -> str | None:
    """A two-letter ISO country code (``ID``, ``AU`` ...), which Cloudbeds requires for a guest."""
    value = text(value, "country", GUEST_FIELDS["country"], required=required)
    if value is None:
        return None
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise EditError(f"{value[:20]!r} is not a two-letter country code such as ID.", field="country")
    return value.upper()


def check_stay(check_in: date, check_out: date, today: date) -> None:
    if not isinstance(check_in, date) or not isinstance(check_out, date):
        raise EditError("Choose a check-in and a check-out date.", field="check_in")
    if check_in < today:
        # Cloudbeds refuses a start date in the past; an in-house walk-in starts today (rule 18).
        raise EditError(
            "Check-in cannot be in the past; a walk-in who is already here starts today.", field="check_in"
        )
    if check_out <= check_in:
        raise EditError("Check-out must be after check-in.", field="check_out")
    if (check_out - check_in).days > MAX_NIGHTS:
        raise EditError(f"A stay can last at most {MAX_NIGHTS} nights.", field="check_out")
