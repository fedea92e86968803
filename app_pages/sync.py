"""Sync: choose what to sync, preview the plan, apply it with live progress, and watch recent runs."""

from datetime import timedelta

import streamlit as st

from pms.reporting import runs
from ui import charts, sync_view
from ui.context import open_page

ctx = open_page("sync", "sync.title")
t = ctx.t
if ctx.pid is None:
    st.info(t("overview.no_property"), icon="ℹ️")
    st.stop()
from pms.sync import DIRECTIONS, ENTITIES, MODES  # noqa: E402 - only once the page may be shown

with st.form("sync_form"):
    c = st.columns([2, 3])
    window = c[0].date_input(
        t("sync.window"),
        value=(ctx.today, ctx.today + timedelta(days=30)),
        key="sync_window",
        format="DD/MM/YYYY",
        help=t("sync.window_help"),
    )
    entities = c[1].multiselect(
        t("sync.entities"),
        ENTITIES,
        default=["reservations", "guests"],
        key="sync_entities",
        format_func=lambda e: t(f"entity.{e}"),
    )
    c = st.columns(2)
    direction = c[0].radio(
        t("sync.direction"),
        DIRECTIONS,
        horizontal=True,
        key="sync_direction",
        format_func=lambda d: t(f"direction.{d}"),
    )
    mode = c[1].radio(
        t("sync.mode"), MODES, horizontal=True, key="sync_mode", format_func=lambda m: t(f"mode.{m}")
    )
    preview = st.form_submit_button(t("sync.preview"), type="primary")

if preview:
    sync_view.preview(ctx, window, entities, direction, mode)
sync_view.show_plan(ctx, (window, entities, direction, mode))

with ctx.errors():
    st.divider()
    recent = ctx.q(runs.recent_runs, ctx.pid, 30)
    st.subheader(t("sync.recent_title"))
    if recent.empty:
        st.info(t("sync.no_runs"), icon="ℹ️")
    else:
        left, right = st.container(key="recent_runs").columns(2)
        zone = ctx.prop.timezone
        left.plotly_chart(charts.runs_chart(recent, t, zone), key="runs_chart")
        right.plotly_chart(charts.duration_chart(recent, t, zone), key="duration_chart")
        latest = recent.iloc[::-1].head(10)
        sync_view.runs_table(ctx, latest)
if ctx.can("monitoring.retry") and st.button(t("monitoring.retry"), key="sync_retry_failed"):
    from ui import actions

    actions.retry_failed(ctx)
