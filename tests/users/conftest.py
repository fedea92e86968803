"""Fixtures for account tests: a set-up database on both backends."""

from __future__ import annotations

import pytest

from pms.db.setup import setup_database


@pytest.fixture
def db(engine):
    """An installed hotel database (SQLite and MariaDB)."""
    setup_database(engine)
    return engine


@pytest.fixture
def sdb(sqlite_engine):
    """An installed SQLite database, for logic that does not depend on the dialect."""
    setup_database(sqlite_engine)
    return sqlite_engine


@pytest.fixture(autouse=True)
def _fresh_unknown_name_counter(monkeypatch):
    """Failures on unknown names are counted per process; each test starts from zero."""
    from pms import users

    monkeypatch.setattr(users, "_unknown", users._UnknownNames())
