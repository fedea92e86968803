"""Fixtures for the sync tests: a fast sandbox (no rate limit), a set-up database, a context."""

from __future__ import annotations

import pytest

from pms.db.setup import setup_database

from .helpers import Admin, make_ctx


@pytest.fixture
def box(sandbox_factory):
    """A seeded sandbox of 120 reservations without a rate limit, so functional tests run fast."""
    return sandbox_factory(rate_limit=None, reservations=120)


@pytest.fixture
def admin(box) -> Admin:
    return Admin(box)


@pytest.fixture
def db(engine):
    """The ``engine`` fixture's database (SQLite and MariaDB), with every table installed."""
    report = setup_database(engine)
    assert report.ok, report.tables
    return engine


@pytest.fixture
def sdb(sqlite_engine):
    """A set-up SQLite database, for tests about logic rather than dialects."""
    assert setup_database(sqlite_engine).ok
    return sqlite_engine


@pytest.fixture
def ctx(db, box):
    context = make_ctx(db, box)
    yield context
    context.client.close()


@pytest.fixture
def sctx(sdb, box):
    context = make_ctx(sdb, box)
    yield context
    context.client.close()
