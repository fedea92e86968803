"""The accounts section of the Settings page (managers only): add, change role, reset, disable, remove."""

from __future__ import annotations

import streamlit as st

from pms import accounts
from pms.db.settings import Settings
from ui.context import PageContext
from ui.widgets import plain

__all__ = ["render"]


def render(ctx: PageContext) -> None:
    ctx.require("users")
    t = ctx.t
    everyone = accounts.list_users(ctx.engine)
    st.dataframe(
        [
            {
                t("auth.username"): u.username,
                t("settings.role"): t(f"role.{u.role}"),
                t("settings.active_user"): "✅" if u.is_active else "⛔",
                t("settings.language"): u.language,
                t("settings.last_login"): ctx.dt(u.last_login_at),
            }
            for u in everyone
        ],
        hide_index=True,
        key="users_table",
    )
    with st.form("add_user"):  # kept on a refusal, emptied after a success
        st.markdown(f"**{t('settings.add_user')}**")
        c = st.columns(3)
        name = c[0].text_input(t("auth.username"), max_chars=64, key="new_user_name")
        role = c[1].selectbox(
            t("settings.role"),
            accounts.ROLES,
            index=accounts.ROLES.index("staff"),  # the least power by default: a manager is chosen
            format_func=lambda r: t(f"role.{r}"),
            key="new_user_role",
        )
        pw = c[2].text_input(
            t("auth.password"), type="password", max_chars=accounts.MAX_PASSWORD, key="new_user_pw"
        )
        sure = st.checkbox(t("settings.confirm_add"), key="new_user_confirm")
        if st.form_submit_button(t("settings.add_user"), type="primary"):
            with ctx.errors():
                if not sure:
                    raise accounts.UserError(t("settings.confirm_needed"))
                created = accounts.create_user(ctx.engine, name, pw, role=role, language=ctx.lang)
                for key in ("new_user_name", "new_user_pw", "new_user_role", "new_user_confirm"):
                    st.session_state.pop(key, None)
                ctx.flash(t("settings.user_added", name=plain(created.username)))
    names = [u.username for u in everyone]
    with st.form("edit_user"):
        st.markdown(f"**{t('settings.edit_user')}**")
        c = st.columns(3)
        who = c[0].selectbox(t("auth.username"), names, key="edit_user_name")
        action = c[1].selectbox(
            t("settings.action"),
            ("role_manager", "role_staff", "reset", "disable", "enable", "remove"),
            format_func=lambda a: t(f"settings.do.{a}"),
            key="edit_user_action",
        )
        pw = c[2].text_input(
            t("settings.new_password"), type="password", max_chars=accounts.MAX_PASSWORD, key="edit_user_pw"
        )
        if st.form_submit_button(t("settings.apply"), type="primary"):
            with ctx.errors():
                if who == ctx.user.username and action in ("remove", "disable", "role_staff"):
                    raise accounts.UserError(t("settings.not_yourself"))
                if action.startswith("role_"):
                    accounts.set_role(ctx.engine, who, action[5:])
                elif action == "reset":
                    accounts.set_password(ctx.engine, who, pw)
                elif action in ("disable", "enable"):
                    accounts.set_active(ctx.engine, who, action == "enable")
                else:
                    accounts.remove_user(ctx.engine, who)
                st.success(t("settings.user_changed", name=plain(who)))
                st.rerun()

    with st.form("session_settings"):
        idle = st.number_input(
            t("settings.session_idle"),
            min_value=5,
            max_value=10080,
            value=int(Settings(ctx.engine).get("session_idle_minutes")),
            key="session_idle_minutes",
            help=t("settings.session_idle_help"),
        )
        if st.form_submit_button(t("common.save")):
            with ctx.errors():
                Settings(ctx.engine).set("session_idle_minutes", int(idle))
                ctx.wrote()
                st.success(t("common.saved"), icon="✅")
