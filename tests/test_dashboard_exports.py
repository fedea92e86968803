"""The public names of the dashboard's pms modules import, and none of them pulls in Streamlit."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from pms.config import PROJECT_ROOT

MODULES = [
    "pms.accounts",
    "pms.accounts.users",
    "pms.accounts.login",
    "pms.accounts.roles",
    "pms.accounts.passwords",
    "pms.i18n",
    "pms.edits",
    "pms.connection",
    "pms.connection.go_live",
    "pms.alerts",
    "pms.reporting",
    "pms.reporting.property",
    "pms.reporting.overview",
    "pms.reporting.listing",
    "pms.reporting.logs",
    "pms.reporting.runs",
    "pms.reporting.rates",
    "pms.reporting.catalog",
    "pms.reporting.booking",
    "pms.sync.mapping_grid",
    "pms.reporting.paging",
    "pms.commands.users",
]


@pytest.mark.parametrize("name", MODULES)
def test_public_names_import(name):
    module = importlib.import_module(name)
    assert module.__all__
    for attr in module.__all__:
        assert hasattr(module, attr), f"{name}.{attr}"


def test_pms_never_imports_streamlit():
    code = "import sys; " + "; ".join(f"import {m}" for m in MODULES) + "; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def _sync_rows(db):
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from pms.db import schema

    started = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # 06:30 on the 25th in Jakarta
    with db.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_sync_log).values(
                property_id="254042",
                sync_type="reservations,guests",
                direction="pull",
                mode="window",
                trigger="manual",
                status="completed",
                started_at=started,
                finished_at=started + timedelta(seconds=5),
                processed=3,
                successful=3,
                failed=0,
                api_calls=2,
            )
        )


def _read(data: bytes) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_export_in_the_readers_language_and_the_propertys_time(db):
    """As the screen shows it: translated headers and values, the property's wall clock."""
    from pms.i18n import Translator
    from pms.reporting import logs

    _sync_rows(db)
    [row] = _read(logs.export_csv(db, "sync", "254042", lang="id", zone="Asia/Jakarta"))
    t = Translator("id")
    assert row[t("log.time")] == "2026-11-25 06:30:00"  # started 23:30 UTC the day before
    assert row[t("log.finished_at")] == "2026-11-25 06:30:05"
    assert row[t("log.direction")] == t("direction.pull")
    assert row[t("log.mode")] == t("mode.window") and row[t("log.trigger")] == t("trigger.manual")
    assert row[t("log.status")] == t("log_status.completed")
    assert row[t("log.entities")] == f"{t('entity.reservations')}, {t('entity.guests')}"
    assert row[t("log.error")] == "–"
    assert not [h for h in row if "_" in h], list(row)  # no column names
    english = _read(logs.export_csv(db, "sync", "254042", lang="en", zone="Asia/Makassar"))[0]
    assert english["Time"] == "2026-11-25 07:30:00" and english["Direction"] == "Cloudbeds → hotel"


def test_csv_export_without_a_language_keeps_the_raw_columns(db):
    """For scripts (and the command line): column names, stored values, UTC ISO 8601."""
    from pms.reporting import logs

    _sync_rows(db)
    [row] = _read(logs.export_csv(db, "sync", "254042"))
    assert row["started_at"] == "2026-11-24T23:30:00+00:00" and row["direction"] == "pull"


def test_every_log_column_has_a_header_in_both_languages():
    from pms import i18n
    from pms.reporting import logs

    for spec in logs.LOGS.values():
        for column in ("id", *spec.columns):
            key = logs.HEADERS[column]
            assert key in i18n.messages("en") and key in i18n.messages("id"), column
