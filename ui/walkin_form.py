"""The walk-in / direct booking form: says whether the booking will reach Cloudbeds before it is
typed, checks the dates as they change, creates once per submission (``pms.edits.walkin``: ADF's
front desk when present, else our own tables) and says what is left of the room type."""

from __future__ import annotations

import uuid
from datetime import timedelta

import streamlit as st

from pms import edits
from pms.db.settings import Settings
from pms.edits import walkin
from pms.edits.deskwalkin import desk_for_walk_in
from pms.reporting import catalog
from ui.context import PageContext
from ui.feedback import stay_problem
from ui.widgets import plain

__all__ = ["NEW_FIELDS", "show"]

NEW_FIELDS = ("new_first", "new_last", "new_email", "new_phone", "new_adults", "new_children")


def _sending_line(ctx: PageContext) -> None:
    """Whether the booking will reach Cloudbeds, said before it is typed; managers may switch it on."""
    t = ctx.t
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


def show(ctx: PageContext) -> None:
    """The walk-in/direct booking form (Reservations page), or why it cannot be used."""
    t = ctx.t
    types = ctx.q(catalog.room_types, ctx.pid)
    sources = ctx.q(catalog.sources, ctx.pid)
    if types.empty:
        st.info(t("reservations.no_room_types"), icon="ℹ️")
    elif ctx.can("reservations.edit"):
        st.caption(t("reservations.new_help"))
        _sending_line(ctx)
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
