"""Typed, validated access to the ``settings`` table, with every known setting declared once.

The table keeps the seed's shape (``setting_key``, ``setting_value``, ``setting_description``) so a
settings table of that shape is reused; keys it holds that we do not know are left alone. A hotel's
``settings`` table of another shape or character set (ADF's own) is never touched: ours then live
in ``cloudbed_settings`` (``pms.db.settings_table``). Values
are stored as text (booleans as ``1``/``0``, like the PHP system wrote them). Secret settings are
stored encrypted (``pms.db.secrets``) and are only ever read back through ``secret()``; everything
that lists settings for a page shows hints of them.

``SPECS`` (``pms.db.setting_specs``) is the single list of settings with their type, default and
help text; the Settings page and ``docs/operations.md`` are generated from or checked against it.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from pms.db.engine import reader
from pms.db.secrets import SecretBox, hint, is_encrypted
from pms.db.setting_specs import LABELS, SPECS, SettingSpec
from pms.db.settings_table import settings_table
from pms.db.types import utcnow
from pms.errors import ConfigurationError, SettingsError
from pms.i18n import Said, Term

__all__ = ["LABELS", "SPECS", "SettingSpec", "Settings", "parse_bool", "refused"]

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_MAX_TEXT = 2000
_MAX_JSON_BYTES = 60_000  # MySQL TEXT holds 65,535 bytes


def _show(value: Any) -> str:
    """A refused value as an error message may quote it: short, whatever was typed."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def refused(key: str, detail: str, **values) -> SettingsError:
    """A refused value: ``key: <detail>`` in English (the command line names keys), and for the
    dashboard the field's label and ``setting_error.<detail>`` in the reader's language."""
    what = Said(f"setting_error.{detail}", values)
    err = SettingsError(f"{key}: {what}", key=key)
    setting = Term(LABELS[key]) if key in LABELS else Term("setting_error.this_setting")
    err._said = Said("setting_error.line", {"setting": setting, "detail": what})
    return err


def parse_bool(value: Any, key: str = "value") -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "y"):
        return True
    if text in ("0", "false", "no", "off", "n", ""):
        return False
    raise refused(key, "bool", value=_show(value))


def _validate(spec: SettingSpec, value: Any) -> str | None:
    """The text to store for ``value``, or SettingsError naming the key."""
    key = spec.key
    if value is None or (isinstance(value, str) and not value.strip() and spec.kind != "bool"):
        return None
    if spec.kind == "bool":
        return "1" if parse_bool(value, key) else "0"
    if spec.kind == "int":
        try:
            number = int(str(value).strip())
        except ValueError:
            raise refused(key, "int", value=_show(value)) from None
        if spec.minimum is not None and number < spec.minimum:
            raise refused(key, "minimum", minimum=spec.minimum, value=number)
        if spec.maximum is not None and number > spec.maximum:
            raise refused(key, "maximum", maximum=spec.maximum, value=number)
        return str(number)
    if spec.kind == "datetime":
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                raise SettingsError(
                    f"{key}: expected an ISO date-time, got {_show(value)}", key=key
                ) from None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise SettingsError(f"{key}: expected a date-time with a time zone", key=key)
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if spec.kind == "json":
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            raise SettingsError(f"{key}: not storable as JSON", key=key) from None
        if len(text.encode("utf-8")) > _MAX_JSON_BYTES:
            raise SettingsError(f"{key}: at most {_MAX_JSON_BYTES} bytes", key=key)
        return text
    text = str(value).strip()
    if len(text) > _MAX_TEXT:
        raise refused(key, "too_long", n=_MAX_TEXT)
    if any(ord(ch) < 32 for ch in text):
        raise refused(key, "control")
    if spec.kind == "url":
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
            raise refused(key, "url", value=_show(text))
        return text.rstrip("/")
    if spec.kind == "emails":
        addresses = [a.strip() for a in re.split(r"[,;]", text) if a.strip()]
        bad = [a for a in addresses if not _EMAIL.match(a)]
        if bad:
            raise refused(key, "email", value=_show(bad[0]))
        return ", ".join(addresses)
    if spec.kind == "tz":
        try:
            if len(text) > 64:
                raise ValueError(text)
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise refused(key, "zone", value=_show(text)) from None
        return text
    if spec.kind == "choice" and text not in spec.choices:
        raise refused(key, "choice", choices=", ".join(spec.choices), value=_show(text))
    return text


def _parse(spec: SettingSpec, stored: str | None) -> Any:
    if stored is None or stored == "":
        return spec.default
    try:
        if spec.kind == "bool":
            return parse_bool(stored, spec.key)
        if spec.kind == "int":
            return int(stored)
        if spec.kind == "datetime":
            value = datetime.fromisoformat(stored)
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if spec.kind == "json":
            return json.loads(stored)
    except (ValueError, SettingsError):
        raise SettingsError(
            f"{spec.key}: the stored value {_show(stored)} is not valid; set it again", key=spec.key
        ) from None
    return stored


def _spec(key: str) -> SettingSpec:
    try:
        return SPECS[key]
    except KeyError:
        raise SettingsError(f"unknown setting {key!r}", key=key) from None


