"""``python -m pms users``: add, list, set-password, remove, with passwords from standard input."""

from __future__ import annotations

import subprocess
import sys

from pms import accounts
from pms.config import PROJECT_ROOT
from pms.db.engine import make_engine

PW = "correct horse battery"


def _cli(url, *args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "pms", "users", "--db", url, *args],
        cwd=PROJECT_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_add_list_set_password_remove(sqlite_url):
    out = _cli(sqlite_url, "add", "GM", "--role", "manager", "--password-stdin", stdin=PW + "\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "added gm (manager)"
    assert (
        _cli(
            sqlite_url,
            "add",
            "budi",
            "--role",
            "staff",
            "--language",
            "id",
            "--password-stdin",
            stdin=PW + "\n",
        ).returncode
        == 0
    )
    listed = _cli(sqlite_url, "list")
    lines = listed.stdout.splitlines()
    assert listed.returncode == 0 and len(lines) == 2
    assert lines[0].split()[:4] == ["budi", "staff", "active", "id"] and "never" in lines[0]
    engine = make_engine(sqlite_url)
    assert accounts.authenticate(engine, "budi", PW).ok

    assert (
        _cli(sqlite_url, "set-password", "budi", "--password-stdin", stdin="another long secret\n").returncode
        == 0
    )
    assert not accounts.authenticate(engine, "budi", PW).ok
    assert accounts.authenticate(engine, "budi", "another long secret").ok

    assert _cli(sqlite_url, "remove", "budi").stdout.strip() == "removed budi"
    assert [u.username for u in accounts.list_users(engine)] == ["gm"]
    engine.dispose()


def test_refusals_exit_non_zero_with_a_message(sqlite_url):
    short = _cli(sqlite_url, "add", "gm", "--role", "manager", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least" in short.stderr
    no_stdin = _cli(sqlite_url, "add", "gm", "--role", "manager")
    assert no_stdin.returncode == 1 and "--password-stdin" in no_stdin.stderr
    _cli(sqlite_url, "add", "gm", "--role", "manager", "--password-stdin", stdin=PW + "\n")
    assert "last manager" in _cli(sqlite_url, "remove", "gm").stderr
    assert "no user" in _cli(sqlite_url, "set-password", "ghost", "--password-stdin", stdin=PW + "\n").stderr
    bad_role = _cli(sqlite_url, "add", "x1", "--role", "admin", "--password-stdin", stdin=PW + "\n")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    assert PW not in short.stdout + short.stderr


def test_list_on_an_empty_database(sqlite_url):
    out = _cli(sqlite_url, "list")
    assert out.returncode == 0 and "no accounts yet" in out.stdout
