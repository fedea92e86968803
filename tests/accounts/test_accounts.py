"""Accounts: hashing, roles, the first manager, and the last-manager guard."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pms import accounts
from pms.db import schema

PW = "correct horse battery"


def test_hash_is_salted_scrypt_and_verifies():
    one, two = accounts.hash_password(PW), accounts.hash_password(PW)
    assert one.startswith("scrypt$32768$8$3$") and one != two
    assert accounts.verify_password(PW, one) and accounts.verify_password(PW, two)
    assert not accounts.verify_password(PW + "x", one)
    assert not accounts.needs_rehash(one)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$1$2$3", "md5$a$b$c$d$e", "scrypt$x$8$1$abc$def"])
def test_malformed_hashes_never_match(stored):
    assert not accounts.verify_password(PW, stored)


def test_old_parameters_are_upgraded_on_login(sdb):
    accounts.create_user(sdb, "budi", PW, role="staff")
    from pms.accounts import passwords

    weak = (
        "scrypt$1024$8$1$"
        + passwords._b64(b"0123456789abcdef")
        + "$"
        + passwords._b64(passwords._derive(PW, b"0123456789abcdef", 1024, 8, 1))
    )
    with sdb.begin() as conn:
        conn.execute(sa.update(schema.app_user).values(password_hash=weak))
    assert accounts.needs_rehash(weak)
    assert accounts.authenticate(sdb, "budi", PW).ok
    with sdb.connect() as conn:
        stored = conn.execute(sa.select(schema.app_user.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt$32768$") and accounts.verify_password(PW, stored)


@pytest.mark.parametrize("password", ["short", " " * 12, "ab\x00cdefghijkl", "x" * 2000])
def test_bad_passwords_are_refused(sdb, password):
    with pytest.raises(accounts.UserError):
        accounts.create_user(sdb, "budi", password)
    assert accounts.count_users(sdb) == 0


@pytest.mark.parametrize("name", ["", "a", "x" * 65, "robert'); DROP TABLE app_user;--", "tab\tname", "a b"])
def test_bad_usernames_are_refused(sdb, name):
    with pytest.raises(accounts.UserError):
        accounts.create_user(sdb, name, PW)
    assert accounts.count_users(sdb) == 0


def test_non_ascii_names_are_normalised_and_unique(db):
    created = accounts.create_user(db, "  Dewi.Ayu@Hotel  ", PW, role="staff")
    assert created.username == "dewi.ayu@hotel"
    assert accounts.create_user(db, "Śrī_Ēkā", PW).username == "śrī_ēkā"
    with pytest.raises(accounts.UserError, match="already"):
        accounts.create_user(db, "DEWI.AYU@hotel", PW)
    assert [u.username for u in accounts.list_users(db)] == ["dewi.ayu@hotel", "śrī_ēkā"]
    assert accounts.get_user(db, "ŚRĪ_ĒKĀ").role == "staff"


def test_first_manager_only_once(db):
    from pms.accounts import setup_code

    code = setup_code.issue()
    first = accounts.create_first_manager(db, "gm", PW, language="id", setup_code=code)
    assert first.role == "manager" and first.language == "id"
    with pytest.raises(accounts.UserError):
        accounts.create_first_manager(db, "intruder", PW, setup_code=code)  # spent
    with pytest.raises(accounts.UserError, match="already been created"):
        accounts.create_first_manager(db, "intruder", PW, setup_code=setup_code.issue())
    assert accounts.count_users(db) == 1


def test_last_manager_cannot_be_removed_demoted_or_disabled(db):
    accounts.create_user(db, "gm", PW, role="manager")
    accounts.create_user(db, "staff1", PW, role="staff")
    for action in (
        lambda: accounts.remove_user(db, "gm"),
        lambda: accounts.set_role(db, "gm", "staff"),
        lambda: accounts.set_active(db, "gm", False),
    ):
        with pytest.raises(accounts.UserError, match="last manager"):
            action()
    accounts.set_role(db, "staff1", "manager")
    accounts.set_role(db, "gm", "staff")
    accounts.remove_user(db, "gm")
    assert [(u.username, u.role) for u in accounts.list_users(db)] == [("staff1", "manager")]


def test_unknown_role_language_and_user(sdb):
    with pytest.raises(accounts.UserError):
        accounts.create_user(sdb, "budi", PW, role="admin")
    with pytest.raises(accounts.UserError):
        accounts.create_user(sdb, "budi", PW, language="fr")
    with pytest.raises(accounts.UserError, match="no user"):
        accounts.set_password(sdb, "ghost", PW)
    with pytest.raises(accounts.UserError, match="no user"):
        accounts.remove_user(sdb, "ghost")


def test_permissions():
    assert accounts.can("manager", "settings") and accounts.can("manager", "sync.apply")
    for allowed in ("overview", "room_mapping", "room_mapping.edit", "reservations", "rates"):
        assert accounts.can("staff", allowed)
    for refused in ("setup", "connection", "sync", "rates.edit", "settings", "monitoring", "users"):
        assert not accounts.can("staff", refused)
    assert not accounts.can(None, "overview") and not accounts.can("admin", "overview")


def test_user_repr_has_no_hash(sdb):
    user = accounts.create_user(sdb, "budi", PW)
    assert "scrypt" not in repr(user) and PW not in repr(user)


def test_a_check_without_touch_does_not_keep_a_session_alive(db):
    """A page refreshing itself on a timer checks the login with touch=False: no activity recorded."""
    from datetime import timedelta

    from pms.accounts import sessions
    from pms.db.types import utcnow

    user = accounts.create_user(db, "ines", "a long enough passphrase", role="staff")
    opened = sessions.open_session(db, user)
    start = utcnow()
    idle = timedelta(minutes=10)

    def last_seen():
        with db.connect() as conn:
            table = schema.app_session
            return conn.execute(sa.select(table.c.last_seen_at).where(table.c.id == opened.id)).scalar_one()

    before = last_seen()
    later = start + timedelta(minutes=5)
    assert sessions.resume(db, session_id=opened.id, idle=idle, now=later, touch=False) is not None
    assert last_seen() == before  # the check recorded no activity
    # so ten minutes after the last click the session ends, however many checks ran meanwhile
    assert (
        sessions.resume(db, session_id=opened.id, idle=idle, now=start + timedelta(minutes=11), touch=False)
        is None
    )
    opened = sessions.open_session(db, user)
    before = last_seen()
    assert sessions.resume(db, session_id=opened.id, idle=idle, now=later) is not None
    assert last_seen() > before  # a real click does count
