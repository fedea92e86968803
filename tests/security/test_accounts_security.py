"""Accounts under attack: the first manager, stale sessions, reused ids and login budgets."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms import accounts
from pms.accounts import sessions, setup_code
from pms.accounts.throttle import CLIENT_BURST, GLOBAL_BURST, LOCK_AFTER
from pms.db import schema
from pms.db.types import utcnow

PW = "correct horse battery"


# --- the first manager -----------------------------------------------------------------------------


def test_the_first_manager_needs_the_setup_code(sdb):
    setup_code.consume()
    with pytest.raises(accounts.UserError, match="setup code"):
        accounts.create_first_manager(sdb, "intruder", PW, setup_code=None)
    code = setup_code.issue()
    with pytest.raises(accounts.UserError, match="setup code"):
        accounts.create_first_manager(sdb, "intruder", PW, setup_code="WRONG-CODE-0000")
    assert accounts.count_users(sdb) == 0
    assert accounts.create_first_manager(sdb, "gm", PW, setup_code=code).role == "manager"


def test_guessing_the_setup_code_voids_it():
    code = setup_code.issue()
    for _ in range(setup_code.MAX_FAILURES):
        assert not setup_code.check("AAAA-AAAA-AAAA")
    assert not setup_code.check(code) and not setup_code.pending()


def test_two_first_managers_at_once_only_one_wins(db):
    """Both engines: a count-then-insert without a lock let both through on MariaDB.

    To make the race certain rather than likely, each creation waits after counting the accounts
    until the other has counted too (or 3 s have passed: a correct guard keeps the second one from
    getting that far until the first has committed).
    """
    counted: list[threading.Barrier] = []

    def after_count(conn, cursor, statement, parameters, context, executemany):
        if "count(*)" in statement.lower() and "app_user" in statement and counted:
            try:
                counted[0].wait(timeout=3)
            except threading.BrokenBarrierError:
                pass

    sa.event.listen(db, "after_cursor_execute", after_count)
    try:
        _race(db, counted)
    finally:
        sa.event.remove(db, "after_cursor_execute", after_count)


def _race(db, counted: list[threading.Barrier]) -> None:
    for _ in range(3):
        with db.begin() as conn:
            conn.execute(sa.delete(schema.app_session))
            conn.execute(sa.delete(schema.app_user))
            conn.execute(
                sa.delete(schema.settings).where(schema.settings.c.setting_key == "pms_first_manager_created")
            )
        code = setup_code.issue()
        start = threading.Barrier(2)
        counted[:] = [threading.Barrier(2)]
        outcomes: list[str] = []

        def create(name: str, start=start, code=code, outcomes=outcomes) -> None:
            start.wait()
            try:
                accounts.create_first_manager(db, name, PW, setup_code=code)
                outcomes.append("created")
            except accounts.UserError:
                outcomes.append("refused")

        threads = [threading.Thread(target=create, args=(n,)) for n in ("first-a", "first-b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(outcomes) == ["created", "refused"]
        assert accounts.count_users(db) == 1


# --- sessions and account ids -----------------------------------------------------------------------


def test_ids_of_removed_accounts_are_never_reused(db):
    accounts.create_user(db, "gm", PW, role="manager")
    staff = accounts.create_user(db, "budi", PW)
    opened = sessions.open_session(db, staff)
    accounts.remove_user(db, "budi")
    newcomer = accounts.create_user(db, "newmanager", PW, role="manager")
    assert newcomer.id > staff.id
    # The removed account's session is gone, whatever the new account's id.
    assert sessions.resume(db, session_id=opened.id) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda e: accounts.set_password(e, "budi", "another long passphrase"),
        lambda e: accounts.set_role(e, "budi", "manager"),
        lambda e: accounts.set_active(e, "budi", False),
        lambda e: accounts.remove_user(e, "budi"),
    ],
    ids=["password", "role", "switched-off", "removed"],
)
def test_account_changes_end_its_open_sessions(db, change):
    accounts.create_user(db, "gm", PW, role="manager")
    budi = accounts.create_user(db, "budi", PW)
    opened = sessions.open_session(db, budi)
    cookie = sessions.claim_ticket(db, opened.ticket)
    assert sessions.resume(db, session_id=opened.id).user.username == "budi"
    assert sessions.resume(db, cookie=cookie).session_id == opened.id
    change(db)
    assert sessions.resume(db, session_id=opened.id) is None
    assert sessions.resume(db, cookie=cookie) is None


def test_a_ticket_works_once_and_expires(sdb):
    gm = accounts.create_user(sdb, "gm", PW, role="manager")
    opened = sessions.open_session(sdb, gm)
    assert sessions.claim_ticket(sdb, "not-a-ticket") is None
    late = sessions.open_session(sdb, gm)
    assert sessions.claim_ticket(sdb, late.ticket, now=utcnow() + timedelta(minutes=2)) is None
    cookie = sessions.claim_ticket(sdb, opened.ticket)
    assert cookie and sessions.claim_ticket(sdb, opened.ticket) is None


def test_a_forged_or_altered_cookie_is_refused(sdb):
    gm = accounts.create_user(sdb, "gm", PW, role="manager")
    cookie = sessions.claim_ticket(sdb, sessions.open_session(sdb, gm).ticket)
    token, signature = cookie.split(".")
    assert sessions.resume(sdb, cookie=cookie) is not None
    for forged in (f"{token}.{signature[:-2]}AA", f"{token}x.{signature}", token, "", "a.b.c", "é.é"):
        assert sessions.resume(sdb, cookie=forged) is None
    assert token not in repr(sessions.open_session(sdb, gm))


def test_idle_and_logged_out_sessions_end(sdb):
    gm = accounts.create_user(sdb, "gm", PW, role="manager")
    now = utcnow()
    opened = sessions.open_session(sdb, gm, now=now)
    idle = timedelta(minutes=30)
    assert sessions.resume(sdb, session_id=opened.id, idle=idle, now=now + timedelta(minutes=20))
    # Activity moved the idle clock on: 40 minutes after the start is 20 after the last click.
    assert sessions.resume(sdb, session_id=opened.id, idle=idle, now=now + timedelta(minutes=40))
    assert sessions.resume(sdb, session_id=opened.id, idle=idle, now=now + timedelta(minutes=75)) is None
    again = sessions.open_session(sdb, gm)
    cookie = sessions.claim_ticket(sdb, again.ticket)
    sessions.close_session(sdb, cookie=cookie)
    assert sessions.resume(sdb, cookie=cookie) is None and sessions.resume(sdb, session_id=again.id) is None


# --- login budgets --------------------------------------------------------------------------------


def test_one_client_rotating_names_runs_out_of_budget(sdb):
    accounts.create_user(sdb, "gm", PW, role="manager")
    now = utcnow()
    answers = [
        accounts.authenticate(sdb, f"name-{i}", "guess guess guess", now=now, client="203.0.113.7").reason
        for i in range(CLIENT_BURST + 3)
    ]
    assert answers[:CLIENT_BURST] == ["invalid"] * CLIENT_BURST
    assert set(answers[CLIENT_BURST:]) == {"locked"}
    # Another client is not affected, and the budget comes back with time.
    assert accounts.authenticate(sdb, "gm", PW, now=now, client="198.51.100.2").ok
    assert accounts.authenticate(sdb, "gm", PW, now=now + timedelta(minutes=5), client="203.0.113.7").ok


def test_staff_sharing_one_address_can_all_log_in(sdb):
    """Logins that succeed give their budget back: a shift starting behind one office address is
    never told to wait, while failures from it still are."""
    accounts.create_user(sdb, "gm", PW, role="manager")
    now = utcnow()
    assert all(
        accounts.authenticate(sdb, "gm", PW, now=now, client="203.0.113.20").ok
        for _ in range(CLIENT_BURST * 3)
    )
    answers = [
        accounts.authenticate(sdb, f"name-{i}", "guess guess guess", now=now, client="203.0.113.20").reason
        for i in range(CLIENT_BURST + 1)
    ]
    assert answers[-1] == "locked"


def test_the_server_wide_budget_bounds_many_clients(sdb):
    now = utcnow()
    answers = [
        accounts.authenticate(
            sdb, "nobody", "guess guess guess", now=now, client=f"10.1.{i // 250}.{i % 250}"
        )
        for i in range(GLOBAL_BURST + 5)
    ]
    refused = [a for a in answers if a.reason == "locked" and a.retry_after >= 1]
    assert len(refused) >= 5


def test_a_guesser_cannot_lock_the_manager_out(sdb):
    accounts.create_user(sdb, "gm", PW, role="manager")
    now = utcnow()
    reasons = [
        accounts.authenticate(sdb, "gm", f"guess {i} guess", now=now, client="203.0.113.9").reason
        for i in range(LOCK_AFTER)
    ]
    assert reasons[-1] == "locked"
    # The guesser waits; the manager, at her own address, logs in as usual.
    assert accounts.authenticate(sdb, "gm", PW, now=now, client="192.0.2.10").ok
    # And the guesser's wait is a delay that ends, not a permanent lock.
    assert accounts.authenticate(sdb, "gm", PW, now=now + timedelta(seconds=61), client="203.0.113.9").ok


def test_unknown_names_get_the_same_answers_and_the_same_work(sdb, monkeypatch):
    from pms.accounts import login

    accounts.create_user(sdb, "gm", PW, role="manager")
    hashed: list[str] = []
    real = login.verify_password
    monkeypatch.setattr(
        login, "verify_password", lambda pw, stored: hashed.append(stored) or real(pw, stored)
    )
    now = utcnow()

    def attempts(name: str, client: str) -> list[tuple[str, int]]:
        out = []
        for i in range(LOCK_AFTER + 1):
            r = accounts.authenticate(sdb, name, f"wrong password {i}", now=now, client=client)
            out.append((r.reason, r.retry_after))
        return out

    known = attempts("gm", "192.0.2.1")
    known_hashes, hashed[:] = len(hashed), []
    unknown = attempts("no-such-user", "192.0.2.2")
    assert known == unknown
    assert known_hashes == len(hashed) == LOCK_AFTER  # one hash per attempt, none while waiting


def _as_installed_before_sessions(engine) -> None:
    """Turn a fresh database into one installed by the previous release (schema 0002)."""
    from pms.db.engine import is_sqlite

    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE app_session"))
        if is_sqlite(conn):
            conn.execute(sa.text("DROP TABLE app_user"))
            conn.execute(
                sa.text(
                    "CREATE TABLE app_user (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(64) NOT NULL, "
                    "password_hash VARCHAR(255) NOT NULL, role VARCHAR(16) NOT NULL, language VARCHAR(5) "
                    "NOT NULL, is_active BOOLEAN NOT NULL, failed_attempts INTEGER NOT NULL, locked_until "
                    "DATETIME, last_login_at DATETIME, created_at DATETIME NOT NULL, updated_at DATETIME "
                    "NOT NULL, CONSTRAINT uq_app_user_username UNIQUE (username))"
                )
            )
        else:
            conn.execute(sa.text("ALTER TABLE app_user DROP COLUMN session_version"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0002'"))
        for i, name in enumerate(("gm", "budi", "sari"), start=1):
            conn.execute(
                sa.text(
                    "INSERT INTO app_user (id, username, password_hash, role, language, is_active, "
                    "failed_attempts, created_at, updated_at) VALUES (:id, :name, 'x', :role, 'en', 1, 0, "
                    ":now, :now)"
                ),
                {"id": i, "name": name, "role": "manager" if i == 1 else "staff", "now": utcnow()},
            )


def test_an_installed_database_is_migrated_and_still_verifies(db):
    from pms.db.engine import is_sqlite
    from pms.db.setup import head_revision, setup_database, verify_database

    _as_installed_before_sessions(db)
    assert not verify_database(db).ok
    report = setup_database(db)
    assert report.ok, report.lines()
    assert report.revision == head_revision() == schema.SCHEMA_VERSION  # 0003 and every later one
    assert verify_database(db).ok
    assert [(u.username, u.session_version) for u in accounts.list_users(db)] == [
        ("budi", 1),
        ("gm", 1),
        ("sari", 1),
    ]
    if is_sqlite(db):
        with db.connect() as conn:
            ddl = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'app_user'")).scalar_one()
        assert "AUTOINCREMENT" in ddl.upper()
    accounts.remove_user(db, "sari")
    assert accounts.create_user(db, "newcomer", PW).id == 4  # 3 is never handed out again
    assert setup_database(db).ok  # idempotent
