"""The MariaDB pool's round-trip savings never leave a stale snapshot behind (MariaDB only).

A connection goes back to the pool without a ROLLBACK when SQLAlchemy has just ended its
transaction; any other way back (a raw connection that only read) is still rolled back, since
MariaDB keeps a read-only snapshot open without reporting a transaction.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pms.db.engine import make_engine

pytestmark = pytest.mark.mysql


@pytest.fixture
def one_connection(mysql_url):
    engine = make_engine(mysql_url, pool_size=1, max_overflow=0)
    other = make_engine(mysql_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE pool_probe (id INT PRIMARY KEY) ENGINE=InnoDB")
    yield engine, other
    engine.dispose()
    other.dispose()


def _commands(engine: sa.Engine) -> list[str]:
    sent: list[str] = []
    raw = engine.raw_connection()
    send = raw.dbapi_connection._execute_command

    def counted(command, sql):
        sent.append(sql if isinstance(sql, str) else sql.decode(errors="replace"))
        return send(command, sql)

    raw.dbapi_connection._execute_command = counted
    raw.close()
    return sent


def test_no_rollback_after_a_commit_and_no_stale_snapshot_after_a_raw_read(one_connection):
    engine, other = one_connection
    sent = _commands(engine)
    sent.clear()
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO pool_probe VALUES (1)")
    assert [s.split()[0].upper() for s in sent] == ["INSERT", "COMMIT"], sent  # no ROLLBACK on return

    raw = engine.raw_connection()  # reads outside SQLAlchemy's transactions, returned as it is
    cur = raw.cursor()
    cur.execute("SELECT COUNT(*) FROM pool_probe")
    assert cur.fetchone()[0] == 1
    cur.close()
    raw.close()
    with other.begin() as conn:
        conn.exec_driver_sql("INSERT INTO pool_probe VALUES (2)")
    with engine.connect() as conn:  # the same pooled connection: it must see the new row
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM pool_probe").scalar() == 2


def test_a_connection_the_server_dropped_while_idle_is_replaced_not_failed(
    mysql_url, mysql_admin, monkeypatch
):
    import pms.db.engine as engine_module

    engine = make_engine(mysql_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            victim = conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
        with mysql_admin.connect() as admin:  # the server drops it overnight
            admin.exec_driver_sql(f"KILL {int(victim)}")
        monkeypatch.setattr(engine_module, "PING_IDLE_S", 0.0)  # "overnight": idle past the limit
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar() != victim
    finally:
        engine.dispose()
