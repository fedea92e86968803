"""Reservations & guests: search the synced bookings and guests, add a walk-in, fix a guest's details."""

import streamlit as st

from pms import edits
from pms.reporting import booking, listing
from ui import booking_view, walkin_form
from ui.context import open_page
from ui.widgets import page_number, pager, plain, status_label, table

ctx = open_page("reservations", "reservations.title")
t = ctx.t
if ctx.pid is None:
    st.info(t("overview.no_property"), icon="ℹ️")
    st.stop()

STATUSES = ("not_confirmed", "confirmed", "checked_in", "checked_out", "canceled", "no_show")
SYNC = ("synced", "pending", "error", "expired")
RES_COLUMNS = {
    "reference": "reservations.col.id",
    "guest_name": "reservations.col.guest",
    "check_in": "reservations.col.check_in",
    "check_out": "reservations.col.check_out",
    "status": "reservations.col.status",
    "source_name": "reservations.col.source",
    "total": "reservations.col.total",
    "sync_status": "reservations.col.sync_status",
    "origin": "reservations.col.origin",
    "last_sync_at": "reservations.col.last_sync",
    "is_deleted": "reservations.col.removed",
}

# One view at a time (not tabs, whose contents all run): a render pays only for the list it shows.
VIEWS = {"list": "reservations.tab_list", "guests": "reservations.tab_guests", "new": "reservations.tab_new"}
view = st.radio(
    t("reservations.view"),
    list(VIEWS),
    horizontal=True,
    key="res_view",
    label_visibility="collapsed",
    format_func=lambda v: t(VIEWS[v]),
)


def list_view() -> None:
    c = st.columns([3, 2, 2, 2])
    text = c[0].text_input(
        t("reservations.search"), max_chars=200, key="res_search", placeholder=t("reservations.search_hint")
    )
    statuses = c[1].multiselect(
        t("reservations.col.status"),
        STATUSES,
        key="res_status",
        format_func=lambda s: status_label(t, "status", s),
    )
    sync = c[2].multiselect(
        t("reservations.col.sync_status"),
        SYNC,
        key="res_sync",
        format_func=lambda s: status_label(t, "sync_status", s),
    )
    window = c[3].date_input(  # today's arrivals and guests in house first, not the furthest future
        t("reservations.stay_window"), value=(ctx.today, ctx.today), key="res_window", format="DD/MM/YYYY"
    )
    hide_removed = st.toggle(
        t("reservations.hide_removed"), key="res_hide_removed", help=t("reservations.removed_help")
    )
    stay_from, stay_to = ((*window, None, None))[:2] if isinstance(window, tuple) else (window, None)
    if (stay_from, stay_to) == (ctx.today, ctx.today):
        st.caption(t("reservations.today_only"))
    flt = listing.ReservationFilter(
        text=text,
        statuses=tuple(statuses),
        sync_statuses=tuple(sync),
        stay_from=stay_from,
        stay_to=stay_to,
        include_deleted=not hide_removed,
    )
    page = ctx.q(listing.search_reservations, ctx.pid, flt, page_number("res_page"), 50)
    if page.total == 0:
        st.info(t("reservations.empty"), icon="ℹ️")
    else:
        view = page.rows.assign(
            status=page.rows["status"].map(lambda s: status_label(t, "status", s)),
            sync_status=page.rows["sync_status"].map(lambda s: status_label(t, "sync_status", s)),
            origin=page.rows["origin"].map(lambda s: status_label(t, "origin", s)),
            is_deleted=page.rows["is_deleted"].map(lambda d: "🗑️" if d else ""),
            reference=[
                booking.reference(i, c)
                for i, c in zip(page.rows["id"], page.rows["cloudbed_reservation_id"], strict=True)
            ],
            guest_name=page.rows["guest_name"].map(lambda n: booking.display_name(n) if n else n),
        )
        event = table(
            view,
            t,
            RES_COLUMNS,
            key="res_table",
            money=["total"],
            currency=ctx.prop.currency,
            zone=ctx.prop.timezone,
            times=["last_sync_at"],
            select=True,
        )
        pager(page, "res_page", t)
        chosen = event.selection.rows if event else []
        if chosen:
            picked = ctx.q(booking.booking, ctx.pid, int(page.rows.iloc[chosen[0]]["id"]))
            if picked is not None:
                booking_view.render(ctx, picked)


def guests_view() -> None:
    gtext = st.text_input(t("reservations.guest_search"), max_chars=200, key="guest_search")
    gpage = ctx.q(listing.search_guests, ctx.pid, gtext, (), page_number("guest_page"), 50)
    if gpage.total == 0:
        st.info(t("reservations.no_guests"), icon="ℹ️")
    else:
        gview = gpage.rows.assign(
            sync_status=gpage.rows["sync_status"].map(lambda s: status_label(t, "sync_status", s))
        )
        gevent = table(
            gview,
            t,
            {
                "first_name": "guest.first_name",
                "last_name": "guest.last_name",
                "email": "guest.email",
                "phone": "guest.phone",
                "country": "guest.country",
                "sync_status": "reservations.col.sync_status",
            },
            key="guest_table",
            select=True,
        )
        pager(gpage, "guest_page", t)
        picked = gevent.selection.rows if gevent else []
        if picked and ctx.can("reservations.edit"):
            record = ctx.q(listing.guest_record, ctx.pid, int(gpage.rows.iloc[picked[0]]["id"]))
            if record:
                with st.form("guest_edit"):
                    st.markdown(
                        t(
                            "reservations.edit_guest",
                            name=plain(booking.display_name(record["first_name"], record["last_name"])),
                        )
                    )
                    cols = st.columns(2)
                    values = {
                        name: cols[i % 2].text_input(
                            t(f"guest.{name}"),
                            value=record.get(name) or "",
                            max_chars=limit,
                            key=f"guest_{name}",
                        )
                        for i, (name, limit) in enumerate(edits.GUEST_FIELDS.items())
                    }
                    if st.form_submit_button(t("reservations.save_guest"), type="primary"):
                        with ctx.errors():
                            changed = edits.update_guest(ctx.engine, ctx.pid, record["id"], values)
                            ctx.wrote()
                            st.toast(  # fades: the form stays open for more edits
                                t("reservations.guest_saved" if changed else "reservations.guest_unchanged"),
                                icon="✅" if changed else "ℹ️",
                            )


def new_view() -> None:
    walkin_form.show(ctx)


with ctx.errors():
    {"list": list_view, "guests": guests_view, "new": new_view}[view]()
