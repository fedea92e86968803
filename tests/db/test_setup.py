"""Setup installs, adopts and verifies; it is idempotent; problems are reported, not papered over."""

from __future__ import annotations

import sqlalchemy as sa

from pms.db import schema
from pms.db.setup import ensure_schema, head_revision, setup_database, verify_database


def test_setup_on_empty_database_creates_every_table(engine):
    report = setup_database(engine)
    assert report.ok, report.lines()
    assert {t.name for t in report.tables} == {t.name for t in schema.metadata.sorted_tables}
    assert {t.status for t in report.tables} == {"created"}
    assert report.revision == head_revision()
    names = set(sa.inspect(engine).get_table_names())
    assert {
        "reservasi",
        "guest",
        "cloudbed_api_log",
        "cloudbed_sync_log",
        "cloudbed_room_mapping",
        "cloudbed_webhook_events",
        "cloudbed_rate_sync",
        "alembic_version",
    } <= names


def test_setup_twice_changes_nothing_and_verifies(engine):
    setup_database(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.settings).values(setting_key="cloudbed_active", setting_value="1"))
    again = setup_database(engine)
    assert again.ok
    assert {t.status for t in again.tables} == {"ok"}
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.settings)).scalar() == 1
    assert verify_database(engine).ok


def test_verify_only_reports_missing_tables_without_creating_them(engine):
    report = verify_database(engine)
    assert not report.ok
    assert {t.status for t in report.tables} == {"missing"}
    assert sa.inspect(engine).get_table_names() == []


LEGACY_DDL = {
    "sqlite": [
        "CREATE TABLE reservasi (id INTEGER PRIMARY KEY AUTOINCREMENT, guest_name VARCHAR(100), "
        "check_in DATE, check_out DATE, status VARCHAR(20), total DECIMAL(12,2))",
        "CREATE TABLE guest (id INTEGER PRIMARY KEY AUTOINCREMENT, first_name VARCHAR(100), email "
        "VARCHAR(100))",
    ],
    "mysql": [
        "CREATE TABLE reservasi (id BIGINT PRIMARY KEY AUTO_INCREMENT, guest_name VARCHAR(100), "
        "check_in DATE, check_out DATE, status VARCHAR(20), total DECIMAL(12,2)) "
        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
        "CREATE TABLE guest (id BIGINT PRIMARY KEY AUTO_INCREMENT, first_name VARCHAR(100), email "
        "VARCHAR(100)) "
        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    ],
}


def _legacy(engine):
    with engine.begin() as conn:
        for ddl in LEGACY_DDL["mysql" if engine.dialect.name != "sqlite" else "sqlite"]:
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(
            "INSERT INTO reservasi (guest_name, check_in, check_out, status, total) VALUES "
            "('Bapak Hendra Wijaya', '2026-12-20', '2026-12-22', 'confirmed', 1500000)"
        )
        conn.exec_driver_sql("INSERT INTO guest (first_name, email) VALUES ('Siti', 'siti@example.id')")


def test_setup_adopts_a_legacy_reservasi_and_guest_keeping_their_rows(engine):
    _legacy(engine)
    report = setup_database(engine)
    assert report.ok, report.lines()
    status = {t.name: t for t in report.tables}
    assert status["reservasi"].status == "adopted"
    assert "cloudbed_reservation_id" in status["reservasi"].detail
    assert status["guest"].status == "adopted"
    assert status["cloudbed_sync_log"].status == "created"
    with engine.connect() as conn:
        row = conn.execute(sa.select(schema.reservasi)).mappings().one()
    # The hotel's own row survives, counts as the hotel's (not Cloudbeds'), and is never pushed.
    assert row["guest_name"] == "Bapak Hendra Wijaya"
    assert row["origin"] == "local"
    assert row["is_deleted"] in (False, 0)
    assert row["cloudbed_reservation_id"] is None
    # The natural-key index the upserts need is there now.
    uniques = {
        tuple(ix["column_names"]) for ix in sa.inspect(engine).get_indexes("reservasi") if ix["unique"]
    }
    uniques |= {tuple(uc["column_names"]) for uc in sa.inspect(engine).get_unique_constraints("reservasi")}
    assert ("property_id", "cloudbed_reservation_id") in uniques
    assert {t.status for t in setup_database(engine).tables} == {"ok"}


