"""Every declared setting fed hostile text: refused with a message naming the key, or stored exactly.

Settings are where the dashboard's Settings page and the CLI put operator text, so each key in
``pms.db.settings.SPECS`` gets SQL metacharacters, non-ASCII, very long and control-character
input, on SQLite and MariaDB. A refused value leaves the whole table as it was (all-or-nothing); an
accepted one reads back equal to what was meant (trimmed), and no other key moves.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import SPECS, Settings
from pms.db.setup import ensure_schema
from pms.errors import SettingsError

from .inputs import HOSTILE

AREA = "bad input: settings"
FREE_TEXT = ("str", "secret")  # kinds that hold any printable text up to the length limit


def _table(engine):
    with engine.connect() as conn:
        rows = conn.execute(sa.select(schema.settings.c.setting_key, schema.settings.c.setting_value))
        return dict(rows.all())


def _read(settings, key):
    return settings.secret(key) if SPECS[key].kind == "secret" else settings.get(key)


def test_every_setting_refuses_or_keeps_hostile_text_exactly(engine, tally):
    ensure_schema(engine)
    settings = Settings(engine)
    accepted = refused = 0
    for key, spec in SPECS.items():
        for value in HOSTILE:
            before = _table(engine)
            try:
                settings.set(key, value)
            except SettingsError as exc:
                refused += 1
                assert key in str(exc) and exc.key == key
                assert _table(engine) == before, f"refused {key}={value[:20]!r} but the table changed"
                assert "Traceback" not in str(exc).split(": ", 1)[0]
                continue
            accepted += 1
            after = _table(engine)
            assert {k for k in after if after.get(k) != before.get(k)} <= {key}
            text = value.strip()
            if not text:
                assert _read(settings, key) in (spec.default, False, None)
            elif spec.kind in FREE_TEXT:
                assert _read(settings, key) == text
            elif spec.kind == "json":
                assert _read(settings, key) == value
            else:
                pytest.fail(f"{key} ({spec.kind}) accepted {value[:30]!r}")
            if spec.kind in FREE_TEXT and text:
                assert len(text) <= 2000 and all(ord(ch) >= 32 for ch in text)
    tally.add(AREA, bad_inputs=accepted + refused)
    assert refused > accepted > 0
    # The injection attempts were stored as data: the tables they name are still there, intact.
    assert sa.inspect(engine).has_table("settings") and sa.inspect(engine).has_table("reservasi")


def test_a_batch_with_one_bad_value_stores_nothing(engine, tally):
    ensure_schema(engine)
    settings = Settings(engine)
    settings.set_many({"smtp_host": "mail.example.com", "cloudbed_sync_interval": 30})
    before = _table(engine)
    batches = [
        {"smtp_host": "'; DROP TABLE settings; --", "cloudbed_sync_interval": "30; DELETE"},
        {"smtp_password": "hunter2", "smtp_port": 70000},
        {"cloudbed_timezone": "Asia/Jakarta", "alert_email_to": "ops@example.com, not an address"},
        {"cloudbed_public_url": "https://pms.example.com", "cloudbed_api_version": "v9"},
        {"smtp_from": "ホテル@例え.jp", "no_such_setting": "x"},
    ]
    for batch in batches:
        with pytest.raises(SettingsError):
            settings.set_many(batch)
        tally.add(AREA, bad_inputs=1)
        assert _table(engine) == before


def test_refusal_messages_stay_short_whatever_was_typed(sqlite_engine, tally):
    ensure_schema(sqlite_engine)
    settings = Settings(sqlite_engine)
    for key in (
        "cloudbed_active",
        "cloudbed_sync_interval",
        "cloudbed_timezone",
        "alert_email_to",
        "cloudbed_public_url",
        "cloudbed_api_version",
    ):
        tally.add(AREA, bad_inputs=1)
        with pytest.raises(SettingsError) as info:
            settings.set(key, "é" * 5000)
        assert len(str(info.value)) < 400


def test_an_overlong_time_zone_is_refused(sqlite_engine, tally):
    ensure_schema(sqlite_engine)
    tally.add(AREA, bad_inputs=1)
    with pytest.raises(SettingsError):
        Settings(sqlite_engine).set("cloudbed_timezone", "A" * 300)


def test_an_overlong_json_setting_is_refused_on_every_backend(engine, tally):
    ensure_schema(engine)
    tally.add(AREA, bad_inputs=1)
    with pytest.raises(SettingsError):
        Settings(engine).set("cloudbed_token_resources", ["x" * 70_000])
