"""Dashboard accounts: ``users`` (the accounts), ``login`` (authenticate), ``throttle`` (attempt
budgets), ``sessions`` (logged-in sessions and their cookie), ``setup_code`` (the first manager),
``roles`` (what each role may do) and ``passwords`` (scrypt hashing). Pages and commands import
from here."""

from __future__ import annotations

from pms.accounts.login import LOCK_AFTER, LoginResult, authenticate, reset_throttle
from pms.accounts.passwords import MAX_PASSWORD, MIN_PASSWORD, hash_password, needs_rehash, verify_password
from pms.accounts.roles import LANGUAGES, ROLES, can
from pms.accounts.users import (
    User,
    count_users,
    create_first_manager,
    create_user,
    get_user,
    get_user_by_id,
    list_users,
    normalize_username,
    remove_user,
    set_active,
    set_language,
    set_password,
    set_role,
)
from pms.errors import UserError

__all__ = [
    "LANGUAGES",
    "LOCK_AFTER",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "ROLES",
    "LoginResult",
    "User",
    "UserError",
    "authenticate",
    "can",
    "count_users",
    "create_first_manager",
    "create_user",
    "get_user",
    "get_user_by_id",
    "hash_password",
    "list_users",
    "needs_rehash",
    "normalize_username",
    "remove_user",
    "reset_throttle",
    "set_active",
    "set_language",
    "set_password",
    "set_role",
    "verify_password",
]
