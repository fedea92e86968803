"""The two screens shown before any page: first-manager creation and login.

The first visit to a database with no accounts creates the first manager (``pms.accounts.users`` makes
that atomic, so two browsers cannot both do it). After that every page needs a login. A failed
login says only "wrong user name or password" (never which), and a locked account says how long
to wait.
"""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from pms import accounts
from pms.i18n import Translator
from ui import session

__all__ = ["first_manager_form", "login_form"]


def first_manager_form(engine: sa.Engine, t: Translator) -> None:
    st.title(t("auth.welcome_title"))
    st.write(t("auth.welcome_text"))
    with st.form("first_manager"):
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
        user = accounts.create_first_manager(engine, name, pw, language=t.lang)
    except accounts.UserError as exc:
        st.error(str(exc))
        return
    session.log_in(user)
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
    result = accounts.authenticate(engine, name, pw)
    if result.reason == "locked":
        st.error(t("auth.locked", seconds=result.retry_after))
        return
    if not result.ok:
        st.error(t("auth.invalid"))
        return
    session.log_in(result.user)
    st.rerun()
