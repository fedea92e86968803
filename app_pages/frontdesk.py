"""Front desk: the hotel's own ADF calendar for the next 14 nights, Cloudbeds bookings and room
blocks marked, the problems of the last syncs as a to-do list, the switch that lets the sync write
into ADF, and the outbox: writes to Cloudbeds waiting or refused (Retry for managers)."""

import streamlit as st

from pms.adf import front_desk_status
from pms.reporting import frontdesk, outbox
from ui import frontdesk_view
from ui.context import open_page

DAYS = 14

ctx = open_page("frontdesk", "frontdesk.title")
t = ctx.t
st.caption(t("frontdesk.subtitle", today=t.date(ctx.today)))
if ctx.pid is None:
    st.info(t("overview.no_property"), icon="ℹ️")
    st.stop()

with ctx.errors():
    status = ctx.q(front_desk_status)
    if not status.found:
        st.info(t("frontdesk.none"), icon="ℹ️")
        st.stop()
    frontdesk_view.switch(ctx, status)

with ctx.errors():
    st.subheader(t("frontdesk.grid_title", days=DAYS))
    frontdesk_view.grid(ctx, ctx.q(frontdesk.room_grid, ctx.today, DAYS, ctx.pid))

with ctx.errors():
    st.subheader(t("frontdesk.todo_title"))
    frontdesk_view.todo(ctx, ctx.q(frontdesk.todo, ctx.pid, ctx.today))

with ctx.errors():
    st.subheader(t("frontdesk.outbox_title"))
    frontdesk_view.outbox(ctx, ctx.q(outbox.outbox, ctx.pid))
