"""Database faults mid-batch: the batch rolls back as a whole and the next run completes.

Two ways a batch dies in production, both done for real here:
- the MariaDB server drops the connection (``KILL <id>`` from a second connection, as a DBA, a
  failover or ``wait_timeout`` does) between two statements of one upsert transaction;
- the process is SIGKILLed between two statements (SQLite and MariaDB).
Afterwards the table holds either every row of the interrupted version or none of it, never a
mix; a rerun then leaves exactly one row per guest, each equal to the source.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from pms.db.engine import make_engine
from pms.db.setup import ensure_schema

from .conftest import soak
from .victims import guest_rows, read_guests, upsert_guests

AREA = "database faults"
ROWS = 1000  # 10 batches of 100: 20 statements (a read and a write per batch)
STATEMENTS = 2 * ROWS // 100


def _expected(version: int) -> set[tuple]:
    return {(r["cloudbed_guest_id"], r["last_name"], r["email"]) for r in guest_rows(ROWS, version)}


def _check(engine, version: int, tally) -> None:
    """The table equals the source at ``version``: nothing lost, nothing doubled, nothing stale."""
    rows = read_guests(engine)
    ids = Counter(r[0] for r in rows)
    duplicates = sum(c - 1 for c in ids.values() if c > 1)
    expected = _expected(version)
    lost_or_stale = len(expected - set(rows))
    tally.add(AREA, records_lost=lost_or_stale, duplicates=duplicates)
    assert duplicates == 0
    assert lost_or_stale == 0 and len(rows) == ROWS


def _versions_present(engine) -> set[int]:
    return {int(r[1].rsplit("-v", 1)[1]) for r in read_guests(engine)}


def _kill_points(n: int) -> list[int]:
    rng = random.Random(9)
    return sorted(rng.sample(range(2, STATEMENTS + 1), n))


@pytest.mark.mysql
@pytest.mark.parametrize("kill_at", _kill_points(soak(3, 12)))
def test_mariadb_connection_killed_mid_batch_rolls_back_and_the_rerun_completes(
    mysql_url, mysql_admin, kill_at, tally
):
    engine = make_engine(mysql_url)
    ensure_schema(engine)
    try:
        for version, previous in ((1, None), (2, 1)):  # a first load, then an update of every row

            def kill(statement_no, engine=engine):
                if statement_no == kill_at:
                    with mysql_admin.connect() as admin:
                        victim = (
                            admin.exec_driver_sql(
                                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = %s AND ID <> "
                                "CONNECTION_ID()",
                                (engine.url.database,),
                            )
                            .scalars()
                            .all()
                        )
                        for pid in victim:
                            admin.exec_driver_sql(f"KILL {int(pid)}")
                    tally.add(AREA, faults_injected=1)

            with pytest.raises(sa.exc.DBAPIError) as info:
                upsert_guests(engine, guest_rows(ROWS, version), kill)
            tally.add(AREA, runs=1)
            assert (
                info.value.connection_invalidated
                or "Lost connection" in str(info.value)
                or "gone away" in str(info.value)
            )
            engine.dispose()  # the pool may hold the dead connection's siblings
            assert _versions_present(engine) == (set() if previous is None else {previous})
            if previous is not None:
                _check(engine, previous, tally)
            upsert_guests(engine, guest_rows(ROWS, version))  # the next run
            tally.add(AREA, runs=1)
            _check(engine, version, tally)
    finally:
        engine.dispose()


@pytest.mark.parametrize("kill_at", _kill_points(soak(2, 8)))
def test_process_killed_mid_batch_leaves_all_or_nothing(db_url, kill_at, tally):
    engine = make_engine(db_url)
    ensure_schema(engine)
    tests_dir = Path(__file__).resolve().parents[1]
    try:
        upsert_guests(engine, guest_rows(ROWS, 1))
        for version in (2, 3):
            proc = subprocess.run(
                [sys.executable, "-m", "reliability.victims", db_url, str(ROWS), str(version), str(kill_at)],
                cwd=tests_dir,
                capture_output=True,
                text=True,
                timeout=120,
                env=_env(tests_dir),
                check=False,
            )
            tally.add(AREA, faults_injected=1, runs=1)
            assert proc.returncode == -9, proc.stderr
            assert _versions_present(engine) == {version - 1}
            _check(engine, version - 1, tally)
            upsert_guests(engine, guest_rows(ROWS, version))
            tally.add(AREA, runs=1)
            _check(engine, version, tally)
    finally:
        engine.dispose()


def _env(tests_dir: Path) -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tests_dir.parent), str(tests_dir)])
    return env
