"""Shared fixtures: real databases (SQLite always, MariaDB when configured) and real sandboxes.

Nothing here mocks HTTP or the database. Tests that need MariaDB, Chromium or the official
OpenAPI spec are skipped with a visible reason when those are missing; with ``PMS_REQUIRE_ALL=1``
(set by ``.ci/run``) the same situation fails instead, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from pms.config import find_openapi_spec

MYSQL_URL = os.environ.get("PMS_TEST_MYSQL_URL")
REQUIRE_ALL = os.environ.get("PMS_REQUIRE_ALL") == "1"
CHROMIUM = Path(os.environ.get("PMS_CHROMIUM", "/usr/bin/chromium"))
# Bounds on waits for background work (deliveries, workers, servers) are multiplied by this: they
# only limit how long a test waits for something that should happen, and a loaded 2-core CI machine
# is several times slower than a quiet one. Healthy runs return as soon as the condition holds.
WAIT_SCALE = float(os.environ.get("PMS_TEST_WAIT_SCALE", "4"))
_MYSQL_PREFIX = "pms_t_"


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``, or fail when CI demands that every environment-bound test runs."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (PMS_REQUIRE_ALL=1: this test must run in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Keep every test's local state (SQLite files, secret key file) out of the checkout's data/."""
    monkeypatch.setenv("PMS_DATA_DIR", str(tmp_path / "pms-data"))
    # Sandboxes and test receivers listen on plain-http loopback addresses (pms.outbound).
    monkeypatch.setenv("PMS_TEST_MODE", "1")
    monkeypatch.delenv("PMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("PMS_SECRET_KEY", raising=False)
    # Login budgets are per process: one test's attempts must not spend another's.
    from pms.accounts import reset_throttle

    reset_throttle()


# --- databases ---------------------------------------------------------------------------------


def _drop_stale_mysql_databases(admin) -> None:
    """Drop test databases left behind by killed runs (their pid is gone)."""
    with admin.begin() as conn:
        names = [r[0] for r in conn.exec_driver_sql("SHOW DATABASES")]
        for name in names:
            if not name.startswith(_MYSQL_PREFIX):
                continue
            try:
                pid = int(name[len(_MYSQL_PREFIX) :].split("_")[0])
            except ValueError:
                continue
            if pid != os.getpid() and not Path(f"/proc/{pid}").exists():
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture(scope="session")
def mysql_admin():
    """An engine on the MariaDB server of PMS_TEST_MYSQL_URL, used to create throwaway databases."""
    if not MYSQL_URL:
        skip_or_fail(
            "MariaDB not configured: set PMS_TEST_MYSQL_URL (e.g. mysql+pymysql://root@127.0.0.1/test)"
        )
    import sqlalchemy as sa

    admin = sa.create_engine(MYSQL_URL, pool_pre_ping=True)
    try:
        _drop_stale_mysql_databases(admin)
    except sa.exc.OperationalError as exc:
        skip_or_fail(f"MariaDB at PMS_TEST_MYSQL_URL is not reachable: {exc.orig}")
    yield admin
    admin.dispose()


@pytest.fixture
def mysql_url(mysql_admin):
    """A fresh, empty MariaDB database for one test, dropped afterwards."""
    name = f"{_MYSQL_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with mysql_admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    url = mysql_admin.url.set(database=name)
    query = dict(url.query)
    query.setdefault("charset", "utf8mb4")
    yield url.set(query=query).render_as_string(hide_password=False)
    with mysql_admin.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def sqlite_url(tmp_path):
    """A fresh SQLite file for one test."""
    return f"sqlite:///{tmp_path / 'pms-test.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def db_url(request):
    """Run the test once on SQLite and once on MariaDB."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def engine(db_url):
    """An engine on an empty database (both backends, via ``db_url``)."""
    from pms.db.engine import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url):
    """An engine on an empty SQLite database, for tests that are about logic, not dialects."""
    from pms.db.engine import make_engine

    eng = make_engine(sqlite_url)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine):
    """The ``engine`` fixture's database (SQLite and MariaDB), with every table installed."""
    from pms.db.setup import setup_database

    report = setup_database(engine)
    assert report.ok, report.tables
    return engine


@pytest.fixture
def sdb(sqlite_engine):
    """A set-up SQLite database, for tests about logic rather than dialects."""
    from pms.db.setup import setup_database

    assert setup_database(sqlite_engine).ok
    return sqlite_engine


# --- the Cloudbeds sandbox ---------------------------------------------------------------------


@pytest.fixture
def sandbox_factory():
    """Start real sandboxes on free loopback ports; all are stopped after the test."""
    started = []

    def start(**config):
        from pms.sandbox import Sandbox, SandboxConfig

        config.setdefault("reservations", 120)
        config.setdefault("seed", 42)
        box = Sandbox(SandboxConfig(**config)).start()
        started.append(box)
        return box

    yield start
    for box in started:
        box.stop()


@pytest.fixture
def sandbox(sandbox_factory):
    """A fresh seeded sandbox (120 reservations, 5 requests/s per credential like Cloudbeds)."""
    return sandbox_factory()


@pytest.fixture
def sandbox_config() -> dict:
    """How ``box`` differs from its defaults; a test directory or module overrides this fixture."""
    return {}


@pytest.fixture
def box(sandbox_factory, sandbox_config):
    """A seeded sandbox of 120 reservations without a rate limit, so functional tests run fast."""
    return sandbox_factory(**{"rate_limit": None, "reservations": 120, **sandbox_config})


# --- environment-bound resources ---------------------------------------------------------------


@pytest.fixture(scope="session")
def openapi_spec_path() -> Path:
    path = find_openapi_spec("1.3")
    if path is None:
        skip_or_fail("official Cloudbeds spec pms-v1.3-openapi.yaml not found (../shared/cloudbeds)")
    return path


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)")
    return CHROMIUM
