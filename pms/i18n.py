"""English and Bahasa Indonesia for every string the dashboard shows, and the local way to write
money, numbers, dates and times.

Strings live in ``pms/locales/<lang>.json`` as flat ``section.name`` keys with ``{placeholders}``
(``str.format``), so a translator edits one file and a test can check that both files have the
same keys and the same placeholders. A key missing from a language falls back to English and is
logged; a key missing everywhere shows itself, so a gap is visible instead of a crash.

Formatting follows how each language writes things, not the browser's locale:

- Rupiah as Indonesians write it in both languages: ``Rp 1.250.000`` (dot thousands, no cents);
  other currencies ``USD 1,250.00`` in English and ``USD 1.250,00`` in Indonesian.
- Dates ``25 Nov 2026`` / ``25 Nov 2026`` with Indonesian month names (Agu, Okt, Des ...).
- Times in the property's zone with its abbreviation: ``14:30 WIB`` / ``14.30 WIB`` (Indonesian
  uses a dot between hours and minutes).
- Charts use the same separators as the tables (``plotly_separators``).

Messages made below the dashboard (a form's refusal, a connection-test step, the health score's
reasons, the sync plan's line) carry their key and values (``Said``) besides their English text,
so the command line and logs keep English while the dashboard says them in the reader's
language; a value that is itself a name to translate (a field, a step) is a ``Term``.
"""

from __future__ import annotations

import json
import logging
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Said",
    "Term",
    "Translator",
    "english",
    "format_ago",
    "format_date",
    "format_datetime",
    "format_duration_ms",
    "format_money",
    "format_number",
    "format_percent",
    "format_time",
    "local_now",
    "messages",
    "placeholders",
    "plotly_separators",
    "translator",
    "weekday_short",
]

log = logging.getLogger(__name__)

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}
DEFAULT_LANGUAGE = "en"
_DIR = Path(__file__).resolve().parent / "locales"

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
}
_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
}
# Currencies written without minor units.
_NO_DECIMALS = {"IDR", "JPY", "KRW", "VND"}


def _lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@cache
def messages(lang: str) -> dict[str, str]:
    """All strings of one language (read once per process)."""
    path = _DIR / f"{_lang(lang)}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a message expects."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Term:
    """A value that is a name to translate itself (``Term("guest.first_name")``) when its message is."""

    key: str

    def __str__(self) -> str:
        return Translator(DEFAULT_LANGUAGE)(self.key)


class Said(str):
    """A message that is its English text (so logs, JSON and the command line need nothing) and
    also its key and values, to be said in any language (``t.said(message)``)."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, values: dict[str, Any] | None = None) -> Said:
        values = dict(values or {})
        self = super().__new__(cls, Translator(DEFAULT_LANGUAGE)._say(key, values))
        self.key, self.values = key, values
        return self

    def __reduce__(self):  # pickled with its key (the dashboard's query cache)
        return (Said, (self.key, self.values))


class Translator:
    """``t("overview.title")`` → the string in this language, with placeholders filled in."""

    def __init__(self, lang: str | None) -> None:
        self.lang = _lang(lang)
        self._messages = messages(self.lang)
        self._fallback = messages(DEFAULT_LANGUAGE)

    def __call__(self, key: str, /, **values) -> str:
        text = self._messages.get(key)
        if text is None:
            text = self._fallback.get(key)
            if text is None:
                log.warning("no translation for %r", key)
                return key
            log.warning("no %s translation for %r; using English", self.lang, key)
        if not values:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            log.warning("translation %r (%s) does not fit its values %s", key, self.lang, sorted(values))
            return text

    def has(self, key: str) -> bool:
        return key in self._fallback

    def _say(self, key: str, values: dict[str, Any]) -> str:
        said = {
            k: self(v.key) if isinstance(v, Term) else self.said(v) if isinstance(v, Said) else v
            for k, v in values.items()
        }
        return self(key, **said)

    def said(self, text) -> str:
        """A message made below the dashboard in this language when it is a ``Said``, else as written."""
        return self._say(text.key, text.values) if isinstance(text, Said) else str(text)

    def error(self, exc: BaseException) -> str:
        """An error's message in this language when it carries one (``exc.said``), else as written."""
        return self.said(getattr(exc, "said", None) or str(exc))

    def label(self, group: str, value) -> str:
        """A stored value in words (``log_status.completed`` → "Selesai"); "–" for none; unknown
        values as they are."""
        if value is None or value == "":
            return "–"
        key = f"{group}.{value}"
        return self(key) if self.has(key) else str(value)

    # Formatting in this language, so pages only ever pass a value.
    def money(self, amount, currency: str | None = "IDR") -> str:
        return format_money(amount, currency, self.lang)

    def number(self, value, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals)

    def percent(self, fraction, decimals: int = 0) -> str:
        return format_percent(fraction, self.lang, decimals)

    def date(self, value) -> str:
        return format_date(value, self.lang)

    def datetime(self, value, zone: str) -> str:
        return format_datetime(value, zone, self.lang)

    def ago(self, value, now: datetime | None = None) -> str:
        return format_ago(value, self.lang, now)

    def weekday(self, value: date) -> str:
        return weekday_short(value, self.lang)

    def duration(self, ms) -> str:
        return format_duration_ms(ms, self.lang)


