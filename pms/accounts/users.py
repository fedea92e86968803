"""Dashboard accounts: who may log in, with which role and language.

Passwords are hashed in ``pms.accounts.passwords`` (scrypt); logins are checked and throttled in
``pms.accounts.login``; what each role may do is ``pms.accounts.roles``. The last active manager
can never be removed, demoted or switched off: nobody could undo it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from pms.accounts.passwords import hash_password
from pms.accounts.roles import LANGUAGES, ROLES, can
from pms.db import schema
from pms.db.types import utcnow
from pms.errors import UserError
from pms.i18n import Said

__all__ = [
    "FIRST_MANAGER_GUARD",
    "USER_COLUMNS",
    "User",
    "count_users",
    "create_first_manager",
    "create_user",
    "get_user",
    "get_user_by_id",
    "list_users",
    "normalize_username",
    "remove_user",
    "set_active",
    "set_language",
    "set_password",
    "set_role",
    "user_from_row",
]


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
    session_version: int = 1

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    def can(self, action: str) -> bool:
        return can(self.role, action)


def normalize_username(username: str) -> str:
    """The stored form of a user name: NFKC, trimmed, case-folded (``Budi`` and ``budi`` are one user).

    Raises:
        UserError: empty, longer than 64 characters, or using characters other than letters, digits
            and ``. _ - @``.
    """
    text = unicodedata.normalize("NFKC", username or "").strip().casefold()
    if len(text) < 2 or len(text) > 64:
        raise UserError(Said("account.name_length"))
    if not all(ch.isalnum() or ch in "._-@" for ch in text):
        raise UserError(Said("account.name_characters"))
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

# The settings row whose unique key lets only one first-manager creation through.
FIRST_MANAGER_GUARD = "pms_first_manager_created"

_t = schema.app_user
USER_COLUMNS = (
    _t.c.id,
    _t.c.username,
    _t.c.role,
    _t.c.language,
    _t.c.is_active,
    _t.c.last_login_at,
    _t.c.locked_until,
    _t.c.session_version,
)


def user_from_row(row) -> User:
    """A ``User`` from a row with ``USER_COLUMNS``."""
    return User(
        id=row.id,
        username=row.username,
        role=row.role,
        language=row.language or "en",
        is_active=bool(row.is_active),
        last_login_at=row.last_login_at,
        locked_until=row.locked_until,
        session_version=int(row.session_version or 1),
    )


def count_users(engine: sa.Engine) -> int:
    """How many accounts exist (0 means the dashboard asks for the first manager)."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(_t)).scalar_one())


def list_users(engine: sa.Engine) -> list[User]:
    with engine.connect() as conn:
        return [user_from_row(r) for r in conn.execute(sa.select(*USER_COLUMNS).order_by(_t.c.username))]


def get_user(engine: sa.Engine, username: str) -> User | None:
    try:
        name = normalize_username(username)
    except UserError:
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(*USER_COLUMNS).where(_t.c.username == name)).first()
    return user_from_row(row) if row else None


