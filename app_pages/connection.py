"""Connection: API key or OAuth, the step-by-step connection test, and demo mode on or off."""

import pandas as pd
import streamlit as st

from pms.connection import connection_info, go_live
from pms.connection.checks import run_connection_checks
from pms.db.credentials import DEFAULT_API_BASE, CredentialStore
from ui.context import open_page
from ui.feedback import status_box
from ui.session import browser_post
from ui.widgets import plain

ctx = open_page("connection", "connection.title")
t = ctx.t
outcome = st.query_params.get("oauth")  # set by the OAuth callback route when it sends the manager back
if outcome == "connected":
    st.success(t("connection.oauth_done"), icon="✅")
elif outcome == "error":
    # A fixed code from our callback route; the link's own text is never shown.
    from pms.connection.oauth import REASONS

    reason = st.query_params.get("reason")
    why = t(f"connection.oauth_reason.{reason if reason in REASONS else 'failed'}")
    st.error(t("connection.oauth_error", message=why), icon="⚠️")
info = connection_info(ctx.engine)
creds = CredentialStore(ctx.engine).load()
hints = creds.hints() if creds else {}

if info.is_demo:
    st.info(t("connection.demo", url=plain(info.api_base), pid=plain(info.property_id or "–")), icon="🧪")
else:
    st.success(
        t(
            "connection.live",
            method=t(f"connection.method.{info.mode}"),
            url=plain(info.api_base),
            pid=plain(info.property_id) if info.property_id else t("connection.pid_unknown"),
        ),
        icon="🔌",
    )
    if info.mode == "oauth" and not go_live.oauth_connected(ctx.engine):
        st.warning(t("connection.oauth_pending"), icon="⏳")


def show_steps(steps) -> None:
    rows = pd.DataFrame(
        [
            {
                "step": t(f"connection.step.{s.name.replace(' ', '_')}"),
                "result": "⏭️" if s.skipped else ("✅" if s.ok else "❌"),
                "message": t.said(s.message),
                "ms": s.duration_ms,
            }
            for s in steps
        ]
    )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key=f"steps_{id(steps)}",
        column_config={
            "step": t("connection.col.step"),
            "result": t("connection.col.result"),
            "message": t("connection.col.message"),
            "ms": t("connection.col.ms"),
        },
    )


def step_writer(box):
    return lambda step: box.write(
        f"{'✅' if step.ok else ('⏭️' if step.skipped else '❌')} "
        f"{t('connection.step.' + step.name.replace(' ', '_'))}"
    )


if st.button(t("connection.test"), type="primary", key="test_connection"):
    with ctx.errors(), status_box(t("connection.testing"), t("common.stopped")) as box:
        on_step = step_writer(box)
        steps = run_connection_checks(ctx.engine, on_step=on_step)
        ok = all(s.ok for s in steps)
        box.update(
            label=t("connection.passed" if ok else "connection.failed"), state="complete" if ok else "error"
        )
        ctx.wrote()
        show_steps(steps)

st.subheader(t("connection.credentials"))
methods = ("api_key", "oauth")
method = st.radio(
    t("connection.method"),
    methods,
    horizontal=True,
    key="conn_method",
    index=methods.index(info.mode) if info.mode in methods else 0,
    format_func=lambda m: t(f"connection.method.{m}"),
)
base_default = creds.api_base if creds else DEFAULT_API_BASE
if method == "api_key":
    with st.form("api_key_form"):
        key = st.text_input(
            t("connection.api_key"),
            type="password",
            max_chars=512,
            key="conn_key",
            placeholder=hints.get("api_key") or "cbat_…",
        )
        pid = st.text_input(
            t("connection.property_id"),
            value=info.property_id if not info.is_demo else "",
            max_chars=20,
            key="conn_pid",
            help=t("connection.property_help"),
        )
        base = st.text_input(t("connection.api_base"), value=base_default, max_chars=500, key="conn_base")
        submitted = st.form_submit_button(t("connection.test_and_save"), type="primary")
    if submitted:
        with ctx.errors(), status_box(t("connection.testing_key"), t("common.stopped")) as box:
            on_step = step_writer(box)
            attempt = go_live.try_api_key(ctx.engine, key, property_id=pid, api_base=base, on_step=on_step)
            box.update(
                label=t("connection.saved" if attempt.saved else "connection.not_saved"),
                state="complete" if attempt.saved else "error",
            )
            ctx.wrote()
            show_steps(attempt.steps)
else:
    with st.form("oauth_form"):
        client_id = st.text_input(
            t("connection.client_id"), value=hints.get("client_id") or "", max_chars=255, key="conn_client_id"
        )
        secret = st.text_input(
            t("connection.client_secret"),
            type="password",
            max_chars=512,
            key="conn_secret",
            placeholder=hints.get("client_secret") or "",
        )
        pid = st.text_input(
            t("connection.property_id"),
            value=info.property_id if not info.is_demo else "",
            max_chars=20,
            key="conn_oauth_pid",
            help=t("connection.property_help"),
        )
        base = st.text_input(
            t("connection.api_base"), value=base_default, max_chars=500, key="conn_oauth_base"
        )
        saved = st.form_submit_button(t("connection.save_app"), type="primary")
    if saved:
        with ctx.errors():
            go_live.save_oauth_app(
                ctx.engine,
                client_id,
                secret or None,  # kept only while the API address stays the same
                property_id=pid,
                api_base=base,
            )
            ctx.wrote()
            ctx.flash(t("connection.app_saved"))
    if creds and creds.auth_method == "oauth":
        with ctx.errors():
            from pms.connection.oauth import BIND_PATH, start_browser_connect

            if st.button(t("connection.start_oauth"), key="start_oauth"):
                url, binding = start_browser_connect(ctx.engine, return_to="/connection")
                browser_post(BIND_PATH, {"binding": binding})  # only this browser may finish it
                st.link_button(t("connection.oauth_link"), url, type="primary")

if not info.is_demo:
    st.subheader(t("connection.demo_title"))
    sure = st.checkbox(t("connection.demo_confirm"), key="demo_confirm")
    if st.button(t("connection.back_to_demo"), key="back_to_demo", disabled=not sure):
        with ctx.errors():
            go_live.return_to_demo(ctx.engine)
            ctx.wrote()
            ctx.flash(t("connection.demo_on"))
