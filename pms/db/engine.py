"""Engines for the hotel database, configured once for SQLite and MySQL/MariaDB.

SQLite is the embedded default: the dashboard, the worker thread and the webhook route write the
same file from several threads, so it runs in WAL mode with a busy timeout and foreign keys on.
MySQL/MariaDB is the production choice: utf8mb4 everywhere (guest names are Indonesian, Chinese,
Arabic ...), a ping before reusing a connection that sat idle (so one the server dropped overnight
is replaced instead of failing the first sync of the morning), UTC as the session time zone, and
TLS required whenever the server is not this machine (``pms.db.tls``: the hotel's ADF database is
often on its web host).

The server is often a web host 5-30 ms away, so a round trip costs more than the work: a
connection is pinged only when it was idle for ``PING_IDLE_S`` (not at every checkout), and it is
not rolled back again on its way back to the pool when SQLAlchemy has just committed or rolled
back its transaction.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from pms.db.tls import tls_connect_args
from pms.errors import ConfigurationError

__all__ = ["SQLITE_BUSY_TIMEOUT_S", "is_mysql", "is_sqlite", "make_engine", "reader", "redact_url"]

SQLITE_BUSY_TIMEOUT_S = 30.0
PING_IDLE_S = 30.0


def _url(url: str | URL) -> URL:
    try:
        return make_url(url) if isinstance(url, str) else url
    except sa.exc.ArgumentError:
        raise ConfigurationError(
            "The database address is not a valid SQLAlchemy URL (for example "
            "sqlite:///data/pms.sqlite3 or mysql+pymysql://user:password@host/hotel?charset=utf8mb4).",
            key="PMS_DATABASE_URL",
        ) from None


def redact_url(url: str | URL) -> str:
    """The URL with its password replaced by ``***``, safe for pages and logs."""
    try:
        return _url(url).render_as_string(hide_password=True)
    except ConfigurationError:
        return "(invalid database URL)"


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600), or narrow an existing one.

    It holds password hashes and guests' personal data. SQLite gives the ``-wal`` and ``-shm``
    files it creates beside it the database file's mode, so they follow.
    """
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if part.stat().st_mode & 0o077:
                part.chmod(0o600)
        except OSError:  # absent, or not ours to change (the operator decided): leave it
            continue


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    # Let SQLAlchemy manage transactions itself (pysqlite's own BEGIN handling is off) ...
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _on_sqlite_begin(conn) -> None:
    # ... and starts transactions IMMEDIATE, so two writers queue on the busy timeout instead of
    # one failing with "database is locked" when it upgrades a read lock to a write lock. Pure
    # readers (reports) may ask for ``execution_options(sqlite_begin="DEFERRED")``; under WAL they
    # then never wait for a writer.
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql("BEGIN DEFERRED" if mode == "DEFERRED" else "BEGIN IMMEDIATE")


def _ping_if_idle(dbapi_conn, record, _proxy) -> None:
    # Pessimistic disconnect handling, paid once per idle spell instead of once per checkout:
    # DisconnectionError makes the pool replace the connection and try again.
    last = record.info.get("pms_used_at")
    if last is not None and time.monotonic() - last < PING_IDLE_S:
        return
    try:
        dbapi_conn.ping(reconnect=False)
    except Exception as exc:
        raise sa.exc.DisconnectionError(str(exc)) from exc


def _mark_used(_dbapi_conn, record) -> None:
    record.info["pms_used_at"] = time.monotonic()


def _note(conn, ended: bool) -> None:
    if conn.invalidated:  # a lost connection: the pool discards it, nothing to note
        return
    conn.connection.info["pms_ended"] = ended


def _ended(conn) -> None:
    _note(conn, True)  # a COMMIT or ROLLBACK went through SQLAlchemy


def _busy(conn, *_args) -> None:
    _note(conn, False)  # a statement since: a transaction may be open


