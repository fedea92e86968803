"""Settings are typed and validated; a bad value is refused with an error naming its key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import SPECS, Settings
from pms.db.setup import setup_database
from pms.errors import SettingsError


@pytest.fixture
def settings(engine):
    setup_database(engine)
    return Settings(engine)


def test_defaults_before_anything_is_stored(settings):
    assert settings.integration_active is False
    assert settings.auto_sync is True
    assert settings.sync_interval_minutes == 30
    assert settings.property_timezone == "Asia/Jakarta"
    assert settings.get("cloudbed_api_version") == "v1.3"


def test_values_round_trip_typed_and_stored_like_the_php_system(settings, engine):
    settings.set_many(
        {
            "cloudbed_active": True,
            "cloudbed_sync_interval": "15",
            "cloudbed_public_url": "https://pms.omahsekar.id/",
            "alert_email_to": "gm@x.id; fo@x.id",
        }
    )
    assert settings.integration_active is True
    assert settings.sync_interval_minutes == 15
    assert settings.public_url == "https://pms.omahsekar.id"
    assert settings.get("alert_email_to") == "gm@x.id, fo@x.id"
    with engine.connect() as conn:
        raw = dict(
            conn.execute(sa.select(schema.settings.c.setting_key, schema.settings.c.setting_value)).all()
        )
    assert raw["cloudbed_active"] == "1"
    assert raw["cloudbed_sync_interval"] == "15"


@pytest.mark.parametrize(
    "key,value",
    [
        ("cloudbed_sync_interval", "abc"),
        ("cloudbed_sync_interval", 1),
        ("cloudbed_sync_interval", 100000),
        ("cloudbed_active", "maybe"),
        ("cloudbed_public_url", "javascript:alert(1)"),
        ("cloudbed_public_url", "pms.example.com"),
        ("cloudbed_timezone", "Mars/Olympus"),
        ("alert_email_to", "not-an-address"),
        ("cloudbed_api_version", "v1.1"),
        ("smtp_host", "a" * 3000),
        ("smtp_host", "evil\nheader"),
    ],
)
def test_invalid_values_are_refused_naming_the_key(settings, key, value):
    with pytest.raises(SettingsError) as err:
        settings.set(key, value)
    assert err.value.key == key
    assert key in str(err.value)


def test_one_bad_value_writes_nothing(settings):
    with pytest.raises(SettingsError):
        settings.set_many({"cloudbed_sync_interval": 10, "cloudbed_timezone": "Nowhere/Land"})
    assert settings.sync_interval_minutes == 30


def test_unknown_keys_are_refused_and_hotel_keys_left_alone(settings, engine):
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.settings).values(setting_key="adf_hotel_name", setting_value="Omah Sekar")
        )
    with pytest.raises(SettingsError, match="unknown setting"):
        settings.set("adf_hotel_name", "x")
    settings.set("cloudbed_active", True)
    with engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(schema.settings.c.setting_value).where(
                    schema.settings.c.setting_key == "adf_hotel_name"
                )
            ).scalar()
            == "Omah Sekar"
        )


def test_sql_metacharacters_are_stored_verbatim(settings):
    nasty = "x'); DROP TABLE reservasi; --"
    settings.set("smtp_username", nasty)
    assert settings.get("smtp_username") == nasty


def test_switching_push_on_starts_the_clock_once(settings):
    first = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    settings.set_push_enabled(True, now=first)
    settings.set_push_enabled(True, now=datetime(2026, 12, 2, tzinfo=UTC))
    assert settings.push_since == first
    settings.set_push_enabled(False)
    assert settings.push_enabled is False


def test_describe_lists_every_visible_setting_with_secrets_as_hints(settings):
    settings.set("smtp_password", "s3cr3t-smtp-password-123")
    rows = {r["key"]: r for r in settings.describe()}
    assert set(rows) == {k for k, s in SPECS.items() if not s.internal}
    assert rows["smtp_password"]["value"] == "••••-123"
    assert "s3cr3t" not in repr(rows)
