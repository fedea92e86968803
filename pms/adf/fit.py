"""Every value fitted to the ADF column it goes to, by named rules, before it is written.

The hotel's tables were not designed for Cloudbeds' data: a latin1 ``guests.guest_name`` cannot
hold ``Nguyễn Thị Hoà`` or ``李小龙``, a VARCHAR(20) ``booking_code`` cannot hold a long id, an ENUM
``booking_source`` refuses a word it does not list, and ``guests.id_card_number`` is NOT NULL
without a default. Strict MySQL would refuse the row (and with it the page of the sync); lax
MySQL would store ``???`` or cut silently. So each value is made to fit here, by one of these
rules, and every change is reported as an ``Adaptation`` the sync shows as a warning:

- ``length``: text longer than the column is cut, ending in a marker (``…``) so people see it;
- ``choice``: a value an ENUM (or CHECK) does not allow is mapped (case, known synonyms), else the
  column's default is used;
- ``required``: a NOT NULL column without a default gets the writer's fallback (``CB-<guest id>``
  for an id-card number), else an empty or zero value of its kind;
- ``charset``: text a latin1 column cannot hold is transliterated to a readable Latin form
  (``Nguyen Thi Hoa``); what has no Latin form is replaced by the writer's readable fallback (the
  e-mail's name part, ``Guest <id>``), never by ``?`` marks;
- ``range``: an amount the DECIMAL column cannot hold refuses the row (a person must look).

The full, unadapted values stay in our utf8mb4 mirror (``guest``, ``reservasi``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pms.adf.introspect import ColumnInfo, TableInfo

__all__ = [
    "MARKER",
    "Adaptation",
    "Fitted",
    "fit_amount",
    "fit_charset",
    "fit_choice",
    "fit_length",
    "fit_required",
    "fit_row",
    "fit_value",
    "readable_email_name",
    "transliterate",
]

MARKER = "…"
# Letters NFKD does not decompose into a base letter, and punctuation latin1 lacks.
_SPECIAL = {
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "Þ": "Th",
    "ı": "i",
    "ħ": "h",
    "Ħ": "H",
    "ŧ": "t",
    "Ŧ": "T",
    "ŋ": "ng",
    "Ŋ": "Ng",
    "ĸ": "k",
    "ſ": "s",
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Adaptation:
    """One value changed to fit its column (shown to people as a warning, counted per rule)."""

    table: str
    column: str
    rule: str  # length | choice | required | charset | range
    before: Any
    after: Any

    def describe(self) -> str:
        what = {
            "length": "cut to the column's length",
            "choice": "not a value the column allows",
            "required": "required by the column, none given",
            "charset": "not storable in the column's character set",
            "range": "too large for the column",
        }[self.rule]
        return f"{self.table}.{self.column}: {self.before!r} → {self.after!r} ({what})"


@dataclass
class Fitted:
    """A row ready for the database, what was adapted on the way, and why it is refused (if it is)."""

    row: dict[str, Any] = field(default_factory=dict)
    adaptations: list[Adaptation] = field(default_factory=list)
    refused: str | None = None


def _encoding(charset: str | None) -> str | None:
    """The Python codec that tells what a MySQL character set can store (None: anything)."""
    if not charset:
        return None
    name = charset.lower()
    if name.startswith("utf8mb4") or name in ("utf16", "utf32", "ucs2"):
        return None
    if name.startswith("utf8"):  # utf8mb3: no characters outside the Basic Multilingual Plane
        return "utf8mb3"
    if name == "latin1":
        return "cp1252"  # MySQL's latin1 is Windows-1252
    if name == "ascii":
        return "ascii"
    return name


def _storable(text: str, encoding: str | None) -> bool:
    if encoding is None:
        return True
    if encoding == "utf8mb3":
        return all(ord(ch) <= 0xFFFF for ch in text)
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def transliterate(text: str) -> str:
    """A readable Latin form: accents dropped (``Hoà`` → ``Hoa``), special letters spelt out."""
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            continue
        out.append(_SPECIAL.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


# Mailbox names that say nothing about who the guest is.
_GENERIC_MAILBOXES = frozenset(
    {
        "guest",
        "guests",
        "info",
        "admin",
        "booking",
        "bookings",
        "reservation",
        "reservations",
        "hotel",
        "contact",
        "mail",
        "email",
        "noreply",
        "no reply",
        "user",
        "customer",
        "travel",
        "office",
        "sales",
    }
)


def readable_email_name(email: str | None) -> str | None:
    """The name part of an e-mail as words (``li.xiaolong@x.cn`` → ``Li Xiaolong``), if it has letters."""
    if not email or "@" not in email:
        return None
    local = re.sub(r"[._\-+]+", " ", email.split("@", 1)[0]).strip()
    local = re.sub(r"\d+", "", local).strip()
    if not re.search(r"[A-Za-z]{2}", local) or local.casefold() in _GENERIC_MAILBOXES:
        return None  # "guest123@", "info@": not a name; the caller falls back to "Guest <id>"
    return _SPACES.sub(" ", " ".join(w.capitalize() for w in local.split()))


def fit_charset(text: str, charset: str | None, fallback: str | None = None) -> str:
    """Rule ``charset``: text the column's character set can store, readable, never ``?`` marks."""
    encoding = _encoding(charset)
    if _storable(text, encoding):
        return text
    latin = transliterate(text)
    if _storable(latin, encoding):
        return latin
    kept = _SPACES.sub(" ", "".join(ch if _storable(ch, encoding) else " " for ch in latin)).strip()
    if sum(ch.isalpha() for ch in kept) >= 2:
        return kept
    if fallback and _storable(fallback, encoding):
        return fallback
    return transliterate(fallback or "") if fallback and _storable(transliterate(fallback), encoding) else "-"


