"""Monitoring: the API, sync, webhook and outbound logs, failed items, alerts, and retention."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from pms import alerts
from pms.adf import front_desk_status
from pms.db.settings import Settings
from pms.reporting import frontdesk, logs
from ui import actions, frontdesk_view, live
from ui.context import open_page
from ui.log_columns import COLUMNS, STATUSES
from ui.widgets import page_number, pager, plain, status_label, table

ctx = open_page("monitoring", "monitoring.title")
t = ctx.t
manager = ctx.can("monitoring.retry")
if not manager:
    st.caption(t("monitoring.read_only"))

names = list(COLUMNS) + ["failed", "front_desk", "alerts"] + (["retention"] if manager else [])
tabs = dict(zip(names, st.tabs([t(f"monitoring.tab.{n}") for n in names]), strict=True))


def log_tab(kind: str) -> None:
    c = st.columns([2, 2, 3, 2])
    days = c[0].selectbox(
        t("monitoring.period"),
        (1, 7, 30, 365),
        index=1,
        key=f"{kind}_days",
        format_func=lambda d: t("monitoring.last_days", n=d),
    )
    status = c[1].selectbox(
        t("log.status"),
        (None, *STATUSES.get(kind, ())),
        key=f"{kind}_status",
        format_func=lambda s: t("common.all") if s is None else status_label(t, "log_status", s),
        disabled=kind not in STATUSES,
    )
    text = c[2].text_input(t("monitoring.search"), max_chars=200, key=f"{kind}_text")
    problems = c[3].toggle(t("monitoring.problems_only"), key=f"{kind}_problems")
    local_midnight = datetime.combine(ctx.today, time(), tzinfo=ZoneInfo(ctx.prop.timezone))
    since = (local_midnight - timedelta(days=days - 1)).astimezone(UTC)
    flt = logs.LogFilter(since=since, status=status, text=text, problems_only=problems)
    log_rows(kind, flt, live_key=kind)
    if st.toggle(t("monitoring.prepare_csv"), key=f"{kind}_csv"):
        data = ctx.q(logs.export_csv, kind, ctx.pid, flt, lang=t.lang, zone=ctx.prop.timezone)
        st.download_button(
            t("monitoring.download_csv"),
            data,
            file_name=f"{kind}-log-{ctx.today}.csv",
            mime="text/csv",
            key=f"{kind}_download",
        )


@live.part
def log_rows(kind: str, flt: logs.LogFilter) -> None:
    """One log's rows for the filters above it, refreshed every few seconds (the filters stay put)."""
    with ctx.errors():
        page = ctx.q(logs.log_page, kind, ctx.pid, flt, page_number(f"{kind}_page"), 50)
        if page.total == 0:
            st.info(t("monitoring.empty"), icon="ℹ️")
            return
        spec = logs.LOGS[kind]
        table(
            logs.labelled(page.rows, t),
            t,
            COLUMNS[kind],
            key=f"{kind}_table",
            zone=ctx.prop.timezone,
            times=[spec.time_column, "finished_at", "processed_at"],
        )
        pager(page, f"{kind}_page", t)


for kind in COLUMNS:
    with tabs[kind], ctx.errors():
        log_tab(kind)


@live.part
def failed_items() -> None:
    """Reservations and guests in error, refreshed every few seconds."""
    with ctx.errors():
        failed = ctx.q(logs.failed_records, ctx.pid) if ctx.pid else None
        if failed is None or failed.total == 0:
            st.success(t("monitoring.no_failed"), icon="✅")
        else:
            view = failed.rows.assign(kind=failed.rows["kind"].map(lambda k: t(f"monitoring.kind.{k}")))
            table(
                view,
                t,
                {
                    "kind": "monitoring.kind",
                    "cloudbed_id": "log.entity",
                    "name": "monitoring.name",
                    "sync_attempts": "log.attempts",
                    "sync_error": "log.error",
                    "updated_at": "log.time",
                },
                key="failed_table",
                zone=ctx.prop.timezone,
                times=["updated_at"],
            )
            if manager and st.button(t("monitoring.retry"), type="primary", key="retry_failed"):
                actions.retry_failed(ctx)


@live.part
def front_desk() -> None:
    """The ADF front desk's counts and to-dos, refreshed every few seconds."""
    with ctx.errors():
        if not ctx.pid or not ctx.q(front_desk_status).found:
            st.info(t("frontdesk.none"), icon="ℹ️")
        else:
            frontdesk_view.counts(ctx, link=False)
            frontdesk_view.todo(ctx, ctx.q(frontdesk.todo, ctx.pid, ctx.today))


@live.part
def alert_history() -> None:
    """Active and resolved alerts, refreshed every few seconds."""
    with ctx.errors():
        recent = ctx.q(alerts.recent_alerts, ctx.pid, 100)
        if not recent:
            st.success(t("overview.no_alerts"), icon="✅")
        for a in recent:
            state = (
                t("monitoring.alert_active")
                if a.status == "active"
                else t("monitoring.alert_resolved", when=ctx.dt(a.resolved_at))
            )
            head = f"**{status_label(t, 'alert', a.key)}** · {state} · {ctx.dt(a.last_seen_at)}"
            st.markdown(f"{head}  \n{plain(a.message)}")


with tabs["failed"]:
    failed_items()
with tabs["front_desk"]:
    front_desk()
with tabs["alerts"]:
    alert_history()

if manager:
    with tabs["retention"], ctx.errors():
        settings = Settings(ctx.engine)
        current = settings.retention_days()
        with st.form("retention"):
            values = {
                k: st.number_input(
                    t(f"monitoring.keep.{k}"), min_value=1, max_value=3650, value=int(v), key=f"keep_{k}"
                )
                for k, v in current.items()
            }
            if st.form_submit_button(t("monitoring.save_retention"), type="primary"):
                settings.set_many({f"cloudbed_retention_{k}_days": v for k, v in values.items()})
                ctx.wrote()
                st.success(t("common.saved"), icon="✅")
        if st.button(t("monitoring.prune_now"), key="prune_now"):
            actions.prune(ctx)
