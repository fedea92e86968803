"""Checks shared by the hotel-side forms: every value is validated before anything is written.

A bad form loses nothing and stores nothing half-done: each check raises ``EditError`` naming the
field to fix, and the writers only open a transaction once every value passed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pms.errors import EditError
from pms.i18n import Said, Term

__all__ = [
    "GUEST_FIELDS",
    "MAX_GUESTS_PER_ROOM",
    "MAX_NIGHTS",
    "MAX_ROOMS",
    "check_stay",
    "country",
    "email",
    "phone",
    "refused",
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


def refused(key: str, field: str | None = None, **values) -> EditError:
    """The refusal ``edit.<key>``, naming the field to fix by its label (never its column name)."""
    if field in GUEST_FIELDS:
        values.setdefault("field", Term(f"guest.{field}"))
    return EditError(Said(f"edit.{key}", values), field=field)


def text(value, name: str, limit: int, required: bool = False) -> str | None:
    """``value`` as one line of NFC text, or None when empty (an error when ``required``)."""
    clean = unicodedata.normalize("NFC", " ".join(str(value or "").split()))
    if not clean:
        if required:
            raise refused("required", name)
        return None
    if len(clean) > limit:
        raise refused("too_long", name, limit=limit)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in clean):
        raise refused("bad_characters", name)
    return clean


def email(value) -> str | None:
    value = text(value, "email", GUEST_FIELDS["email"])
    if value and not _EMAIL.match(value):
        raise refused("not_email", "email", value=value[:60])
    return value


def phone(value, name: str = "phone") -> str | None:
    value = text(value, name, GUEST_FIELDS[name])
    if value and not _PHONE.match(value):
        raise refused("not_phone", name, value=value[:40])
    return value


def country(value, required: bool = False) -> str | None:
    """A two-letter ISO country code (``ID``, ``AU`` ...), which Cloudbeds requires for a guest."""
    value = text(value, "country", GUEST_FIELDS["country"], required=required)
    if value is None:
        return None
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise refused("not_country", "country", value=value[:20])
    return value.upper()


def check_stay(check_in: date, check_out: date, today: date) -> None:
    if not isinstance(check_in, date) or not isinstance(check_out, date):
        raise refused("choose_dates", "check_in")
    if check_in < today:
        # Cloudbeds refuses a start date in the past; an in-house walk-in starts today (rule 18).
        raise refused("check_in_past", "check_in")
    if check_out <= check_in:
        raise refused("check_out_order", "check_out")
    if (check_out - check_in).days > MAX_NIGHTS:
        raise refused("too_many_nights", "check_out", n=MAX_NIGHTS)