def fit_length(text: str, length: int | None) -> str:
    """Rule ``length``: cut to ``length`` characters, the last one a marker that it was cut."""
    if length is None or len(text) <= length:
        return text
    if length <= 1:
        return text[:length]
    return text[: length - 1].rstrip() + MARKER


def _key(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().casefold())


def fit_choice(value: str, col: ColumnInfo, synonyms: Mapping[str, str] | None = None) -> str | None:
    """Rule ``choice``: the allowed value ``value`` stands for, else the column's default (or None)."""
    if not col.choices or value in col.choices:
        return value
    by_key = {_key(c): c for c in col.choices}
    if _key(value) in by_key:
        return by_key[_key(value)]
    mapped = (synonyms or {}).get(_key(value))
    if mapped is not None and mapped in col.choices:
        return mapped
    default = col.choice_default
    if default is None and not col.nullable:
        return col.choices[0]
    return default


def fit_required(col: ColumnInfo, fallback: Any = None) -> Any:
    """Rule ``required``: the value a NOT NULL column without default gets when none was given."""
    if fallback is not None:
        return fallback
    if col.choices:
        return col.choices[0]
    return {"text": "", "int": 0, "decimal": Decimal(0), "bool": False, "date": date.today()}.get(
        col.kind, ""
    )


def fit_amount(value: Any, col: ColumnInfo) -> Decimal | None:
    """Rule ``range``: the amount rounded to the column's scale, or None when it cannot hold it."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    scale = col.scale if col.scale is not None else 2
    amount = amount.quantize(Decimal(1).scaleb(-scale))
    if col.precision:
        limit = Decimal(10) ** (col.precision - scale)
        if abs(amount) >= limit:
            return None
    return amount


def fit_value(
    table: str,
    col: ColumnInfo,
    value: Any,
    *,
    fallback: Any = None,
    synonyms: Mapping[str, str] | None = None,
    out: list[Adaptation],
) -> tuple[Any, str | None]:
    """One value through the rules of its column; returns the value and a refusal reason (or None)."""
    if value is None or (
        isinstance(value, str) and not value.strip() and col.kind == "text" and col.required
    ):
        if col.required:
            filled = fit_required(col, fallback)
            if isinstance(filled, str) and filled:
                filled = fit_length(fit_charset(filled, col.charset), col.length)
            out.append(Adaptation(table, col.name, "required", value, filled))
            return filled, None
        return None, None
    if col.kind == "decimal":
        amount = fit_amount(value, col)
        if amount is None:
            out.append(Adaptation(table, col.name, "range", value, None))
            return None, f"{table}.{col.name}: {value} is too large for the column"
        return amount, None
    if col.kind == "int":
        return int(value), None
    if col.kind in ("date", "datetime", "bool") or isinstance(value, (date, datetime, bool)):
        return value, None
    text = str(value)
    if col.choices:
        chosen = fit_choice(text, col, synonyms)
        if chosen != text:
            out.append(Adaptation(table, col.name, "choice", text, chosen))
        return chosen, None
    fitted = fit_charset(text, col.charset, fallback if isinstance(fallback, str) else None)
    if fitted != text:
        out.append(Adaptation(table, col.name, "charset", text, fitted))
    cut = fit_length(fitted, col.length)
    if cut != fitted:
        out.append(Adaptation(table, col.name, "length", fitted, cut))
    return cut, None


def fit_row(
    table: TableInfo,
    values: Mapping[str, Any],
    *,
    fallbacks: Mapping[str, Any] | None = None,
    synonyms: Mapping[str, Mapping[str, str]] | None = None,
    fill_required: bool = True,
) -> Fitted:
    """Fit a row (documented column names) to ``table``.

    Columns the table does not have are left out (the front desk's notes say which); a documented
    name the hotel renamed (``actual_check_in`` → ``actual_checkin_time``) is written under its
    name here. With ``fill_required`` (inserts), NOT NULL columns without default that ``values``
    lacks are filled from ``fallbacks`` so the row is never refused for them; without it (updates)
    such a column given no value is left out, so the stored value stays.
    """
    fallbacks = fallbacks or {}
    synonyms = synonyms or {}
    fitted = Fitted()
    for name, value in values.items():
        real = table.resolve(name)
        if real is None:
            continue
        col = table.columns[real]
        if value is None and col.required and not fill_required:
            continue  # an update leaves a required column alone rather than invent a value for it
        result, refused = fit_value(
            table.name,
            col,
            value,
            fallback=fallbacks.get(name),
            synonyms=synonyms.get(name),
            out=fitted.adaptations,
        )
        if refused and fitted.refused is None:
            fitted.refused = refused
        fitted.row[real] = result
    if fill_required:
        for col in table.columns.values():
            if col.required and col.name not in fitted.row:
                given = next((fallbacks[n] for n in fallbacks if table.resolve(n) == col.name), None)
                fitted.row[col.name], _ = fit_value(
                    table.name, col, None, fallback=given, out=fitted.adaptations
                )
    return fitted
