"""Settings: the integration switches, webhooks, alert destinations, time zone, and user accounts."""

import streamlit as st

from pms.db.settings import Settings
from ui import actions, user_admin
from ui.context import open_page
from ui.widgets import plain

ctx = open_page("settings", "settings.title")
t = ctx.t
settings = Settings(ctx.engine)
tab_sync, tab_hooks, tab_alerts, tab_users = st.tabs(
    [t("settings.tab.sync"), t("settings.tab.webhooks"), t("settings.tab.alerts"), t("settings.tab.users")]
)

with tab_sync, ctx.errors():
    cur = settings.get_many(
        [
            "cloudbed_active",
            "cloudbed_auto_sync",
            "cloudbed_sync_interval",
            "cloudbed_push_enabled",
            "cloudbed_push_since",
            "adf_push_poll_seconds",
            "cloudbed_timezone",
            "cloudbed_public_url",
        ]
    )
    with st.form("sync_settings"):
        active = st.toggle(t("settings.active"), value=cur["cloudbed_active"], key="set_active")
        auto = st.toggle(t("settings.auto_sync"), value=cur["cloudbed_auto_sync"], key="set_auto")
        interval = st.number_input(
            t("settings.interval"),
            min_value=5,
            max_value=1440,
            value=int(cur["cloudbed_sync_interval"]),
            key="set_interval",
        )
        push = st.toggle(
            t("settings.push"),
            value=cur["cloudbed_push_enabled"],
            key="set_push",
            help=t("settings.push_help"),
        )
        push_poll = st.number_input(
            t("settings.push_poll"),
            min_value=5,
            max_value=3600,
            value=int(cur["adf_push_poll_seconds"]),
            key="set_push_poll",
            help=t("settings.push_poll_help"),
        )
        public = st.text_input(
            t("settings.public_url"),
            value=cur["cloudbed_public_url"] or "",
            max_chars=500,
            key="set_public",
            placeholder="https://pms.example.com",
        )
        if st.form_submit_button(t("common.save"), type="primary"):
            with ctx.errors():
                settings.set_many(
                    {
                        "cloudbed_active": active,
                        "cloudbed_auto_sync": auto,
                        "cloudbed_sync_interval": int(interval),
                        "adf_push_poll_seconds": int(push_poll),
                        "cloudbed_public_url": public or None,
                    }
                )
                settings.set_push_enabled(push)
                ctx.wrote()
                st.success(t("common.saved"), icon="✅")
    if cur["cloudbed_push_since"]:
        st.caption(t("settings.push_since", when=ctx.dt(cur["cloudbed_push_since"])))
    st.caption(t("settings.timezone", zone=plain(ctx.prop.timezone), now=ctx.dt(ctx.now)))

with tab_hooks, ctx.errors():
    from pms.webhooks.subscriptions import redact_endpoint

    url = settings.get("cloudbed_webhook_url")
    st.markdown(t("settings.webhook_url", url=plain(redact_endpoint(url)) if url else "–"))
    st.caption(t("settings.webhook_help"))
    c = st.columns(4)
    if c[0].button(t("settings.subscribe"), type="primary", key="hooks_subscribe"):
        with ctx.errors():
            report = actions.subscribe_webhooks(ctx)
            (st.success if report.ok else st.warning)(
                t(
                    "settings.subscribed",
                    created=len(report.created),
                    kept=len(report.kept),
                    failed=len(report.failed),
                )
            )
    if c[1].button(t("settings.list_hooks"), key="hooks_list"):
        with ctx.errors():
            subs = actions.webhook_list(ctx)
            st.dataframe(
                [
                    {
                        t("log.event"): s.event,
                        t("settings.hook_url"): s.endpoint,
                        t("settings.hook_current"): "✅" if s.current else "",
                    }
                    for s in subs
                ],
                hide_index=True,
                key="hooks_table",
            )
    if c[2].button(t("settings.rotate"), key="hooks_rotate", help=t("settings.rotate_help")):
        with ctx.errors():
            actions.rotate_webhook_token(ctx)
            st.success(t("settings.rotated"))
    if c[3].button(t("settings.unsubscribe"), key="hooks_unsubscribe"):
        with ctx.errors():
            gone = actions.unsubscribe_webhooks(ctx)
            (st.success if gone.ok else st.warning)(
                t("settings.unsubscribed", n=len(gone.removed), failed=len(gone.failed))
            )

with tab_alerts, ctx.errors():
    keys = [
        "alert_email_to",
        "alert_consecutive_failures",
        "alert_stale_minutes",
        "smtp_host",
        "smtp_port",
        "smtp_username",
        "smtp_from",
        "smtp_starttls",
    ]
    cur = settings.get_many(keys)
    with st.form("alert_settings"):
        # The webhook address is a secret: shown as a hint, replaced only when a new one is typed.
        hook = st.text_input(
            t("settings.alert_webhook"),
            type="password",
            max_chars=500,
            placeholder=settings.secret_hint("alert_webhook_url") or "https://…",
        )
        drop_hook = st.checkbox(t("settings.alert_webhook_remove"), key="alert_webhook_remove")
        values = {
            "alert_email_to": st.text_input(
                t("settings.alert_email"), cur["alert_email_to"] or "", max_chars=500
            ),
            "alert_consecutive_failures": st.number_input(
                t("settings.alert_failures"), 1, 100, int(cur["alert_consecutive_failures"])
            ),
            "alert_stale_minutes": st.number_input(
                t("settings.alert_stale"), 10, 10080, int(cur["alert_stale_minutes"])
            ),
            "smtp_host": st.text_input(t("settings.smtp_host"), cur["smtp_host"] or "", max_chars=255),
            "smtp_port": st.number_input(t("settings.smtp_port"), 1, 65535, int(cur["smtp_port"])),
            "smtp_username": st.text_input(
                t("settings.smtp_user"), cur["smtp_username"] or "", max_chars=255
            ),
            "smtp_from": st.text_input(t("settings.smtp_from"), cur["smtp_from"] or "", max_chars=255),
            "smtp_starttls": st.toggle(t("settings.smtp_starttls"), cur["smtp_starttls"]),
        }
        password = st.text_input(
            t("settings.smtp_password"),
            type="password",
            max_chars=500,
            placeholder=settings.secret_hint("smtp_password") or "",
        )
        if st.form_submit_button(t("common.save"), type="primary"):
            with ctx.errors():
                if password:
                    values["smtp_password"] = password
                if hook or drop_hook:
                    values["alert_webhook_url"] = None if drop_hook else hook
                settings.set_many({k: (v or None) if isinstance(v, str) else v for k, v in values.items()})
                ctx.wrote()
                st.success(t("common.saved"), icon="✅")

with tab_users, ctx.errors():
    user_admin.render(ctx)