def translator(lang: str | None) -> Translator:
    return Translator(lang)


def english(key: str, **values) -> str:
    """The English text of a message (the command line's, the logs')."""
    return Said(key, values)


def plotly_separators(lang: str | None) -> str:
    """Plotly's ``layout.separators`` (decimal mark, then thousands mark) as the tables write numbers."""
    return ",." if _lang(lang) == "id" else ".,"


# --- numbers and money ------------------------------------------------------------------------------


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def format_number(value, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """``1,250,000.5`` in English, ``1.250.000,5`` in Indonesian; "–" for a missing value."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return "–"
    quant = Decimal(1).scaleb(-decimals)
    number = number.quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, frac = f"{abs(number):f}".partition(".")
    thousands, point = (".", ",") if _lang(lang) == "id" else (",", ".")
    text = _group(whole, thousands)
    if decimals > 0:
        text += point + frac.ljust(decimals, "0")[:decimals]
    return sign + text


def format_money(amount, currency: str | None = "IDR", lang: str = DEFAULT_LANGUAGE) -> str:
    """Money in its currency: ``Rp 1.250.000`` (both languages), ``USD 1,250.00`` / ``USD 1.250,00``."""
    if amount is None or amount == "":
        return "–"
    code = (currency or "IDR").upper()
    decimals = 0 if code in _NO_DECIMALS else 2
    if code == "IDR":
        text = format_number(amount, "id", 0)
        return f"-Rp {text[1:]}" if text.startswith("-") else f"Rp {text}"
    text = format_number(amount, lang, decimals)
    return f"-{code} {text[1:]}" if text.startswith("-") else f"{code} {text}"


def format_percent(fraction, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """``0.855`` → ``86%`` / ``86%`` (with ``decimals=1``: ``85.5%`` / ``85,5%``)."""
    if fraction is None:
        return "–"
    return format_number(Decimal(str(fraction)) * 100, lang, decimals) + "%"


# --- dates and times ---------------------------------------------------------------------------------


def _zone(zone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(zone or "Asia/Jakarta")
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r; showing UTC", zone)
        return ZoneInfo("UTC")


def local_now(zone: str | None, now: datetime | None = None) -> datetime:
    """Now in the property's zone (``now`` must be aware when given)."""
    return (now or datetime.now(UTC)).astimezone(_zone(zone))


def format_date(value: date | datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """``25 Nov 2026`` / ``25 Agu 2026``; "–" for a missing date."""
    if value is None:
        return "–"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {_MONTHS[_lang(lang)][value.month - 1]} {value.year}"


def weekday_short(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    return _WEEKDAYS[_lang(lang)][value.weekday()]


def format_time(value: datetime, zone: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """``14:30 WIB`` / ``14.30 WIB`` in the property's zone."""
    local = _aware(value).astimezone(_zone(zone))
    sep = "." if _lang(lang) == "id" else ":"
    return f"{local.hour:02d}{sep}{local.minute:02d} {local.tzname()}"


def _aware(value: datetime) -> datetime:
    # The database hands out aware UTC; a naive value here can only be UTC from a raw query.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def format_datetime(value: datetime | None, zone: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """``25 Nov 2026 14:30 WIB`` / ``25 Nov 2026 14.30 WIB``: a UTC timestamp in property time."""
    if value is None:
        return "–"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    local = _aware(value).astimezone(_zone(zone))
    return f"{format_date(local, lang)} {format_time(local, zone, lang)}"


_AGO = {
    "en": {
        "now": "just now",
        "m": "{n} min ago",
        "h": "{n} h ago",
        "d": "{n} days ago",
        "d1": "1 day ago",
        "never": "never",
    },
    "id": {
        "now": "baru saja",
        "m": "{n} menit yang lalu",
        "h": "{n} jam yang lalu",
        "d": "{n} hari yang lalu",
        "d1": "1 hari yang lalu",
        "never": "belum pernah",
    },
}


def format_ago(value: datetime | None, lang: str = DEFAULT_LANGUAGE, now: datetime | None = None) -> str:
    """How long ago, roughly: ``12 min ago`` / ``12 menit yang lalu``; ``never`` for None."""
    words = _AGO[_lang(lang)]
    if value is None:
        return words["never"]
    seconds = ((now or datetime.now(UTC)) - _aware(value)).total_seconds()
    if seconds < 60:
        return words["now"]
    if seconds < 3600:
        return words["m"].format(n=int(seconds // 60))
    if seconds < 86400:
        return words["h"].format(n=int(seconds // 3600))
    days = int(seconds // 86400)
    return words["d1"] if days == 1 else words["d"].format(n=days)


def format_duration_ms(value, lang: str = DEFAULT_LANGUAGE) -> str:
    """``850 ms``, ``12.4 s`` / ``12,4 s``, ``3 min 5 s``."""
    if value is None:
        return "–"
    ms = int(value)
    if ms < 1000:
        return f"{ms} ms"
    if ms < 60_000:
        return format_number(ms / 1000, lang, 1) + " s"
    delta = timedelta(milliseconds=ms)
    minutes, seconds = divmod(int(delta.total_seconds()), 60)
    return f"{minutes} min {seconds} s"
