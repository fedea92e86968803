"""The two screens shown before any page: first-manager creation and login.

While a database has no accounts the first manager can be created here only with the one-time
setup code the server printed to its console (``pms.accounts.setup_code``), or on the server with
``python -m pms users add``; ``pms.accounts.users`` makes the creation atomic, so two browsers
cannot both do it. After that every page needs a login. A failed login says only "wrong user name
or password" (never which), and too many attempts say how long to wait.
"""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from pms import accounts
from pms.i18n import Translator
from ui import session
from ui.widgets import plain

__all__ = ["first_manager_form", "login_form"]


def first_manager_form(engine: sa.Engine, t: Translator) -> None:
    st.title(t("auth.welcome_title"))
    st.markdown(t("auth.welcome_text"))
    with st.form("first_manager"):
        code = st.text_input(t("auth.setup_code"), max_chars=40, key="first_setup_code")
        name = st.text_input(t("auth.username"), max_chars=64, key="first_username")
        pw = st.text_input(
            t("auth.password"), type="password", max_chars=accounts.MAX_PASSWORD, key="first_password"
        )
        pw2 = st.text_input(
            t("auth.password_repeat"), type="password", max_chars=accounts.MAX_PASSWORD, key="first_password2"
        )
        st.caption(t("auth.password_rule", n=accounts.MIN_PASSWORD))
        submitted = st.form_submit_button(t("auth.create_manager"), type="primary")
    if not submitted:
        return
    if pw != pw2:
        st.error(t("auth.passwords_differ"))
        return
    try:
        user = accounts.create_first_manager(engine, name, pw, language=t.lang, setup_code=code)
    except accounts.UserError as exc:
        st.error(plain(t.error(exc)))
        return
    session.log_in(engine, user)
    st.rerun()


def login_form(engine: sa.Engine, t: Translator) -> None:
    st.title(t("auth.login_title"))
    with st.form("login"):
        name = st.text_input(t("auth.username"), max_chars=64, key="login_username")
        pw = st.text_input(
            t("auth.password"), type="password", max_chars=accounts.MAX_PASSWORD, key="login_password"
        )
        submitted = st.form_submit_button(t("auth.login"), type="primary")
    if not submitted:
        return
    result = accounts.authenticate(engine, name, pw, client=session.client_address())
    if result.reason == "locked":
        st.error(t("auth.locked", seconds=result.retry_after))
        return
    if not result.ok:
        st.error(t("auth.invalid"))
        return
    session.log_in(engine, result.user)
    st.rerun()