def test_setup_reports_a_legacy_column_it_cannot_use(engine):
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE guest (id INTEGER PRIMARY KEY, email DATE, kode_tamu VARCHAR(10) NOT NULL)"
        )
    report = setup_database(engine)
    assert not report.ok
    problem = {t.name: t for t in report.tables}["guest"]
    assert problem.status == "problem"
    assert "email" in problem.detail and "kode_tamu" in problem.detail
    try:
        ensure_schema(engine)
    except Exception as exc:
        assert type(exc).__name__ == "DatabaseSetupError"
        assert "guest" in str(exc)
    else:
        raise AssertionError("ensure_schema accepted a database with a problem")


def test_setup_on_unreachable_database_says_what_to_check(tmp_path):
    from pms.db.engine import make_engine
    from pms.errors import DatabaseSetupError

    eng = make_engine("mysql+pymysql://nobody:secretpw@127.0.0.1:1/hotel")
    try:
        setup_database(eng)
    except DatabaseSetupError as exc:
        assert "secretpw" not in str(exc)
        assert "Check the address" in str(exc)
    else:
        raise AssertionError("setup on a closed port did not fail")


def test_setup_reuses_a_legacy_settings_table_with_its_own_id(engine):
    auto = "AUTOINCREMENT" if engine.dialect.name == "sqlite" else "AUTO_INCREMENT"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE TABLE settings (id INTEGER PRIMARY KEY {auto}, setting_key VARCHAR(100) NOT NULL, "
            "setting_value TEXT, setting_description VARCHAR(255))"
        )
        conn.exec_driver_sql(
            "INSERT INTO settings (setting_key, setting_value, setting_description) "
            "VALUES ('cloudbed_sync_interval', '15', 'Interval sinkronisasi (menit)')"
        )
    report = setup_database(engine)
    assert report.ok, report.lines()
    assert {t.name: t.status for t in report.tables}["settings"] == "adopted"
    from pms.db.settings import Settings

    settings = Settings(engine)
    assert settings.sync_interval_minutes == 15
    settings.set_many({"cloudbed_sync_interval": 20, "cloudbed_active": True})
    assert (settings.sync_interval_minutes, settings.integration_active) == (20, True)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM settings").scalar() == 2
    assert {t.status for t in setup_database(engine).tables} == {"ok"}


def test_an_installed_database_is_upgraded_in_place_by_the_migrations(engine):
    """A database set up at revision 0001 (before the dashboard indexes) gets them from revision 0002,
    and then the later revisions up to the head."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    from pms.db.setup import _alembic_config

    assert setup_database(engine).ok
    with engine.begin() as conn:
        for name, table in (("ix_reservasi_live", "reservasi"), ("ix_guest_live", "guest")):
            conn.exec_driver_sql(
                f"DROP INDEX {name}" + ("" if engine.dialect.name == "sqlite" else f" ON {table}")
            )
        command.stamp(_alembic_config(conn), "0001")
        conn.execute(sa.insert(schema.settings).values(setting_key="cloudbed_active", setting_value="1"))
    report = setup_database(engine)
    assert report.ok, report.lines()
    assert report.revision == head_revision() == schema.SCHEMA_VERSION
    assert {ix["name"] for ix in sa.inspect(engine).get_indexes("reservasi")} >= {"ix_reservasi_live"}
    assert {ix["name"] for ix in sa.inspect(engine).get_indexes("guest")} >= {"ix_guest_live"}
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == schema.SCHEMA_VERSION
        assert conn.execute(sa.select(schema.settings.c.setting_value)).scalar() == "1"  # data kept


def test_ensure_schema_trusts_a_database_at_the_newest_revision_in_one_query(engine):

    assert setup_database(engine).ok
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda c, cur, stmt, *a: statements.append(stmt))
    assert ensure_schema(engine).ok
    sent = [s for s in statements if not s.startswith("BEGIN")]
    # The revision, then (once per engine, same connection) which table holds our settings.
    assert sent[0] == "SELECT version_num FROM alembic_version" and len(sent) <= 4, sent
    with engine.begin() as conn:  # an older stamp: the full setup runs (and upgrades)
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0003'")
    statements.clear()
    assert ensure_schema(engine).revision == schema.SCHEMA_VERSION
    assert len(statements) > 5
