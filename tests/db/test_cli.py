"""`python -m pms setup` and `credentials` as an operator runs them."""

from __future__ import annotations

import subprocess
import sys

from pms.config import PROJECT_ROOT


def pms(*args, stdin=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "pms", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_setup_prints_a_status_per_table_and_exits_zero(db_url):
    first = pms("setup", "--db", db_url)
    assert first.returncode == 0, first.stderr
    assert "reservasi" in first.stdout and "created" in first.stdout
    assert "all tables verified" in first.stdout
    again = pms("setup", "--db", db_url)
    assert again.returncode == 0 and " created" not in again.stdout
    assert pms("setup", "--db", db_url, "--verify-only").returncode == 0


def test_setup_exits_nonzero_on_a_problem(sqlite_url):
    import sqlalchemy as sa

    eng = sa.create_engine(sqlite_url)
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE guest (id INTEGER PRIMARY KEY, email DATE)")
    eng.dispose()
    out = pms("setup", "--db", sqlite_url)
    assert out.returncode == 1
    assert "problem" in out.stdout and "email" in out.stdout


def test_credentials_are_checked_then_stored_and_shown_as_hints(sqlite_url, sandbox_factory):
    box = sandbox_factory(rate_limit=None, reservations=5)
    assert pms("credentials", "show", "--db", sqlite_url).stdout.startswith("no Cloudbeds credentials")
    bad = pms(
        "credentials", "set", "--api-key", "cbat_" + "0" * 32, "--api-base", box.base_url, "--db", sqlite_url
    )
    assert bad.returncode == 1 and "API key" in bad.stderr
    good = pms(
        "credentials",
        "set",
        "--api-key",
        "-",
        "--api-base",
        box.base_url,
        "--db",
        sqlite_url,
        stdin=box.api_key + "\n",
    )
    assert good.returncode == 0, good.stderr
    assert f"property_id: {box.property_id}" in good.stdout  # detected: the key sees one property
    shown = pms("credentials", "show", "--db", sqlite_url)
    assert "cbat_••••" + box.api_key[-4:] in shown.stdout
    assert box.api_key not in shown.stdout + good.stdout + shown.stderr + good.stderr