def _checked_out(dbapi_conn, record, proxy) -> None:
    record.info["pms_ended"] = False  # unknown until SQLAlchemy ends a transaction on it
    _ping_if_idle(dbapi_conn, record, proxy)


def _reset_if_open(dbapi_conn, record, reset_state) -> None:
    # A connection comes back after a commit or a rollback nearly always, and then the ROLLBACK
    # the pool would send is a wasted round trip. The server's "in transaction" flag cannot tell:
    # MariaDB keeps a read-only snapshot open without setting it. So the rollback is skipped only
    # when SQLAlchemy itself ended the transaction (its commit/rollback, or Connection.close()).
    if reset_state.terminate_only:
        return
    if reset_state.transaction_was_reset or record.info.get("pms_ended"):
        return
    dbapi_conn.rollback()


def make_engine(url: str | URL, **kwargs) -> sa.Engine:
    """An engine for the hotel database.

    Args:
        url: any SQLAlchemy URL; ``sqlite:///path`` creates the folder of the file if needed.
        **kwargs: passed to ``sqlalchemy.create_engine`` (e.g. ``pool_size``).

    Raises:
        ConfigurationError: the URL cannot be parsed or names an unsupported database.
    """
    parsed = _url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                _private_file(Path(database).expanduser())
            except OSError as exc:
                raise ConfigurationError(
                    f"Cannot use {folder} for the SQLite database: {exc.strerror or exc}. Choose another "
                    "path (PMS_DATABASE_URL or --db).",
                    key="PMS_DATABASE_URL",
                ) from None
        kwargs.setdefault("connect_args", {})
        kwargs["connect_args"].setdefault("check_same_thread", False)
        kwargs["connect_args"].setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
        engine = sa.create_engine(parsed, **kwargs)
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        sa.event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if backend in ("mysql", "mariadb"):
        query = dict(parsed.query)
        query.setdefault("charset", "utf8mb4")
        parsed = parsed.set(query=query)
        kwargs.setdefault("pool_recycle", 3600)
        custom_pool = "pool_pre_ping" not in kwargs and "pool_reset_on_return" not in kwargs
        if custom_pool:  # see the module docstring
            kwargs["pool_reset_on_return"] = None
        # Webhook bursts arrive from several senders at once; a pool that keeps its connections
        # avoids opening (and dropping) overflow connections per delivery.
        kwargs.setdefault("pool_size", 16)
        kwargs.setdefault("max_overflow", 16)
        kwargs.setdefault("connect_args", {})
        # autocommit = 0 here saves the driver's own SET AUTOCOMMIT round trip on every connection.
        kwargs["connect_args"].setdefault("init_command", "SET time_zone = '+00:00', autocommit = 0")
        # Off on this machine, required across a network, verified as the URL asks (pms.db.tls).
        for key, value in tls_connect_args(parsed.host, query).items():
            kwargs["connect_args"].setdefault(key, value)
        engine = sa.create_engine(parsed, **kwargs)
        if custom_pool:
            sa.event.listen(engine, "connect", _mark_used)
            sa.event.listen(engine, "checkout", _checked_out)
            sa.event.listen(engine, "checkin", _mark_used)
            sa.event.listen(engine, "reset", _reset_if_open)
            sa.event.listen(engine, "commit", _ended)
            sa.event.listen(engine, "rollback", _ended)
            sa.event.listen(engine, "before_cursor_execute", _busy)
        return engine
    raise ConfigurationError(
        f"Unsupported database {backend!r}: use SQLite or MySQL/MariaDB (mysql+pymysql://...).",
        key="PMS_DATABASE_URL",
    )


def reader(engine: sa.Engine) -> sa.Engine:
    """The same engine for read-only work: on SQLite its transactions never wait for a writer."""
    return engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine) else engine


def is_mysql(bind: sa.Engine | sa.Connection) -> bool:
    return bind.dialect.name in ("mysql", "mariadb")


def is_sqlite(bind: sa.Engine | sa.Connection) -> bool:
    return bind.dialect.name == "sqlite"