class Settings:
    """Read and write settings; every write is validated, secrets are encrypted.

    Args:
        engine: the hotel database.
        box: the ``SecretBox`` for secrets (made from the configured key on first use).
    """

    def __init__(self, engine: sa.Engine, box: SecretBox | None = None) -> None:
        self.engine = engine
        self._box = box
        self._prefetched: dict[str, str | None] | None = None
        self._prefetched_keys: frozenset[str] = frozenset()

    @property
    def box(self) -> SecretBox:
        if self._box is None:
            self._box = SecretBox()
        return self._box

    @property
    def table(self) -> sa.Table:
        """``settings``, or ``cloudbed_settings`` when the hotel's own ``settings`` must stay as it is."""
        return settings_table(self.engine)

    # --- raw access ----------------------------------------------------------------------

    @contextlib.contextmanager
    def prefetched(self, keys: Iterable[str]) -> Iterator[Settings]:
        """Within the block, reads of ``keys`` are served from one query made on entry.

        For a caller that reads several settings one by one (the credentials: six reads, a
        round trip each to a remote database). Writes through this object end the prefetch.
        """
        keys = list(keys)
        self._prefetched, self._prefetched_keys = self._stored(keys), frozenset(keys)
        try:
            yield self
        finally:
            self._prefetched, self._prefetched_keys = None, frozenset()

    def _stored(self, keys: Iterable[str]) -> dict[str, str | None]:
        keys = list(keys)
        if self._prefetched is not None and self._prefetched_keys.issuperset(keys):
            return {k: self._prefetched[k] for k in keys if k in self._prefetched}
        t = self.table
        with reader(self.engine).connect() as conn:  # never waits behind a writer on SQLite
            rows = conn.execute(
                sa.select(t.c.setting_key, t.c.setting_value).where(t.c.setting_key.in_(keys))
            )
            return dict(rows.all())

    def _write(self, conn: sa.Connection, values: Mapping[str, str | None]) -> None:
        # An upsert, not select-then-insert: two processes starting together (two workers, the
        # dashboard and the worker) may both write a setting for the first time.
        from pms.db.upsert import upsert_rows

        rows = [
            {"setting_key": key, "setting_value": text, "setting_description": SPECS[key].description[:255]}
            for key, text in values.items()
        ]
        upsert_rows(conn, settings_table(conn), rows, key=("setting_key",), compare=("setting_value",))

    # --- typed access --------------------------------------------------------------------

    def get(self, key: str) -> Any:
        """The typed value of a non-secret setting (its default when unset)."""
        spec = _spec(key)
        if spec.kind == "secret":
            raise SettingsError(f"{key} is a secret: use secret()", key=key)
        return _parse(spec, self._stored([key]).get(key))

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Typed values of several settings in one query; a secret gives only whether it is set."""
        specs = [_spec(k) for k in keys]
        stored = self._stored([s.key for s in specs])
        return {
            s.key: bool(stored.get(s.key)) if s.kind == "secret" else _parse(s, stored.get(s.key))
            for s in specs
        }

    def secret(self, key: str) -> str | None:
        """The decrypted value of a secret setting, or None when unset."""
        spec = _spec(key)
        if spec.kind != "secret":
            raise SettingsError(f"{key} is not a secret setting", key=key)
        stored = self._stored([key]).get(key)
        if not stored:
            return None
        if spec.legacy_plain and not is_encrypted(stored):
            self.set(key, stored)  # written in clear by an older version: encrypt it now
            return stored
        return self.box.decrypt(stored, name=key)

    def secret_hint(self, key: str) -> str:
        """What a page may show of a secret: ``cbat_••••abcd``, or "" when unset."""
        value = self.secret(key)
        return hint(value)

    def set(self, key: str, value: Any) -> None:
        self.set_many({key: value})

    def set_many(self, values: Mapping[str, Any], conn: sa.Connection | None = None) -> None:
        """Validate every value first, then write them all in one transaction."""
        prepared: dict[str, str | None] = {}
        plain: dict[str, str | None] = {}
        if (
            "cloudbed_push_enabled" in values
            and "cloudbed_push_since" not in values
            and parse_bool(values["cloudbed_push_enabled"], "cloudbed_push_enabled")
            and not self.push_enabled
        ):
            # Switching push on starts the clock of domain rule 14, whoever switches it (the
            # Settings page, `pms settings set`): only what is typed from now on is sent.
            values = {**values, "cloudbed_push_since": utcnow()}
        if "cloudbed_active" in values and "cloudbed_paused_by" not in values:
            # Whoever flips the switch now owns it (pms.webhooks.processor reads this).
            stored = self._stored(["cloudbed_active", "cloudbed_paused_by"])
            flipped = parse_bool(values["cloudbed_active"], "cloudbed_active") != _parse(
                SPECS["cloudbed_active"], stored.get("cloudbed_active")
            )
            if flipped and stored.get("cloudbed_paused_by"):
                values = {**values, "cloudbed_paused_by": None}
        for key, value in values.items():
            spec = _spec(key)
            if spec.kind == "secret":
                if value is not None and not isinstance(value, str):
                    raise SettingsError(f"{key}: expected text", key=key)
                text = value.strip() if value else None
                if text and (len(text) > _MAX_TEXT or any(ord(ch) < 32 for ch in text)):
                    raise SettingsError(f"{key}: not a valid secret value", key=key)
                if text and spec.check:
                    text = _validate(SettingSpec(key, spec.check, None, ""), text)
                plain[key] = text
                prepared[key] = self.box.encrypt(text) if text else None
            else:
                prepared[key] = plain[key] = _validate(spec, value)
        self._check_outbound(plain)
        self._prefetched, self._prefetched_keys = None, frozenset()
        if conn is not None:
            self._write(conn, prepared)
            return
        with self.engine.begin() as own:
            self._write(own, prepared)

    def _check_outbound(self, values: Mapping[str, str | None]) -> None:
        """Addresses we send secrets to must be https, and a new Cloudbeds address needs its secret.

        Changing ``cloudbed_api_base`` alone would send the stored API key or client secret to
        whatever host was typed, so the change is refused unless the same write brings the secret.
        """
        from pms.db.credentials import CREDENTIAL_KEYS, has_credentials
        from pms.outbound import check_smtp, check_url

        wanted = [k for k in values if SPECS[k].outbound and values[k]]
        smtp = {"smtp_host", "smtp_starttls"} & set(values)
        if not wanted and not smtp:
            return
        stored = self.get_many([*CREDENTIAL_KEYS, "cloudbed_api_base", "smtp_host", "smtp_starttls"])
        demo = not has_credentials(self.engine, stored)
        for key in wanted:
            check_url(values[key], key=key, demo=demo)
        new_base = values.get("cloudbed_api_base")
        if (
            new_base
            and stored["cloudbed_api_base"] != new_base
            and not (values.get("cloudbed_api_key") or values.get("cloudbed_client_secret"))
        ):
            raise SettingsError(
                "cloudbed_api_base: enter the API key or client secret again when changing the "
                "Cloudbeds address (the stored one is never sent to a new address)",
                key="cloudbed_api_base",
            )
        if smtp:
            host = values["smtp_host"] if "smtp_host" in values else stored["smtp_host"]
            tls = values["smtp_starttls"] if "smtp_starttls" in values else stored["smtp_starttls"]
            check_smtp(host, parse_bool(tls) if tls is not None else True, demo=demo)

    # --- the common ones, by name ----------------------------------------------------------

    @property
    def integration_active(self) -> bool:
        return self.get("cloudbed_active")

    @property
    def auto_sync(self) -> bool:
        return self.get("cloudbed_auto_sync")

    @property
    def sync_interval_minutes(self) -> int:
        return self.get("cloudbed_sync_interval")

    @property
    def push_enabled(self) -> bool:
        return self.get("cloudbed_push_enabled")

    @property
    def push_since(self) -> datetime | None:
        return self.get("cloudbed_push_since")

    @property
    def property_timezone(self) -> str:
        return self.get("cloudbed_timezone")

    @property
    def public_url(self) -> str | None:
        return self.get("cloudbed_public_url")

    def set_push_enabled(self, enabled: bool, now: datetime | None = None) -> None:
        """Switch push on or off. Switching it on starts the clock of domain rule 14: only records
        created or changed from now on are pushed."""
        values: dict[str, Any] = {"cloudbed_push_enabled": enabled}
        if enabled and not self.push_enabled:
            values["cloudbed_push_since"] = now or utcnow()
        self.set_many(values)

    def retention_days(self) -> dict[str, int]:
        keys = ("api_log", "webhook", "sync_log", "outbound")
        stored = self.get_many([f"cloudbed_retention_{k}_days" for k in keys])
        return {k: stored[f"cloudbed_retention_{k}_days"] for k in keys}

    def check_secret_key(self) -> None:
        """Fail early, with advice, when the configured key is not the one the stored secrets use.

        The first call stores an encrypted check value; later calls decrypt it.
        """
        stored = self._stored(["pms_secret_check"]).get("pms_secret_check")
        if stored is None:
            self.set("pms_secret_check", "pms-secret-check")
            return
        if is_encrypted(stored):
            self.box.decrypt(stored, name="the stored secrets")

    def describe(self, include_internal: bool = False) -> list[dict[str, Any]]:
        """Every known setting with its current value (secrets as hints), for the Settings page."""
        specs = [s for s in SPECS.values() if include_internal or not s.internal]
        stored = self._stored([s.key for s in specs])
        out = []
        for s in specs:
            raw = stored.get(s.key)
            if s.kind == "secret":
                try:
                    value = hint(self.box.decrypt(raw, name=s.key)) if raw else ""
                except ConfigurationError:
                    value = "(unreadable)"
            else:
                try:
                    value = _parse(s, raw)
                except SettingsError:
                    value = "(invalid)"
            out.append(
                {
                    "key": s.key,
                    "value": value,
                    "default": s.default,
                    "kind": s.kind,
                    "description": s.description,
                }
            )
        return out
