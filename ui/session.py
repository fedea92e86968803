"""Who is logged in and which language they read, kept in Streamlit's per-browser-session state.

Only the account id is kept in the session; the account is re-read from the database on every
run, so a removed, disabled or demoted account loses its access at the next click, on every
replica. Login failures are throttled in ``pms.accounts.users`` (per account, in the database).
"""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from pms import accounts
from pms.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator

__all__ = [
    "LANG_KEY",
    "USER_KEY",
    "current_user",
    "language",
    "log_in",
    "log_out",
    "set_language",
    "translator",
]

USER_KEY = "pms_user_id"
LANG_KEY = "pms_lang"


def language() -> str:
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def set_language(engine: sa.Engine, lang: str, user: accounts.User | None) -> None:
    st.session_state[LANG_KEY] = lang
    if user is not None and user.language != lang:
        accounts.set_language(engine, user.username, lang)


def translator() -> Translator:
    return Translator(language())


def current_user(engine: sa.Engine) -> accounts.User | None:
    """The logged-in, still active account of this browser session, or None."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    user = accounts.get_user_by_id(engine, int(user_id))
    if user is None or not user.is_active:
        log_out()
        return None
    return user


def log_in(user: accounts.User) -> None:
    st.session_state[USER_KEY] = user.id
    st.session_state[LANG_KEY] = user.language


def log_out() -> None:
    for key in list(st.session_state.keys()):
        if key != LANG_KEY:
            del st.session_state[key]
