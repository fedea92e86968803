"""Credentials: validation, OAuth tokens as a TokenStore, demo data purged when going live."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pms.cloudbeds.tokens import TokenSet
from pms.db import schema
from pms.db.credentials import CredentialStore, has_credentials
from pms.db.setup import setup_database
from pms.errors import SettingsError


@pytest.fixture
def store(engine):
    setup_database(engine)
    return CredentialStore(engine)


def test_no_credentials_means_demo_mode(store):
    assert store.load() is None
    assert not has_credentials(store.engine)


@pytest.mark.parametrize("key", ["", "   ", "cbat_short", "cbat_has a space in it 1234567", "x" * 600])
def test_malformed_api_keys_are_refused(store, key):
    with pytest.raises(SettingsError) as err:
        store.save_api_key(key, property_id="254042")
    assert err.value.key == "cloudbed_api_key"
    assert store.load() is None


@pytest.mark.parametrize("pid", ["abc", "254042; DROP TABLE x", "1" * 30])
def test_property_id_must_be_a_number(store, pid):
    with pytest.raises(SettingsError) as err:
        store.save_api_key("cbat_Zx9QmT4vLw2PpR8sYk6NdJ3aHf7uEc1b", property_id=pid)
    assert err.value.key == "cloudbed_property_id"


def test_oauth_tokens_round_trip_encrypted(store, engine):
    store.save_oauth_app("app-id", "app-secret-value-123456", property_id="254042", purge_demo=False)
    expires = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    tokens = TokenSet(
        "at-" + "a" * 40, "rt-" + "b" * 40, expires, resources=({"type": "property", "id": "254042"},)
    )
    store.save_tokens(tokens)
    loaded = CredentialStore(engine).load_tokens()
    assert loaded == tokens
    with engine.connect() as conn:
        values = " ".join(str(v) for (v,) in conn.execute(sa.select(schema.settings.c.setting_value)))
    assert "a" * 40 not in values and "b" * 40 not in values


def test_saving_real_credentials_purges_the_demo_property(store, engine):
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_properties).values(property_id="254042", name="Demo", is_demo=True)
        )
        conn.execute(sa.insert(schema.cloudbed_properties).values(property_id="318204", name="Real"))
        for pid in ("254042", "318204"):
            conn.execute(
                sa.insert(schema.reservasi).values(
                    property_id=pid,
                    cloudbed_reservation_id="1",
                    check_in=datetime(2026, 1, 1).date(),
                    check_out=datetime(2026, 1, 2).date(),
                )
            )
    store.save_api_key("cbat_Zx9QmT4vLw2PpR8sYk6NdJ3aHf7uEc1b", property_id="318204")
    with engine.connect() as conn:
        left = {r[0] for r in conn.execute(sa.select(schema.reservasi.c.property_id))}
        props = {r[0] for r in conn.execute(sa.select(schema.cloudbed_properties.c.property_id))}
    assert left == {"318204"} and props == {"318204"}


def test_clear_returns_to_demo_mode(store):
    store.save_api_key("cbat_Zx9QmT4vLw2PpR8sYk6NdJ3aHf7uEc1b", property_id="254042", purge_demo=False)
    store.clear()
    assert store.load() is None
