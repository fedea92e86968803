"""Every client call lands in cloudbed_api_log, redacted, without a secret in sight."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa

from pms.cloudbeds import ApiKeyAuth, CloudbedsClient
from pms.db import schema
from pms.db.apilog import ApiLogWriter
from pms.db.setup import setup_database


def test_calls_are_logged_with_status_request_id_and_no_key(engine, sandbox_factory):
    box = sandbox_factory(rate_limit=None, reservations=30)
    setup_database(engine)
    writer = ApiLogWriter(engine)
    with CloudbedsClient(
        box.base_url, ApiKeyAuth(box.api_key), property_id=box.property_id, on_call=writer
    ) as client:
        client.get_hotels().all()
        list(client.get_reservations(page_size=10))
        calls = client.stats.calls
    assert writer.flush()
    with engine.connect() as conn:
        rows = conn.execute(sa.select(schema.cloudbed_api_log)).mappings().all()
    assert len(rows) == calls == 1 + 3
    assert {r["endpoint"] for r in rows} == {"getHotels", "getReservations"}
    assert all(
        r["http_status"] == 200 and r["request_id"] and r["property_id"] == box.property_id for r in rows
    )
    assert any('"pageNumber": "3"' in r["params"] or '"pageNumber": 3' in r["params"] for r in rows)
    blob = repr(rows)
    assert box.api_key not in blob and box.api_key[5:] not in blob
    writer.close()


def test_a_broken_database_loses_log_rows_but_never_the_call(sqlite_engine, sandbox_factory):
    box = sandbox_factory(rate_limit=None, reservations=5)
    writer = ApiLogWriter(sqlite_engine)  # no tables: every insert fails
    with CloudbedsClient(
        box.base_url, ApiKeyAuth(box.api_key), property_id=box.property_id, on_call=writer
    ) as client:
        assert client.get_hotels().all()
    assert writer.flush()
    assert writer.dropped == 1 and writer.written == 0


def test_an_idle_writer_ends_its_thread_and_starts_again_when_needed(sqlite_engine, monkeypatch):
    import time
    from datetime import datetime

    import pms.db.apilog as apilog
    from pms.cloudbeds.hooks import CallRecord

    setup_database(sqlite_engine)
    monkeypatch.setattr(apilog, "IDLE_EXIT_S", 0.2)
    writer = ApiLogWriter(sqlite_engine)

    def record(n):
        return CallRecord(
            endpoint="getHotels",
            method="GET",
            started_at=datetime.now(UTC),
            duration_ms=n,
            http_status=200,
            request_id=f"r{n}",
        )

    writer(record(1))
    assert writer.flush()
    deadline = time.monotonic() + 10
    while writer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writer._thread is None  # no thread left behind by an idle writer
    writer(record(2))
    assert writer.flush()
    assert writer.written == 2
    with sqlite_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.cloudbed_api_log)).scalar() == 2


def _record(n):
    from datetime import datetime

    from pms.cloudbeds.hooks import CallRecord

    return CallRecord(
        endpoint="getHotels",
        method="GET",
        started_at=datetime.now(UTC),
        duration_ms=n,
        http_status=200,
        request_id=f"r{n}",
    )


def test_calls_a_few_seconds_apart_share_one_insert(sqlite_engine):
    import time

    setup_database(sqlite_engine)
    inserts = []
    sa.event.listen(
        sqlite_engine,
        "before_cursor_execute",
        lambda c, cur, stmt, *a: inserts.append(stmt) if "cloudbed_api_log" in stmt else None,
    )
    writer = ApiLogWriter(sqlite_engine)
    for n in range(10):  # as a sync calls: 5 a second
        writer(_record(n))
        time.sleep(0.2)
    assert writer.flush()
    assert writer.written == 10 and len(inserts) == 1


def test_a_normal_exit_stores_what_was_not_flushed_yet(tmp_path):
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    from pms.db.engine import make_engine

    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    engine = make_engine(url)
    setup_database(engine)
    script = textwrap.dedent(
        f"""
        from tests.db.test_apilog import _record
        from pms.db.apilog import ApiLogWriter
        from pms.db.engine import make_engine
        writer = ApiLogWriter(make_engine({url!r}))
        for n in range(3):
            writer(_record(n))
        """
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, cwd=root, timeout=60, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.cloudbed_api_log)).scalar() == 3
    engine.dispose()
