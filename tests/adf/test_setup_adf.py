"""Setup on a real ADF database: it succeeds whatever the variant, never alters ADF's tables, keeps
our settings apart when ADF's ``settings`` cannot hold them, and reports the front desk it found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.db.setup import head_revision, setup_database, verify_database

from .schemas import create_front_desk, structure, table_charsets

ROOT = Path(__file__).resolve().parents[2]
OURS = ("cloudbed_booking_link", "cloudbed_adf_mapping", "cloudbed_settings", "reservasi", "guest")


def test_setup_never_alters_adf_tables(engine, variant):
    create_front_desk(engine, variant)
    before = structure(engine)
    report = setup_database(engine)
    assert report.ok, report.lines()
    assert structure(engine) == before  # no column, index, key or character set changed
    again = setup_database(engine)
    assert again.ok and structure(engine) == before
    assert {t.status for t in again.tables} == {"ok"}
    status = {t.name: t for t in report.tables}
    assert status["settings"].status == "ok" and "the hotel's own" in status["settings"].detail
    if engine.dialect.name != "sqlite":
        collations = table_charsets(engine)
        assert all(collations[t].startswith("utf8mb4") for t in OURS)  # ours utf8mb4 beside ADF's


def test_our_settings_live_beside_adfs_own(desk):
    settings = Settings(desk)
    assert settings.table is schema.cloudbed_settings
    settings.set_many({"cloudbed_sync_interval": 20, "adf_frontdesk_enabled": True})
    assert settings.sync_interval_minutes == 20 and settings.get("adf_frontdesk_enabled") is True
    with desk.connect() as conn:
        adf = conn.exec_driver_sql("SELECT setting_key, setting_value FROM settings").all()
        ours = conn.execute(sa.select(schema.cloudbed_settings.c.setting_key)).scalars().all()
    assert [tuple(r) for r in adf] == [("hotel_name", "Omah Sekar")]  # ADF's own, untouched
    assert set(ours) >= {"cloudbed_sync_interval", "adf_frontdesk_enabled"}


def test_front_desk_is_reported(desk, variant):
    report = verify_database(desk)
    assert report.ok
    fd = report.front_desk
    assert fd["found"] is True and {"bookings", "guests", "rooms", "room_types"} <= set(fd["tables"])
    notes = " | ".join(fd["notes"])
    if variant == "production":
        assert "bookings has no ota_source_detail" in notes and "free text" in notes
    else:
        assert "bookings.status is ENUM" in notes
    assert any(line.startswith("front desk (ADF): found") for line in report.lines())


def test_without_a_front_desk_everything_works_as_before(engine):
    report = setup_database(engine)
    assert report.ok and report.front_desk == {"found": False, "tables": [], "notes": []}
    assert Settings(engine).table is schema.settings
    assert report.revision == head_revision()


def _cli(*args: str, env_dir: Path) -> subprocess.CompletedProcess:
    env = {"PMS_DATA_DIR": str(env_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "pms", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_pms_setup_json_ends_with_the_front_desk(engine, tmp_path):
    create_front_desk(engine, "production")
    url = engine.url.render_as_string(hide_password=False)
    proc = _cli("setup", "--db", url, "--json", env_dir=tmp_path)
    assert proc.returncode == 0, proc.stderr
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    assert last["ok"] is True
    assert last["front_desk"]["found"] is True and "bookings" in last["front_desk"]["tables"]
    assert isinstance(last["front_desk"]["notes"], list)
    assert "front desk (ADF): found" in proc.stdout


def test_revision_0004_adds_our_tables_to_an_installed_database(engine):
    from alembic import command

    from pms.db.setup import _alembic_config

    assert setup_database(engine).ok
    with engine.begin() as conn:
        for name in ("cloudbed_booking_link", "cloudbed_adf_mapping", "cloudbed_settings"):
            conn.exec_driver_sql(f"DROP TABLE {name}")
        command.stamp(_alembic_config(conn), "0003")
    report = setup_database(engine)
    assert report.ok, report.lines()
    assert report.revision == schema.SCHEMA_VERSION  # 0004 and every revision after it ran
    assert {"cloudbed_booking_link", "cloudbed_adf_mapping", "cloudbed_settings"} <= set(
        sa.inspect(engine).get_table_names()
    )
