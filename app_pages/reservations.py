"""Reservations & guests: search the synced bookings and guests, add a walk-in, fix a guest's details."""

import uuid
from datetime import timedelta

import streamlit as st

from pms import edits
from pms.db.settings import Settings
from pms.edits import walkin
from pms.edits.deskwalkin import desk_for_walk_in
from pms.reporting import booking, catalog, listing
from ui import booking_view
from ui.context import open_page
from ui.feedback import stay_problem
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


NEW_FIELDS = ("new_first", "new_last", "new_email", "new_phone", "new_adults", "new_children")


def _sending_line() -> None:
    """Whether the booking will reach Cloudbeds, said before it is typed; managers may switch it on."""
    sending = walkin.sending_state(ctx.engine)
    if sending.enabled:
        st.info(t("reservations.sending_on"), icon="📤")
        return
    st.warning(t("reservations.sending_off"), icon="⏸️")
    if ctx.can("settings") and st.button(t("reservations.sending_switch"), key="new_push_on"):
        with ctx.errors():
            Settings(ctx.engine).set_push_enabled(True)
            ctx.wrote()
            ctx.flash(t("reservations.sending_switched"))


def new_view() -> None:
    types = ctx.q(catalog.room_types, ctx.pid)
    sources = ctx.q(catalog.sources, ctx.pid)
    if types.empty:
        st.info(t("reservations.no_room_types"), icon="ℹ️")
    elif ctx.can("reservations.edit"):
        st.caption(t("reservations.new_help"))
        _sending_line()
        if desk_for_walk_in(ctx.engine) is not None:
            st.caption(t("reservations.to_front_desk"))
        # One id per form: a second click on Create (or a double submit) stores nothing new.
        submission = st.session_state.setdefault("new_submission", uuid.uuid4().hex)
        type_names = dict(zip(types["room_type_id"], types["name"], strict=True))
        source_names = dict(zip(sources["source_id"], sources["name"], strict=True))
        # The dates sit outside the form, so a date problem is said (and cleared) as the dates change.
        c = st.columns(2)
        check_in = c[0].date_input(
            t("reservations.col.check_in"),
            value=ctx.today,
            min_value=ctx.today,
            key="new_check_in",
            format="DD/MM/YYYY",
        )
        check_out = c[1].date_input(
            t("reservations.col.check_out"),
            value=ctx.today + timedelta(days=1),
            min_value=ctx.today + timedelta(days=1),
            key="new_check_out",
            format="DD/MM/YYYY",
        )
        date_problem = stay_problem(check_in, check_out, ctx.today)
        if date_problem:
            st.error(plain(date_problem), icon="⚠️")
        with st.form("new_reservation"):
            c = st.columns(2)
            first = c[0].text_input(t("guest.first_name"), max_chars=255, key="new_first")
            last = c[1].text_input(t("guest.last_name"), max_chars=255, key="new_last")
            email = c[0].text_input(t("guest.email"), max_chars=255, key="new_email")
            phone = c[1].text_input(t("guest.phone"), max_chars=64, key="new_phone")
            country = c[0].text_input(t("guest.country"), value="ID", max_chars=2, key="new_country")
            room_type = c[0].selectbox(
                t("reservations.col.room_type"),
                list(type_names),
                format_func=type_names.get,
                key="new_room_type",
            )
            source = c[1].selectbox(
                t("reservations.col.source"),
                list(source_names) or [None],
                format_func=lambda s: source_names.get(s, "–"),
                key="new_source",
            )
            adults = c[0].number_input(t("reservations.col.adults"), 1, 20, 2, key="new_adults")
            children = c[1].number_input(t("reservations.children"), 0, 20, 0, key="new_children")
            if st.form_submit_button(t("reservations.create"), type="primary", disabled=bool(date_problem)):
                with ctx.errors():
                    request = edits.NewReservation(
                        check_in=check_in,
                        check_out=check_out,
                        first_name=first,
                        last_name=last,
                        email=email,
                        phone=phone,
                        country=country,
                        source_id=source,
                        rooms=(edits.RoomRequest(room_type, adults=int(adults), children=int(children)),),
                    )
                    out = walkin.create_walk_in(
                        ctx.engine, ctx.pid, request, today=ctx.today, submission=submission
                    )
                    ctx.wrote()
                    total = (
                        ctx.money(out["total"])
                        if out["total"] is not None
                        else t("reservations.total_unknown")
                    )
                    left = walkin.rooms_left(ctx.engine, ctx.pid, room_type, check_in, check_out)
                    message = t("reservations.created", ref=out["code"], total=total)
                    if out["where"] == "front_desk":
                        message += " " + t("reservations.created_desk")
                    if left is not None:
                        message += " " + t("reservations.rooms_left", n=left)
                    for key in (*NEW_FIELDS, "new_submission"):  # an empty form for the next guest
                        st.session_state.pop(key, None)
                    ctx.flash(message)


with ctx.errors():
    {"list": list_view, "guests": guests_view, "new": new_view}[view]()
