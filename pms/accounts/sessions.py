"""Logged-in dashboard sessions: a database row per login, and the browser's signed cookie.

A login in the dashboard opens a session row (``app_session``) that records the account's
``session_version``. The Streamlit session remembers the row's id; the browser gets a cookie so a
reload or a new tab stays logged in. The cookie is set by the server's own route, never by page
script, so it can be ``HttpOnly`` and ``SameSite=Strict``: after the login the page posts a
one-time ``ticket`` (60 s, single use, stored hashed) to that route, which answers with the
cookie ``<token>.<signature>``: a random 256-bit token (stored as its SHA-256) signed with a key
derived from the install's secret key, so a forged cookie is refused before any lookup.

Every dashboard run resumes the session (by id, or from the cookie on a new page load) and ends it
when the account is gone or switched off, its ``session_version`` moved on (password, role or
switch-off: ``pms.accounts.users``), it was idle longer than the ``session_idle_minutes`` setting,
or it is older than ``SESSION_LIFETIME``. Log out deletes the row, so a copied cookie dies too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.accounts.users import USER_COLUMNS, User, user_from_row
from pms.db import schema
from pms.db.types import utcnow

__all__ = [
    "COOKIE_NAME",
    "SESSION_LIFETIME",
    "TICKET_TTL",
    "OpenedSession",
    "Resumed",
    "claim_ticket",
    "close_session",
    "cookie_name",
    "idle_limit",
    "open_session",
    "resume",
]

COOKIE_NAME = "pms_session"  # the default name; ``cookie_name()`` is the one this server uses
SESSION_LIFETIME = timedelta(days=7)  # the cookie's Max-Age too
TICKET_TTL = timedelta(seconds=60)
_TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often
_S, _U = schema.app_session, schema.app_user


def cookie_name() -> str:
    """``pms_session``, or ``pms_session_<instance>`` when ``PMS_INSTANCE`` names this server's hotel."""
    from pms.config import instance_name

    instance = instance_name()
    return f"{COOKIE_NAME}_{instance}" if instance else COOKIE_NAME


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _signing_key() -> bytes:
    from pms.db.secrets import load_secret_key

    return hmac.new(load_secret_key(), b"pms-session-cookie-v1", hashlib.sha256).digest()


def _signature(token: str) -> str:
    mac = hmac.new(_signing_key(), token.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def _token_of(cookie: str | None) -> str | None:
    """The token of a well-signed cookie, or None (checked in constant time)."""
    if not cookie or len(cookie) > 200 or cookie.count(".") != 1:
        return None
    token, signature = cookie.split(".")
    try:
        expected = _signature(token)
    except (UnicodeEncodeError, ValueError):
        return None
    return token if hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode()) else None


@dataclass(frozen=True)
class OpenedSession:
    """A new session: its id (kept by the Streamlit session) and the one-time cookie ticket."""

    id: str
    ticket: str

    def __repr__(self) -> str:
        return f"OpenedSession(id={self.id[:6]}…, ticket=••••)"


@dataclass(frozen=True)
class Resumed:
    user: User
    session_id: str


def open_session(engine: sa.Engine, user: User, now: datetime | None = None) -> OpenedSession:
    """Record a login of ``user`` (already authenticated) and return its id and cookie ticket."""
    now = now or utcnow()
    opened = OpenedSession(secrets.token_hex(16), secrets.token_urlsafe(32))
    with engine.begin() as conn:
        conn.execute(
            sa.insert(_S).values(
                id=opened.id,
                user_id=user.id,
                session_version=user.session_version,
                ticket_hash=_sha(opened.ticket),
                ticket_expires_at=now + TICKET_TTL,
                created_at=now,
                last_seen_at=now,
            )
        )
    return opened


def claim_ticket(engine: sa.Engine, ticket: str | None, now: datetime | None = None) -> str | None:
    """Trade a one-time ticket for the session's cookie value (None: unknown, used or expired)."""
    if not ticket or len(ticket) > 100:
        return None
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(_S)
            .where(_S.c.ticket_hash == _sha(ticket), _S.c.ticket_expires_at > now)
            .values(ticket_hash=None, ticket_expires_at=None, token_hash=_sha(token))
        ).rowcount
    return f"{token}.{_signature(token)}" if done == 1 else None


def resume(
    engine: sa.Engine,
    *,
    session_id: str | None = None,
    cookie: str | None = None,
    idle: timedelta = timedelta(minutes=120),
    now: datetime | None = None,
    touch: bool = True,
) -> Resumed | None:
    """The account behind a session, by its id or by the browser's cookie; None ends it.

    ``touch=False`` checks without counting as activity (a page refreshing itself on a timer must
    not keep an unattended session alive).

    A session that is idle too long, too old, of a removed or switched-off account, or whose
    account's ``session_version`` moved on is deleted here, so it can never come back.
    """
    now = now or utcnow()
    if session_id is not None:
        where = _S.c.id == str(session_id)[:64]
    else:
        token = _token_of(cookie)
        if token is None:
            return None
        where = _S.c.token_hash == _sha(token)
    query = (
        sa.select(
            *USER_COLUMNS,
            _S.c.id.label("sid"),
            _S.c.session_version.label("sv"),
            _S.c.created_at,
            _S.c.last_seen_at,
        )
        .select_from(_S.join(_U, _U.c.id == _S.c.user_id))
        .where(where)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    ended = (
        not row.is_active
        or int(row.sv) != int(row.session_version or 1)
        or now - row.last_seen_at > idle
        or now - row.created_at > SESSION_LIFETIME
    )
    if ended:
        close_session(engine, row.sid)
        return None
    if touch and now - row.last_seen_at >= _TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(sa.update(_S).where(_S.c.id == row.sid).values(last_seen_at=now))
    return Resumed(user_from_row(row), row.sid)


def close_session(engine: sa.Engine, session_id: str | None = None, *, cookie: str | None = None) -> None:
    """Log out: the session row goes, so neither its id nor its cookie works again."""
    if session_id is None:
        token = _token_of(cookie)
        if token is None:
            return
        where = _S.c.token_hash == _sha(token)
    else:
        where = _S.c.id == str(session_id)[:64]
    with engine.begin() as conn:
        conn.execute(sa.delete(_S).where(where))


def idle_limit(engine: sa.Engine) -> timedelta:
    """How long a session may go without a click (the ``session_idle_minutes`` setting)."""
    from pms.db.settings import Settings

    return timedelta(minutes=int(Settings(engine).get("session_idle_minutes")))
