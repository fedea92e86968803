"""Local state is private, secrets stay encrypted, the demo sandbox's key is new every run."""

from __future__ import annotations

import stat

import sqlalchemy as sa

from pms.config import data_dir
from pms.db import schema
from pms.db.engine import make_engine
from pms.db.secrets import is_encrypted
from pms.db.settings import Settings
from pms.db.setup import setup_database


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_and_sqlite_files_are_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PMS_DATA_DIR", str(tmp_path / "fresh-data"))
    folder = data_dir()
    assert _mode(folder) == 0o700
    db = folder / "pms.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    try:
        setup_database(engine)
        with engine.begin() as conn:  # a write, so the WAL and shared-memory files exist
            conn.execute(sa.insert(schema.settings).values(setting_key="x", setting_value="y"))
        files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        engine.dispose()


def test_an_existing_world_readable_install_is_narrowed(tmp_path, monkeypatch):
    folder = tmp_path / "old-data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    db = folder / "pms.sqlite3"
    db.write_bytes(b"")
    db.chmod(0o644)
    monkeypatch.setenv("PMS_DATA_DIR", str(folder))
    assert _mode(data_dir()) == 0o700
    make_engine(f"sqlite:///{db}").dispose()
    assert _mode(db) == 0o600


def test_the_sqlite_folder_of_a_new_path_is_owner_only(tmp_path):
    db = tmp_path / "deep" / "er" / "hotel.sqlite3"
    make_engine(f"sqlite:///{db}").dispose()
    assert _mode(db.parent) == 0o700 and _mode(db) == 0o600


def test_the_alert_webhook_url_is_stored_encrypted(sdb):
    url = "https://hooks.chat.example/services/T000/B000/s3cr3tTokenValue"
    settings = Settings(sdb)
    settings.set("alert_webhook_url", url)
    with sdb.connect() as conn:
        stored = conn.execute(
            sa.select(schema.settings.c.setting_value).where(
                schema.settings.c.setting_key == "alert_webhook_url"
            )
        ).scalar_one()
    assert is_encrypted(stored) and "s3cr3t" not in stored
    assert settings.secret("alert_webhook_url") == url
    described = {d["key"]: d["value"] for d in settings.describe()}
    assert "s3cr3t" not in str(described["alert_webhook_url"])


def test_a_webhook_url_stored_in_clear_by_an_older_version_is_encrypted_on_read(sdb):
    url = "https://hooks.chat.example/services/legacy"
    with sdb.begin() as conn:
        conn.execute(sa.insert(schema.settings).values(setting_key="alert_webhook_url", setting_value=url))
    assert Settings(sdb).secret("alert_webhook_url") == url
    with sdb.connect() as conn:
        stored = conn.execute(
            sa.select(schema.settings.c.setting_value).where(
                schema.settings.c.setting_key == "alert_webhook_url"
            )
        ).scalar_one()
    assert is_encrypted(stored)


def test_the_webhook_url_is_still_validated(sdb):
    import pytest

    from pms.errors import SettingsError

    with pytest.raises(SettingsError, match="alert_webhook_url"):
        Settings(sdb).set("alert_webhook_url", "not a url")


def test_the_demo_sandbox_key_is_random_per_run():
    from pms.connection import demo
    from pms.sandbox import SandboxConfig

    seeded = SandboxConfig(seed=demo.DEMO_SEED, reservations=0)
    demo.stop_demo()
    first = demo.ensure_demo(reservations=5)
    try:
        key_one, secret_one = first.api_key, first.sandbox.config.client_secret
    finally:
        demo.stop_demo()
    second = demo.ensure_demo(reservations=5)
    try:
        key_two, secret_two = second.api_key, second.sandbox.config.client_secret
    finally:
        demo.stop_demo()
    assert key_one.startswith("cbat_") and key_one != key_two and secret_one != secret_two
    assert seeded.api_key not in (key_one, key_two)
    assert seeded.client_secret not in (secret_one, secret_two)