def get_user_by_id(engine: sa.Engine, user_id: int) -> User | None:
    """The account behind a logged-in session, re-read on every page so a removed, disabled or
    demoted account loses its access at once."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(*USER_COLUMNS).where(_t.c.id == int(user_id))).first()
    return user_from_row(row) if row else None


def _insert(conn: sa.Connection, name: str, password_hash: str, role: str, language: str) -> User:
    exists = conn.execute(sa.select(_t.c.id).where(_t.c.username == name)).first()
    if exists:
        raise UserError(Said("account.name_taken", {"name": name}))
    now = utcnow()
    conn.execute(
        sa.insert(_t).values(
            username=name,
            password_hash=password_hash,
            role=role,
            language=language,
            is_active=True,
            failed_attempts=0,
            session_version=1,
            created_at=now,
            updated_at=now,
        )
    )
    row = conn.execute(sa.select(*USER_COLUMNS).where(_t.c.username == name)).one()
    return user_from_row(row)


def create_user(
    engine: sa.Engine, username: str, password: str, role: str = "staff", language: str = "en"
) -> User:
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
        raise UserError(Said("account.name_taken", {"name": name})) from None


def create_first_manager(
    engine: sa.Engine, username: str, password: str, language: str = "en", *, setup_code: str | None
) -> User:
    """Create the first account, a manager, while there are no accounts at all, from the browser.

    Whoever reaches a fresh install first must not become its manager, so this needs the one-time
    setup code the server printed to its own console (``pms.accounts.setup_code``); the command
    line (``python -m pms users add``) needs none, since it runs on the server already.

    Two browsers racing cannot both succeed: the transaction inserts a guard row with a fixed key
    into ``settings`` before counting, so a second creation waits on that unique key (MySQL's
    plain reads take no locks) and then fails on it, and on SQLite writers queue anyway.

    Raises:
        UserError: the setup code is wrong or spent, accounts exist already, or the name/password
            is invalid.
    """
    from pms.accounts import setup_code as codes

    name = normalize_username(username)
    _check_language(language)
    if not codes.check(setup_code):
        raise UserError(Said("account.setup_code"))
    password_hash = hash_password(password)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(schema.settings).values(
                    setting_key=FIRST_MANAGER_GUARD,
                    setting_value=utcnow().isoformat(timespec="seconds"),
                    setting_description="The first manager was created from the browser",
                )
            )
            if conn.execute(sa.select(sa.func.count()).select_from(_t)).scalar_one():
                raise UserError(Said("account.first_done"))
            user = _insert(conn, name, password_hash, "manager", language)
    except sa.exc.IntegrityError:
        raise UserError(Said("account.first_done")) from None
    codes.consume()
    return user


def _require(conn: sa.Connection, username: str):
    name = normalize_username(username)
    row = conn.execute(sa.select(_t.c.id, _t.c.role, _t.c.is_active).where(_t.c.username == name)).first()
    if row is None:
        raise UserError(Said("account.no_user", {"name": name}))
    return row


def _other_active_managers(conn: sa.Connection, user_id: int) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(_t)
            .where(_t.c.role == "manager", _t.c.is_active.is_(True), _t.c.id != user_id)
        ).scalar_one()
    )


def set_password(engine: sa.Engine, username: str, password: str) -> None:
    """Replace an account's password; this also lifts a lock from failed logins."""
    password_hash = hash_password(password)
    with engine.begin() as conn:
        row = _require(conn, username)
        conn.execute(
            sa.update(_t)
            .where(_t.c.id == row.id)
            .values(
                password_hash=password_hash,
                failed_attempts=0,
                locked_until=None,
                session_version=_t.c.session_version + 1,  # every open session ends
                updated_at=utcnow(),
            )
        )


def set_role(engine: sa.Engine, username: str, role: str) -> None:
    """Change an account's role; the last active manager cannot be demoted (nobody could undo it)."""
    _check_role(role)
    with engine.begin() as conn:
        row = _require(conn, username)
        if (
            row.role == "manager"
            and role != "manager"
            and row.is_active
            and not _other_active_managers(conn, row.id)
        ):
            raise UserError(Said("account.last_manager"))
        if role != row.role:
            conn.execute(
                sa.update(_t)
                .where(_t.c.id == row.id)
                .values(role=role, session_version=_t.c.session_version + 1, updated_at=utcnow())
            )


def set_active(engine: sa.Engine, username: str, active: bool) -> None:
    """Switch an account on or off (off keeps its history but refuses its logins)."""
    with engine.begin() as conn:
        row = _require(conn, username)
        if not active and row.role == "manager" and not _other_active_managers(conn, row.id):
            raise UserError(Said("account.last_manager"))
        values = {"is_active": bool(active), "updated_at": utcnow()}
        if not active:
            values["session_version"] = _t.c.session_version + 1  # its open sessions end at once
        conn.execute(sa.update(_t).where(_t.c.id == row.id).values(**values))


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
            raise UserError(Said("account.last_manager"))
        # Its sessions go first (also where the database does not enforce the foreign key).
        conn.execute(sa.delete(schema.app_session).where(schema.app_session.c.user_id == row.id))
        conn.execute(sa.delete(_t).where(_t.c.id == row.id))
