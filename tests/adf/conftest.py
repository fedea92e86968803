"""Fixtures for the front-desk tests: the hotel's ADF tables (both variants) beside ours, on SQLite
and MariaDB, a fast sandbox, and a sync context.

Every test that says ``desk`` runs four times: documented and production-like variants, each on
SQLite and MariaDB (the ``engine`` fixture). Nothing is mocked: the sandbox is real HTTP on
127.0.0.1, the databases are real.
"""

from __future__ import annotations

import pytest

from pms.db.setup import setup_database
from tests.sync.helpers import Admin, make_ctx

from .schemas import VARIANTS, create_front_desk


@pytest.fixture
def admin(box) -> Admin:
    return Admin(box)


@pytest.fixture(params=VARIANTS)
def variant(request) -> str:
    return request.param


@pytest.fixture
def desk(engine, variant):
    """A database holding the hotel's front desk (``variant``), then set up for us."""
    create_front_desk(engine, variant)
    report = setup_database(engine)
    assert report.ok, report.lines()
    return engine


@pytest.fixture
def ctx(desk, box):
    context = make_ctx(desk, box)
    yield context
    context.client.close()
