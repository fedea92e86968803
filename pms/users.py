"""Dashboard accounts: who may log in, with which role, and how hard it is to guess a password.

Two roles, because a hotel has two kinds of users: ``manager`` (everything, including credentials,
syncs and accounts) and ``staff`` (the overview, room mapping, reservations and guests, read-only
monitoring). The role check lives here (``can``), so pages and their actions ask the same question.

Passwords are hashed in ``pms.passwords`` (scrypt); ``authenticate`` re-hashes an old-format hash
on the next successful login.

Failed logins are throttled per account in the database (``failed_attempts``/``locked_until``), so
every dashboard replica sees the same lock: after ``LOCK_AFTER`` failures in a row the account is
locked for ``LOCK_SECONDS``, doubling with every further failure up to ``MAX_LOCK_SECONDS``.
Unknown user names get the same answers and the same delay (a dummy hash is checked and an
in-process counter locks them too), so the login form does not tell which names exist.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.types import utcnow
from pms.passwords import (
    DUMMY_HASH,
    MAX_PASSWORD,
    MIN_PASSWORD,
    UserError,
    hash_password,
    needs_rehash,
    verify_password,
)

__all__ = [
    "ROLES",
    "LANGUAGES",
    "User",
    "LoginResult",
    "UserError",
    "can",
    "hash_password",
    "verify_password",
    "needs_rehash",
    "normalize_username",
    "count_users",
    "list_users",
    "get_user",
    "get_user_by_id",
    "create_user",
    "create_first_manager",
    "set_password",
    "set_role",
    "set_active",
    "set_language",
    "remove_user",
    "authenticate",
    "MIN_PASSWORD",
    "LOCK_AFTER",
]

ROLES = ("manager", "staff")
LANGUAGES = ("en", "id")
LOCK_AFTER = 5
LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60

# What each role may open or do. Pages and their actions are named the same way.
_STAFF = frozenset({"overview", "room_mapping", "reservations", "monitoring", "reservations.edit",
                    "room_mapping.edit"})
_PERMISSIONS = {"staff": _STAFF}

@dataclass(frozen=True)
class User:
    """An account as pages see it; the password hash never leaves this module."""

    id: int
    username: str
    role: str
    language: str
    is_active: bool
    last_login_at: datetime | None = None
    locked_until: datetime | None = None

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    def can(self, action: str) -> bool:
        return can(self.role, action)


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


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may open the page or run the action named ``action``.

    Managers may do everything; staff only what ``_STAFF`` lists (a page name such as
    ``reservations`` or an action such as ``room_mapping.edit``). Unknown roles may do nothing.
    """
    if role == "manager":
        return True
    return action in _PERMISSIONS.get(role or "", frozenset())


# --- validation ------------------------------------------------------------------------------------


def normalize_username(username: str) -> str:
    """The stored form of a user name: NFKC, trimmed, case-folded (``Budi`` and ``budi`` are one user).

    Raises:
        UserError: empty, longer than 64 characters, or using characters other than letters, digits
            and ``. _ - @``.
    """
    text = unicodedata.normalize("NFKC", username or "").strip().casefold()
    if len(text) < 2 or len(text) > 64:
        raise UserError("A user name needs 2 to 64 characters.")
    if not all(ch.isalnum() or ch in "._-@" for ch in text):
        raise UserError("A user name may contain letters, digits and . _ - @ only.")
    return text


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"The role must be one of {', '.join(ROLES)}, not {str(role)[:20]!r}.")
    return role


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise UserError(f"The language must be one of {', '.join(LANGUAGES)}.")
    return language


# --- accounts --------------------------------------------------------------------------------------

_t = schema.app_user
_COLUMNS = (_t.c.id, _t.c.username, _t.c.role, _t.c.language, _t.c.is_active, _t.c.last_login_at,
            _t.c.locked_until)


def _user(row) -> User:
    return User(id=row.id, username=row.username, role=row.role, language=row.language or "en",
                is_active=bool(row.is_active), last_login_at=row.last_login_at, locked_until=row.locked_until)


def count_users(engine: sa.Engine) -> int:
    """How many accounts exist (0 means the dashboard asks for the first manager)."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(_t)).scalar_one())


def list_users(engine: sa.Engine) -> list[User]:
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(sa.select(*_COLUMNS).order_by(_t.c.username))]


def get_user(engine: sa.Engine, username: str) -> User | None:
    try:
        name = normalize_username(username)
    except UserError:
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_COLUMNS).where(_t.c.username == name)).first()
    return _user(row) if row else None


def get_user_by_id(engine: sa.Engine, user_id: int) -> User | None:
    """The account behind a logged-in session, re-read on every page so a removed, disabled or
    demoted account loses its access at once."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_COLUMNS).where(_t.c.id == int(user_id))).first()
    return _user(row) if row else None


