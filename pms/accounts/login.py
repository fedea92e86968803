"""Logging in: check a password, record the outcome, and keep guessing expensive.

Before any password is hashed the attempt must fit the budgets of ``pms.accounts.throttle``: per
client, for the whole server, and a delay per account and client after repeated failures (a delay
for the guesser, never a lock that keeps the real manager out). Unknown user names take exactly
the same path, with one dummy hash, so neither the answers nor the work tell which names exist.
``failed_attempts`` in the database counts wrong passwords in a row for the record. A successful
login re-hashes a password stored with outdated parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from pms.accounts.passwords import DUMMY_HASH, MAX_PASSWORD, hash_password, needs_rehash, verify_password
from pms.accounts.throttle import LOCK_AFTER, LoginThrottle
from pms.accounts.users import USER_COLUMNS, User, normalize_username, user_from_row
from pms.db import schema
from pms.db.types import utcnow
from pms.errors import UserError

__all__ = ["LOCK_AFTER", "LoginResult", "authenticate", "reset_throttle"]

_t = schema.app_user
_throttle = LoginThrottle()


def reset_throttle() -> None:
    """Forget every budget and delay of this process (tests; an operator's restart does the same)."""
    global _throttle
    _throttle = LoginThrottle()


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt.

    ``reason`` is ``ok``, ``invalid`` (wrong name or password, deliberately not saying which) or
    ``locked`` (too many attempts; ``retry_after`` seconds until the next try is accepted).
    """

    user: User | None
    reason: str
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(
    engine: sa.Engine,
    username: str,
    password: str,
    now: datetime | None = None,
    *,
    client: str | None = None,
) -> LoginResult:
    """Check a login from ``client`` (its address; None when unknown) and record the outcome.

    An attempt over budget, or from a client still waiting after repeated failures, is refused
    without looking at the password, so guessing during the wait is useless. A success clears
    that client's delay, records the login time and upgrades an outdated hash.
    """
    now = now or utcnow()
    throttle = _throttle
    wait = throttle.admit(client, now)
    if wait:
        return LoginResult(None, "locked", wait)
    try:
        name = normalize_username(username)
    except UserError:
        name = None
    if isinstance(password, str) and len(password) > MAX_PASSWORD:
        password = password[: MAX_PASSWORD + 1]  # can never match; keeps the hashing cost bounded
    row = None
    if name is not None:
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(*USER_COLUMNS, _t.c.password_hash, _t.c.failed_attempts).where(
                    _t.c.username == name
                )
            ).first()
    key = name or str(username)[:64]
    version = int(row.session_version or 1) if row is not None else 0
    wait = throttle.delay(key, client, version, now)
    if wait:
        return LoginResult(None, "locked", wait)
    if row is None:
        verify_password(password or "", DUMMY_HASH)  # the same work as for a real account
        wait = throttle.failed(key, client, version, now)
        return LoginResult(None, "locked" if wait else "invalid", wait)
    good = verify_password(password or "", row.password_hash) and bool(row.is_active)
    with engine.begin() as conn:
        if not good:
            conn.execute(
                sa.update(_t).where(_t.c.id == row.id).values(failed_attempts=_t.c.failed_attempts + 1)
            )
            wait = throttle.failed(key, client, version, now)
            return LoginResult(None, "locked" if wait else "invalid", wait)
        values = {"failed_attempts": 0, "locked_until": None, "last_login_at": now}
        if needs_rehash(row.password_hash):
            try:
                values["password_hash"] = hash_password(password)
            except UserError:
                pass  # an old password below today's rules keeps working until it is changed
        conn.execute(sa.update(_t).where(_t.c.id == row.id).values(**values))
    throttle.succeeded(key, client, version)
    user = replace(user_from_row(row), is_active=True, last_login_at=now, locked_until=None)
    return LoginResult(user, "ok")
