"""Logging in: check a password, record the outcome, and throttle guessing.

Failed logins are throttled per account in the database (``failed_attempts``/``locked_until``), so
every dashboard replica sees the same lock: after ``LOCK_AFTER`` failures in a row the account is
locked for ``LOCK_SECONDS``, doubling with every further failure up to ``MAX_LOCK_SECONDS``.
Unknown user names get the same answers and the same delay (a dummy hash is checked and an
in-process counter locks them too), so the login form does not tell which names exist. A
successful login re-hashes a password stored with outdated parameters.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.accounts.passwords import DUMMY_HASH, MAX_PASSWORD, hash_password, needs_rehash, verify_password
from pms.accounts.users import USER_COLUMNS, User, normalize_username, user_from_row
from pms.db import schema
from pms.db.types import utcnow
from pms.errors import UserError

__all__ = ["LOCK_AFTER", "LoginResult", "authenticate"]

_t = schema.app_user

LOCK_AFTER = 5
LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt.

    ``reason`` is ``ok``, ``invalid`` (wrong name or password, deliberately not saying which) or
    ``locked`` (too many failures; ``retry_after`` seconds until the next try is accepted).
    """

    user: User | None
    reason: str
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.user is not None


def _lock_seconds(failures: int) -> int:
    """0 below the threshold, then 60 s, 120 s, 240 s ... capped at 15 minutes."""
    if failures < LOCK_AFTER:
        return 0
    return min(MAX_LOCK_SECONDS, LOCK_SECONDS * 2 ** (failures - LOCK_AFTER))


class _UnknownNames:
    """Failed attempts on names that have no account, kept in memory (bounded) so they lock too."""

    def __init__(self, limit: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, datetime]] = {}
        self._limit = limit

    def locked_for(self, name: str, now: datetime) -> int:
        with self._lock:
            count, until = self._failures.get(name, (0, now))
        return max(0, int((until - now).total_seconds() + 0.999)) if count >= LOCK_AFTER else 0

    def fail(self, name: str, now: datetime) -> None:
        with self._lock:
            if len(self._failures) >= self._limit:
                self._failures.pop(next(iter(self._failures)))
            count = self._failures.get(name, (0, now))[0] + 1
            self._failures[name] = (count, now + timedelta(seconds=_lock_seconds(count)))


_unknown = _UnknownNames()


def authenticate(engine: sa.Engine, username: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login and record its outcome.

    A locked account is refused without looking at the password, so guessing during the lock is
    useless. A success resets the failure count, records the login time and upgrades an outdated
    hash.
    """
    now = now or utcnow()
    try:
        name = normalize_username(username)
    except UserError:
        verify_password(password or "", DUMMY_HASH)
        return LoginResult(None, "invalid")
    if isinstance(password, str) and len(password) > MAX_PASSWORD:
        password = password[: MAX_PASSWORD + 1]  # can never match; keeps the hashing cost bounded
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(*USER_COLUMNS, _t.c.password_hash, _t.c.failed_attempts).where(_t.c.username == name)
        ).first()
    if row is None:
        wait = _unknown.locked_for(name, now)
        if wait:
            return LoginResult(None, "locked", wait)
        verify_password(password or "", DUMMY_HASH)
        _unknown.fail(name, now)
        wait = _unknown.locked_for(name, now)
        return LoginResult(None, "locked" if wait else "invalid", wait)
    if row.locked_until is not None and row.locked_until > now:
        return LoginResult(None, "locked", int((row.locked_until - now).total_seconds() + 0.999))
    good = verify_password(password or "", row.password_hash) and bool(row.is_active)
    with engine.begin() as conn:
        if not good:
            failures = int(row.failed_attempts or 0) + 1
            wait = _lock_seconds(failures)
            conn.execute(
                sa.update(_t)
                .where(_t.c.id == row.id)
                .values(
                    failed_attempts=failures, locked_until=now + timedelta(seconds=wait) if wait else None
                )
            )
            return LoginResult(None, "locked" if wait else "invalid", wait)
        values = {"failed_attempts": 0, "locked_until": None, "last_login_at": now}
        if needs_rehash(row.password_hash):
            try:
                values["password_hash"] = hash_password(password)
            except UserError:
                pass  # an old password below today's rules keeps working until it is changed
        conn.execute(sa.update(_t).where(_t.c.id == row.id).values(**values))
    user = user_from_row(row)
    return LoginResult(User(user.id, user.username, user.role, user.language, True, now, None), "ok")
