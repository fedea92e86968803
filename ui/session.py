"""Who is logged in and which language they read, for this browser session.

The Streamlit session keeps only the id of a session row (``pms.accounts.sessions``); every run
resumes it from the database, so a removed, disabled or demoted account, a changed password, an
idle timeout or a Log out elsewhere ends it at the next click, on every replica. A new page load
(a reload, a new tab, a bookmark) has no Streamlit state yet and resumes from the browser's
``HttpOnly`` session cookie, which ``st.context.cookies`` shows the script. The cookie itself is
set and cleared by the server's own routes (``pms.server.routes``): after a login this module
renders a tiny script that hands the route a one-time ticket, and Log out has the route clear it.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
import streamlit as st

from pms import accounts
from pms.accounts import sessions
from pms.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator
from ui import cache

__all__ = [
    "CHOICE_KEY",
    "LANG_KEY",
    "SESSION_KEY",
    "browser_post",
    "choose_language",
    "client_address",
    "current_user",
    "language",
    "language_changed",
    "log_in",
    "log_out",
    "set_language",
    "still_logged_in",
    "sync_cookie",
    "translator",
]

SESSION_KEY = "pms_session_id"
LANG_KEY = "pms_lang"
CHOICE_KEY = "language_choice"
_CHANGED_KEY = "_pms_lang_changed"
_TICKET_KEY = "_pms_cookie_ticket"
_CLEAR_KEY = "_pms_cookie_clear"
COOKIE_ROUTE = "/session/cookie"
LOGOUT_ROUTE = "/session/logout"


def language() -> str:
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def choose_language() -> None:
    """The switch's ``on_change``: the chosen language applies from this run on."""
    choice = st.session_state.get(CHOICE_KEY)
    if choice in LANGUAGES:
        st.session_state[LANG_KEY] = choice
        st.session_state[_CHANGED_KEY] = True


def language_changed() -> bool:
    """Whether the person changed the language since the last run (then it is saved once)."""
    return bool(st.session_state.pop(_CHANGED_KEY, False))


def set_language(engine: sa.Engine, lang: str, user: accounts.User | None) -> None:
    st.session_state[LANG_KEY] = lang
    if user is not None and user.language != lang:
        accounts.set_language(engine, user.username, lang)


def translator() -> Translator:
    return Translator(language())


def client_address() -> str | None:
    """The browser's address as the server sees it (a local proxy's X-Forwarded-For applied)."""
    try:
        address = st.context.ip_address
    except Exception:  # no request behind this run (a test harness)
        return None
    return address if isinstance(address, str) else None


def current_user(engine: sa.Engine) -> accounts.User | None:
    """The logged-in, still valid account of this browser session, or None."""
    idle = cache.cached(sessions.idle_limit)
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is not None:
        found = sessions.resume(engine, session_id=session_id, idle=idle)
        if found is None:
            log_out(engine)
        return found.user if found else None
    if st.session_state.get(_CLEAR_KEY):
        return None  # logged out in this page: the cookie the page was loaded with is spent
    found = sessions.resume(engine, cookie=st.context.cookies.get(sessions.cookie_name()), idle=idle)
    if found is None:
        return None
    st.session_state[SESSION_KEY] = found.session_id
    st.session_state.setdefault(LANG_KEY, found.user.language)
    return found.user


def still_logged_in(engine: sa.Engine) -> bool:
    """Whether this browser session's login still holds, without counting the check as a click."""
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is None:
        return False
    idle = cache.cached(sessions.idle_limit)
    return sessions.resume(engine, session_id=session_id, idle=idle, touch=False) is not None


def log_in(engine: sa.Engine, user: accounts.User) -> None:
    opened = sessions.open_session(engine, user)
    st.session_state.pop(_CLEAR_KEY, None)
    st.session_state[SESSION_KEY] = opened.id
    st.session_state[LANG_KEY] = user.language
    st.session_state[_TICKET_KEY] = opened.ticket


def log_out(engine: sa.Engine) -> None:
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is not None:
        sessions.close_session(engine, session_id)
    for key in list(st.session_state.keys()):
        if key != LANG_KEY:
            del st.session_state[key]
    st.session_state[_CLEAR_KEY] = True


def browser_post(path: str, body: dict) -> None:
    """Have the browser POST ``body`` (values we made, never outside text) to one of our routes."""
    st.html(
        "<script>fetch(" + json.dumps(path) + ",{method:'POST',credentials:'same-origin',"
        "headers:{'Content-Type':'application/json'},body:" + json.dumps(json.dumps(body)) + "});</script>",
        unsafe_allow_javascript=True,
    )


def sync_cookie() -> None:
    """Have the browser fetch or drop its session cookie from the server's route, once."""
    ticket = st.session_state.pop(_TICKET_KEY, None)
    if ticket:
        browser_post(COOKIE_ROUTE, {"ticket": ticket})
    elif st.session_state.get(_CLEAR_KEY) == True:  # noqa: E712 (set once, then marked done)
        st.session_state[_CLEAR_KEY] = "sent"
        browser_post(LOGOUT_ROUTE, {})
