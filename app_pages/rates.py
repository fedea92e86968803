"""Rates & availability: nightly rate and rooms left per room type, rate edits, and their push."""

from datetime import date, timedelta

import streamlit as st

from pms.db.settings import Settings
from pms.reporting import rates
from ui import actions, rates_grid
from ui.context import open_page
from ui.widgets import table

ctx = open_page("rates", "rates.title")
t = ctx.t
if ctx.pid is None:
    st.info(t("overview.no_property"), icon="ℹ️")
    st.stop()

c = st.columns([2, 2, 3])
start = c[0].date_input(t("rates.start"), value=ctx.today, key="rates_start", format="DD/MM/YYYY")
days = c[1].number_input(t("rates.days"), min_value=1, max_value=rates.MAX_DAYS, value=14, key="rates_days")
end = start + timedelta(days=int(days) - 1)
c[2].caption(t("rates.window", start=t.date(start), end=t.date(end)))


def day_label(d: date) -> str:
    return f"{t.weekday(d)} {d.day:02d}/{d.month:02d}"


with ctx.errors():
    cal = ctx.q(rates.rate_calendar, ctx.pid, start, end)
    if cal.empty:
        st.info(t("rates.empty"), icon="ℹ️")
    else:
        st.subheader(t("rates.rates_title"))
        grid = rates_grid.pivot(cal, day_label)
        pending = int((cal["status"] == "pending").sum())
        if pending:
            st.warning(t("rates.pending", n=pending), icon="⏳")
        st.dataframe(
            rates_grid.money_view(grid, ctx.money),
            hide_index=True,
            width="stretch",
            key="rates_grid",
            column_config={"rate_id": None, "label": t("rates.room_type")},
        )
        editable = ctx.can("rates.edit")
        save = False
        if editable:
            with st.expander(t("rates.edit_title"), expanded=bool(pending)):
                save = rates_grid.editor(ctx, cal, grid, day_label)
        else:
            st.caption(t("rates.read_only"))
        sending = Settings(ctx.engine).push_enabled
        if editable and not sending:
            st.warning(t("rates.push_disabled"), icon="⛔")
        if editable and st.button(
            t("rates.push"),
            key="rates_push",
            disabled=not sending or (not pending and not save),
            help=t("rates.push_help") if sending else t("rates.push_disabled_help"),
        ):
            actions.push_rates(ctx, start, end)

with ctx.errors():
    av = ctx.q(rates.availability_calendar, ctx.pid, start, end)
    if not av.empty:
        st.subheader(t("rates.availability_title"))
        av["day"] = av["stay_date"].map(day_label)
        left = av.pivot_table(
            index="room_type_name", columns="day", values="rooms_available", aggfunc="first", sort=False
        ).reset_index()
        st.dataframe(
            left,
            hide_index=True,
            width="stretch",
            key="availability_grid",
            column_config={"room_type_name": t("rates.room_type")},
        )

with ctx.errors():
    jobs = ctx.q(rates.rate_jobs, ctx.pid)
    st.subheader(t("rates.jobs_title"))
    if jobs.empty:
        st.caption(t("rates.no_jobs"))
    else:
        table(
            jobs,
            t,
            {
                "job_reference_id": "rates.job",
                "status": "rates.job_status",
                "nights": "rates.nights",
                "first_night": "rates.first_night",
                "last_night": "rates.last_night",
                "pushed_at": "rates.pushed_at",
                "error": "rates.error",
            },
            key="rate_jobs",
            zone=ctx.prop.timezone,
            times=["pushed_at"],
        )
