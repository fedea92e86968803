"""``python -m pms users``: dashboard accounts from the command line, for operations and automation.

    users add USERNAME --role manager|staff [--password-stdin] [--language en|id]
    users list
    users set-password USERNAME [--password-stdin]
    users remove USERNAME

Passwords are never taken as arguments (they would end up in the shell history and in ``ps``):
they are prompted for twice on a terminal, or read as one line from standard input with
``--password-stdin`` (``printf '%s\\n' "$PW" | python -m pms users add ...``).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from pms import accounts
from pms.errors import ConfigurationError

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=None, help="database URL (default PMS_DATABASE_URL or data/pms.sqlite3)"
    )
    sub = parser.add_subparsers(dest="action", metavar="<action>", required=True)
    add = sub.add_parser("add", help="add an account")
    add.add_argument("username")
    add.add_argument("--role", choices=accounts.ROLES, required=True)
    add.add_argument(
        "--language", choices=accounts.LANGUAGES, default="en", help="dashboard language (default en)"
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("list", help="list the accounts")
    pw = sub.add_parser("set-password", help="set a new password (also lifts a login lock)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    rm = sub.add_parser("remove", help="delete an account")
    rm.add_argument("username")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise ConfigurationError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ConfigurationError("no terminal to prompt for a password; pipe it in with --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise ConfigurationError("the two passwords differ; nothing was changed")
    return first


def _engine(args: argparse.Namespace):
    from pms.config import database_url
    from pms.db.engine import make_engine
    from pms.db.setup import ensure_schema

    engine = make_engine(database_url(args.db))
    ensure_schema(engine)
    return engine


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def run(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        if args.action == "add":
            user = accounts.create_user(
                engine,
                args.username,
                _read_password(args.password_stdin),
                role=args.role,
                language=args.language,
            )
            print(f"added {user.username} ({user.role})")
        elif args.action == "set-password":
            name = accounts.normalize_username(args.username)
            if accounts.get_user(engine, name) is None:
                raise accounts.UserError(f"There is no user called {name!r}.")
            accounts.set_password(engine, name, _read_password(args.password_stdin))
            print(f"password changed for {name}")
        elif args.action == "remove":
            name = accounts.normalize_username(args.username)
            accounts.remove_user(engine, name)
            print(f"removed {name}")
        else:
            everyone = accounts.list_users(engine)
            if not everyone:
                print("no accounts yet: add one with `python -m pms users add NAME --role manager`")
            width = max((len(u.username) for u in everyone), default=8)
            for u in everyone:
                state = "active" if u.is_active else "disabled"
                print(
                    f"{u.username:<{width}}  {u.role:<7}  {state:<8}  {u.language}  last login "
                    f"{_when(u.last_login_at)}"
                )
        return 0
    finally:
        engine.dispose()
