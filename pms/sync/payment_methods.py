"""Which Cloudbeds payment method an ADF payment method becomes.

ADF's ``booking_payments.payment_method`` is an ENUM (cash, card, transfer, qris, ota) in the
documented schema and free text in production databases ("Transfer BCA", "Debit", "Tunai").
The text is read into one of those five kinds by keywords; each kind then takes the first of its
preferred Cloudbeds methods that the property has enabled (getPaymentMethods, read once per run
and only when a payment is to be sent). The setting ``adf_payment_methods`` (JSON, e.g.
``{"card": "credit", "qris": "ebanking"}``) puts a method of the manager's choice first; a kind
whose methods the property does not have waits, with the reason, until the mapping is fixed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pms.errors import CloudbedsError, SettingsError
from pms.sync.runstate import RunState

__all__ = ["DEFAULTS", "SETTING", "MethodChooser", "adf_kind"]

SETTING = "adf_payment_methods"
# ADF kind → Cloudbeds methods to try, in order (getPaymentMethods' ``method`` values).
DEFAULTS: dict[str, tuple[str, ...]] = {
    "cash": ("cash",),
    "card": ("credit", "cards", "debit"),
    "transfer": ("ebanking", "bank_transfer", "transfer"),
    "qris": ("qris", "QRIS", "ebanking"),
    "ota": ("ebanking", "bank_transfer"),
}
_KEYWORDS = (
    ("qris", ("qris", "qr")),
    ("card", ("card", "kartu", "debit", "credit", "kredit", "visa", "master", "edc")),
    ("transfer", ("transfer", "tf", "bank", "bca", "bni", "bri", "mandiri")),
    ("ota", ("ota", "agoda", "booking", "traveloka", "tiket", "expedia")),
    ("cash", ("cash", "tunai", "kas")),
)


def adf_kind(value: Any) -> str:
    """The kind (cash, card, transfer, qris, ota) of an ADF payment method; unknown text is cash
    only when empty, else kept (lower case) so a mapping can name it."""
    text = str(value or "").strip().lower()
    if not text:
        return "cash"  # ADF's default
    if text in DEFAULTS:
        return text
    words = set(re.split(r"[^a-z0-9]+", text))
    for kind, keys in _KEYWORDS:
        if words & set(keys):
            return kind
    return text


class MethodChooser:
    """Chooses, per ADF method, a payment method the property has (see the module docstring)."""

    def __init__(self, run: RunState) -> None:
        self.run = run
        self._enabled: list[str] | None = None
        self._error: str | None = None
        self._overrides: dict[str, str] | None = None

    def overrides(self) -> dict[str, str]:
        if self._overrides is None:
            from pms.db.settings import Settings

            try:
                value = Settings(self.run.engine).get(SETTING)
            except SettingsError:
                value = None
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    value = None
            if value is not None and not isinstance(value, dict):
                self.run.warn("payments", "", f"{SETTING} must map ADF methods to Cloudbeds methods; ignored")
                value = None
            self._overrides = {str(k).strip().lower(): str(v).strip() for k, v in (value or {}).items() if v}
        return self._overrides

    def enabled(self) -> list[str] | None:
        if self._enabled is None and self._error is None:
            try:
                self._enabled = [m.method for m in self.run.client.get_payment_methods()]
            except CloudbedsError as exc:
                self._error = f"the property's payment methods could not be read: {exc}"
        return self._enabled

    def choose(self, adf_method: Any) -> tuple[str | None, str | None]:
        """(Cloudbeds method, None) or (None, why not)."""
        kind = adf_kind(adf_method)
        wanted = [m for m in (self.overrides().get(kind),) if m] + list(DEFAULTS.get(kind, ()))
        enabled = self.enabled()
        if enabled is None:
            return None, self._error
        for method in wanted:
            if method in enabled:
                return method, None
        return None, (
            f"ADF payment method {str(adf_method or '')!r} has no payment method in Cloudbeds "
            f"(the property has {', '.join(enabled) or 'none'}): set {SETTING}"
        )