def _insert(conn: sa.Connection, name: str, password_hash: str, role: str, language: str) -> User:
    exists = conn.execute(sa.select(_t.c.id).where(_t.c.username == name)).first()
    if exists:
        raise UserError(f"There is already a user called {name!r}.")
    now = utcnow()
    conn.execute(sa.insert(_t).values(username=name, password_hash=password_hash, role=role, language=language,
                                      is_active=True, failed_attempts=0, created_at=now, updated_at=now))
    row = conn.execute(sa.select(*_COLUMNS).where(_t.c.username == name)).one()
    return _user(row)


def create_user(engine: sa.Engine, username: str, password: str, role: str = "staff",
                language: str = "en") -> User:
    """Add an account.

    Raises:
        UserError: invalid name, password, role or language, or the name is taken.
    """
    name = normalize_username(username)
    _check_role(role)
    _check_language(language)
    password_hash = hash_password(password)
    try:
        with engine.begin() as conn:
            return _insert(conn, name, password_hash, role, language)
    except sa.exc.IntegrityError:
        raise UserError(f"There is already a user called {name!r}.") from None


def create_first_manager(engine: sa.Engine, username: str, password: str, language: str = "en") -> User:
    """Create the first account, a manager, only while there are no accounts at all.

    The check and the insert share one transaction, so two browsers racing on a fresh install
    cannot both create a "first" manager.

    Raises:
        UserError: accounts exist already, or the name/password is invalid.
    """
    name = normalize_username(username)
    _check_language(language)
    password_hash = hash_password(password)
    with engine.begin() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(_t)).scalar_one():
            raise UserError("The first manager has already been created; log in instead.")
        return _insert(conn, name, password_hash, "manager", language)


def _require(conn: sa.Connection, username: str):
    name = normalize_username(username)
    row = conn.execute(sa.select(_t.c.id, _t.c.role, _t.c.is_active).where(_t.c.username == name)).first()
    if row is None:
        raise UserError(f"There is no user called {name!r}.")
    return row


def _other_active_managers(conn: sa.Connection, user_id: int) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(_t).where(
        _t.c.role == "manager", _t.c.is_active.is_(True), _t.c.id != user_id)).scalar_one())


def set_password(engine: sa.Engine, username: str, password: str) -> None:
    """Replace an account's password; this also lifts a lock from failed logins."""
    password_hash = hash_password(password)
    with engine.begin() as conn:
        row = _require(conn, username)
        conn.execute(sa.update(_t).where(_t.c.id == row.id).values(
            password_hash=password_hash, failed_attempts=0, locked_until=None, updated_at=utcnow()))


def set_role(engine: sa.Engine, username: str, role: str) -> None:
    """Change an account's role; the last active manager cannot be demoted (nobody could undo it)."""
    _check_role(role)
    with engine.begin() as conn:
        row = _require(conn, username)
        if row.role == "manager" and role != "manager" and row.is_active and not _other_active_managers(conn, row.id):
            raise UserError("This is the last manager; make another user a manager first.")
        conn.execute(sa.update(_t).where(_t.c.id == row.id).values(role=role, updated_at=utcnow()))


def set_active(engine: sa.Engine, username: str, active: bool) -> None:
    """Switch an account on or off (off keeps its history but refuses its logins)."""
    with engine.begin() as conn:
        row = _require(conn, username)
        if not active and row.role == "manager" and not _other_active_managers(conn, row.id):
            raise UserError("This is the last manager; make another user a manager first.")
        conn.execute(sa.update(_t).where(_t.c.id == row.id).values(is_active=bool(active), updated_at=utcnow()))


def set_language(engine: sa.Engine, username: str, language: str) -> None:
    """Remember the dashboard language a user chose."""
    _check_language(language)
    with engine.begin() as conn:
        row = _require(conn, username)
        conn.execute(sa.update(_t).where(_t.c.id == row.id).values(language=language))


def remove_user(engine: sa.Engine, username: str) -> None:
    """Delete an account; the last active manager cannot be removed."""
    with engine.begin() as conn:
        row = _require(conn, username)
        if row.role == "manager" and row.is_active and not _other_active_managers(conn, row.id):
            raise UserError("This is the last manager; make another user a manager first.")
        conn.execute(sa.delete(_t).where(_t.c.id == row.id))


# --- login ------------------------------------------------------------------------------------------


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
        row = conn.execute(sa.select(*_COLUMNS, _t.c.password_hash, _t.c.failed_attempts)
                           .where(_t.c.username == name)).first()
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
            conn.execute(sa.update(_t).where(_t.c.id == row.id).values(
                failed_attempts=failures, locked_until=now + timedelta(seconds=wait) if wait else None))
            return LoginResult(None, "locked" if wait else "invalid", wait)
        values = {"failed_attempts": 0, "locked_until": None, "last_login_at": now}
        if needs_rehash(row.password_hash):
            try:
                values["password_hash"] = hash_password(password)
            except UserError:
                pass  # an old password below today's rules keeps working until it is changed
        conn.execute(sa.update(_t).where(_t.c.id == row.id).values(**values))
    user = _user(row)
    return LoginResult(User(user.id, user.username, user.role, user.language, True, now, None), "ok")
