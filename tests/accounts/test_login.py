"""Login: success, generic failures, and throttling that locks the account for everyone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pms import accounts
from pms.db.types import utcnow

PW = "correct horse battery"


def test_login_success_records_time_and_resets_failures(db):
    accounts.create_user(db, "budi", PW, role="staff", language="id")
    now = utcnow()
    assert accounts.authenticate(db, "budi", "wrong password!", now=now).reason == "invalid"
    result = accounts.authenticate(db, "BUDI", PW, now=now)
    assert result.ok and result.user.username == "budi" and result.user.language == "id"
    assert accounts.get_user(db, "budi").last_login_at == now
    # the earlier failure no longer counts towards a lock
    for _ in range(accounts.LOCK_AFTER - 1):
        assert accounts.authenticate(db, "budi", "wrong password!", now=now).reason == "invalid"


def test_lock_after_repeated_failures_even_with_the_right_password(db):
    accounts.create_user(db, "budi", PW)
    now = utcnow()
    reasons = [
        accounts.authenticate(db, "budi", f"guess number {i}", now=now).reason
        for i in range(accounts.LOCK_AFTER)
    ]
    assert reasons == ["invalid"] * (accounts.LOCK_AFTER - 1) + ["locked"]
    locked = accounts.authenticate(db, "budi", PW, now=now + timedelta(seconds=10))
    assert not locked.ok and locked.reason == "locked" and 0 < locked.retry_after <= 60
    # after the lock the right password works again
    assert accounts.authenticate(db, "budi", PW, now=now + timedelta(seconds=61)).ok


def test_lock_doubles_with_each_further_failure(sdb):
    accounts.create_user(sdb, "budi", PW)
    now = utcnow()
    for _ in range(accounts.LOCK_AFTER):
        accounts.authenticate(sdb, "budi", "nope nope nope", now=now)
    later = now + timedelta(seconds=61)
    again = accounts.authenticate(sdb, "budi", "still wrong!!", now=later)
    assert again.reason == "locked" and again.retry_after == 120


def test_new_password_lifts_the_lock(sdb):
    accounts.create_user(sdb, "budi", PW)
    now = utcnow()
    for _ in range(accounts.LOCK_AFTER):
        accounts.authenticate(sdb, "budi", "nope nope nope", now=now)
    accounts.set_password(sdb, "budi", "a brand new passphrase")
    assert accounts.authenticate(sdb, "budi", "a brand new passphrase", now=now).ok


def test_unknown_names_answer_like_known_ones_and_lock_too(sdb):
    now = utcnow()
    reasons = [
        accounts.authenticate(sdb, "nobody-here", "whatever pw", now=now).reason
        for _ in range(accounts.LOCK_AFTER)
    ]
    assert reasons == ["invalid"] * (accounts.LOCK_AFTER - 1) + ["locked"]


def test_disabled_account_cannot_log_in(sdb):
    accounts.create_user(sdb, "gm", PW, role="manager")
    accounts.create_user(sdb, "budi", PW)
    accounts.set_active(sdb, "budi", False)
    assert accounts.authenticate(sdb, "budi", PW).reason == "invalid"


@pytest.mark.parametrize(
    "name,password",
    [
        ("' OR '1'='1", "' OR '1'='1"),
        ("budi", "x" * 100_000),
        ("", ""),
        ("budi", None),
        ("😀", "😀"),
    ],
)
def test_hostile_input_is_just_a_failed_login(sdb, name, password):
    accounts.create_user(sdb, "budi", PW)
    assert accounts.authenticate(sdb, name, password).reason == "invalid"
