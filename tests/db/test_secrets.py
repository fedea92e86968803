"""Secrets are encrypted at rest with a key that is not in the database, and only hints are shown."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pms.db.credentials import CredentialStore
from pms.db.secrets import SecretBox, hint, load_secret_key
from pms.db.setup import setup_database
from pms.errors import ConfigurationError

API_KEY = "cbat_Zx9QmT4vLw2PpR8sYk6NdJ3aHf7uEc1b"
SECRET = "cs_live_4f8a1b9c2d7e6f3a0b5c8d1e"


def test_hint_shows_kind_and_last_four_only():
    assert hint(API_KEY) == "cbat_••••Ec1b"
    assert hint("short") == "••••"
    assert hint(None) == ""


def test_generated_key_file_is_private_and_stable(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    key = load_secret_key()
    path = tmp_path / "pms-data" / "secret.key"
    assert path.is_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret_key() == key


def test_env_key_wins_and_a_malformed_key_is_refused(monkeypatch):
    from cryptography.fernet import Fernet

    good = Fernet.generate_key().decode()
    monkeypatch.setenv("PMS_SECRET_KEY", good)
    assert load_secret_key() == good.encode()
    monkeypatch.setenv("PMS_SECRET_KEY", "not-a-key")
    with pytest.raises(ConfigurationError, match="PMS_SECRET_KEY"):
        load_secret_key()


def test_secrets_are_unreadable_in_the_database_and_its_dump(engine, db_url, tmp_path):
    setup_database(engine)
    store = CredentialStore(engine)
    store.save_oauth_app("app-omahsekar", SECRET, property_id="254042", purge_demo=False)
    store.settings.set("cloudbed_api_key", API_KEY)
    assert store.load().client_secret == SECRET
    with engine.connect() as conn:
        dump = "\n".join(repr(tuple(r)) for r in conn.exec_driver_sql("SELECT * FROM settings"))
    for secret in (API_KEY, SECRET, API_KEY[-12:], SECRET[5:20]):
        assert secret not in dump
    if db_url.startswith("sqlite"):
        path = engine.url.database
        engine.dispose()
        blob = b"".join(Path(p).read_bytes() for p in (path, path + "-wal") if os.path.exists(p))
        assert API_KEY.encode() not in blob and SECRET.encode() not in blob


def test_a_changed_key_is_detected_with_advice(engine, monkeypatch):
    from cryptography.fernet import Fernet

    setup_database(engine)
    monkeypatch.setenv("PMS_SECRET_KEY", Fernet.generate_key().decode())
    store = CredentialStore(engine)
    store.settings.check_secret_key()
    store.save_api_key(API_KEY, property_id="254042", purge_demo=False)
    monkeypatch.setenv("PMS_SECRET_KEY", Fernet.generate_key().decode())
    other = CredentialStore(engine)
    with pytest.raises(ConfigurationError, match="different secret key") as err:
        other.settings.check_secret_key()
    assert API_KEY not in str(err.value)
    with pytest.raises(ConfigurationError, match="different secret key"):
        other.load()


def test_box_and_credentials_reprs_hide_secrets(engine):
    setup_database(engine)
    store = CredentialStore(engine)
    creds = store.save_api_key(API_KEY, property_id="254042", purge_demo=False)
    for text in (repr(creds), str(creds), repr(store), repr(SecretBox()), repr(creds.hints())):
        assert API_KEY not in text and API_KEY[5:] not in text
    assert creds.api_key == API_KEY
