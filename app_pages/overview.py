"""Overview: is the sync healthy, and what does the hotel look like today and for the next month."""

from datetime import timedelta

import streamlit as st

from pms import alerts
from pms.db.health import health_summary
from pms.reporting import overview
from pms.reporting.attention import problems
from ui import charts, frontdesk_view, health_view, live
from ui.context import open_page
from ui.widgets import plain, status_label

ctx = open_page("overview", "overview.title")
t = ctx.t
st.caption(t("overview.subtitle", name=plain(ctx.prop.label), today=t.date(ctx.today)))

if ctx.pid is None:
    st.info(t("overview.no_property"), icon="ℹ️")
    st.stop()


@live.part
def status() -> None:
    """Health, today's stays and the front desk's counts, refreshed every few seconds."""
    with ctx.errors():
        health = health_view.health(ctx)
        if health.last_successful_sync is None:
            st.info(t("overview.never_synced"), icon="ℹ️")
            if ctx.can("sync") and st.button(t("overview.go_sync"), key="go_sync"):
                st.switch_page("app_pages/sync.py")
        health_view.todo(ctx, health)

    with ctx.errors():
        stays = ctx.q(overview.stays_today, ctx.pid, ctx.today)
        st.subheader(t("overview.today"))
        cols = st.columns(3)
        cols[0].metric(t("overview.arrivals"), t.number(stays.arrivals))
        cols[1].metric(t("overview.departures"), t.number(stays.departures))
        cols[2].metric(t("overview.in_house"), t.number(stays.in_house))

    with ctx.errors():
        frontdesk_view.counts(ctx)


status()

left, right = st.columns(2)
with left, ctx.errors():
    st.subheader(t("overview.occupancy_title"))
    occ = ctx.q(overview.occupancy, ctx.pid, ctx.today, 30)
    if int(occ["rooms_total"].max() or 0) == 0:
        st.info(t("overview.no_rooms"), icon="ℹ️")
    else:
        st.caption(t("overview.occupancy_avg", pct=t.percent(occ["occupancy"].mean())))
        st.plotly_chart(charts.occupancy_chart(occ, t), key="occupancy_chart")
with right, ctx.errors():
    start, end = ctx.today, ctx.today + timedelta(days=30)
    st.subheader(t("overview.sources_title"))
    st.caption(t("overview.sources_window", start=t.date(start), end=t.date(end)))
    src = ctx.q(overview.by_source, ctx.pid, start, end)
    if src.empty:
        st.info(t("overview.no_reservations"), icon="ℹ️")
    else:
        st.plotly_chart(charts.sources_chart(src, t), key="sources_chart")

with ctx.errors():
    st.subheader(t("overview.activity_title"))
    act = ctx.q(overview.sync_activity, ctx.pid, ctx.now - timedelta(days=14), ctx.prop.timezone)
    if act.empty:
        st.info(t("overview.no_activity"), icon="ℹ️")
    else:
        with st.container(key="sync_activity"):
            st.plotly_chart(charts.activity_chart(act, t, ctx.today), key="activity_chart")


@live.part
def active_alerts() -> None:
    """The alerts that are still active, refreshed every few seconds; "no alerts" is said as all
    fine only when the to-do list above is empty too."""
    with ctx.errors():
        st.subheader(t("overview.alerts_title"))
        active = ctx.q(alerts.active_alerts, ctx.pid)
        todo = len(problems(ctx.q(health_summary, ctx.pid)))
        if not active and todo == 0:
            st.success(t("overview.no_alerts"), icon="✅")
        elif not active:
            st.caption(t("overview.no_alerts_but_todo"))
        for alert in active:
            head = f"**{status_label(t, 'alert', alert.key)}** · {ctx.dt(alert.last_seen_at)}"
            st.warning(f"{head}\n\n{plain(alert.message)}", icon="🔔")


active_alerts()
