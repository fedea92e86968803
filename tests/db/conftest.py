"""Fixtures of the database tests: the test's own MariaDB with TLS (tests/db/own_mariadb.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import skip_or_fail  # the root tests/conftest.py

from .own_mariadb import missing, start


@pytest.fixture(scope="session")
def own_mariadb():
    """One MariaDB server with TLS per session, reached as db.hotel.test; stopped at the end."""
    reason = missing()
    if reason:
        skip_or_fail(f"own MariaDB with TLS: {reason}")
    server = start(Path(tempfile.mkdtemp(prefix="pms-own-mariadb-")))
    yield server
    server.stop()
