"""Throwaway databases: a SQLite file in a temp directory, and ``pms_bench_<pid>`` on MariaDB.

Each is created empty for one measurement and removed afterwards, so a measurement never sees
another's rows, and a killed run leaves at most one stale MariaDB database (dropped by the next
run, since its pid is gone).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

__all__ = ["DEFAULT_MYSQL_URL", "fresh_database", "mysql_available"]

DEFAULT_MYSQL_URL = "mysql+pymysql://root@localhost/test?unix_socket=/run/mysqld/mysqld.sock"
_PREFIX = "pms_bench_"


def _admin(mysql_url: str) -> sa.Engine:
    return sa.create_engine(mysql_url, pool_pre_ping=True)


def mysql_available(mysql_url: str) -> str | None:
    """None when MariaDB answers at ``mysql_url``, else the reason it does not."""
    try:
        engine = _admin(mysql_url)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
        return None
    except Exception as exc:
        return f"MariaDB not reachable at {mysql_url.split('?')[0]}: {type(exc).__name__}: {exc}"[:300]


def _drop_stale(admin: sa.Engine) -> None:
    with admin.begin() as conn:
        for (name,) in conn.exec_driver_sql("SHOW DATABASES").all():
            if not name.startswith(_PREFIX):
                continue
            try:
                pid = int(name[len(_PREFIX) :].split("_")[0])
            except ValueError:
                continue
            if pid != os.getpid() and not Path(f"/proc/{pid}").exists():
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")


@contextlib.contextmanager
def fresh_database(kind: str, mysql_url: str = DEFAULT_MYSQL_URL, tag: str = "") -> Iterator[str]:
    """Yield the URL of a new, empty database of ``kind`` ("sqlite" or "mysql"); remove it after."""
    if kind == "sqlite":
        tmp = tempfile.mkdtemp(prefix="pms_bench_")
        try:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    if kind != "mysql":
        raise ValueError(f"unknown database kind {kind!r}")
    admin = _admin(mysql_url)
    _drop_stale(admin)
    name = f"{_PREFIX}{os.getpid()}{'_' + tag if tag else ''}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        yield sa.make_url(mysql_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        admin.dispose()
