"""The booking the front desk opened from the Reservations list: guest, rooms, price, what is owed.

Everything shown comes from ``pms.reporting.booking`` (Cloudbeds' own figures, broken down so the
total is explained); text from outside goes through ``plain``. The actions offered are those the
user's role allows: editing the guest's contact details (``reservations.edit``) and, for a booking
whose sync failed, retrying (``monitoring.retry``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pms.reporting.booking import Booking
from ui import actions
from ui.context import PageContext
from ui.widgets import plain, status_label, table

__all__ = ["render"]


def _open_guest(search: str) -> None:
    st.session_state["res_view"] = "guests"
    st.session_state["guest_search"] = search


def _price(ctx: PageContext, b: Booking) -> None:
    t = ctx.t
    lines = [
        (t("booking.room_nights", n=b.room_nights), b.rooms_total),
        (t("booking.taxes_fees"), b.taxes_fees),
    ]
    if b.other is not None:
        lines.append((t("booking.other"), b.other))
    lines += [(t("booking.total"), b.total), (t("booking.paid"), b.paid), (t("booking.balance"), b.balance)]
    table(
        pd.DataFrame(lines, columns=["item", "amount"]),
        t,
        {"item": "booking.item", "amount": "booking.amount"},
        key="booking_price",
        money=["amount"],
        currency=b.currency or ctx.prop.currency,
    )
    if None not in (b.rooms_total, b.taxes_fees, b.total):
        money = lambda v: t.money(v, b.currency or ctx.prop.currency)  # noqa: E731
        st.caption(
            t(
                "booking.explained",
                rooms=money(b.rooms_total),
                taxes=money(b.taxes_fees),
                total=money(b.total),
            )
        )
    if b.collect:
        st.caption(
            t(
                f"booking.collect.{b.collect}"
                if b.collect in ("hotel", "channel")
                else "booking.collect.other"
            )
        )


def render(ctx: PageContext, b: Booking) -> None:
    t = ctx.t
    st.subheader(plain(t("booking.title", ref=b.reference, name=b.guest_name or "–")))
    if b.hotel_made:
        st.caption(t("booking.hotel_made"))
    if b.sync_error:
        st.warning(plain(b.sync_error), icon="⚠️")
    c = st.columns(4)
    c[0].markdown(f"**{t('reservations.col.status')}**  \n{status_label(t, 'status', b.status)}")
    c[1].markdown(
        f"**{t('booking.stay')}**  \n{t.date(b.check_in)} – {t.date(b.check_out)} "
        f"({t('booking.nights', n=b.nights)})"
    )
    c[2].markdown(f"**{t('booking.party')}**  \n{t('booking.guests', adults=b.adults, children=b.children)}")
    c[3].markdown(f"**{t('reservations.col.source')}**  \n{plain(b.source or '–')}")

    st.markdown(f"**{t('booking.contact')}**")
    g = b.guest
    contact = [
        (t("guest.email"), g.get("email")),
        (t("guest.phone"), g.get("phone")),
        (t("guest.cell_phone"), g.get("cell_phone")),
        (t("guest.city"), g.get("city")),
        (t("booking.country"), g.get("country")),
    ]
    known = [(label, value) for label, value in contact if value]
    if known:
        st.markdown("  \n".join(f"{label}: {plain(str(value))}" for label, value in known))
    else:
        st.caption(t("booking.no_contact"))

    st.markdown(f"**{t('booking.rooms')}**")
    table(
        b.rooms,
        t,
        {
            "room_type_name": "reservations.col.room_type",
            "adf_room_type": "reservations.col.adf_type",
            "room_name": "reservations.col.room",
            "check_in": "reservations.col.check_in",
            "check_out": "reservations.col.check_out",
            "nights": "booking.col.nights",
            "adults": "reservations.col.adults",
            "rate_name": "booking.col.rate",
            "room_total": "reservations.col.total",
        },
        key="res_rooms",
        money=["room_total"],
        currency=b.currency or ctx.prop.currency,
    )

    st.markdown(f"**{t('booking.price')}**")
    _price(ctx, b)

    st.markdown(f"**{t('booking.actions')}**")
    offered = False
    if ctx.can("reservations.edit") and (g.get("email") or b.guest_name):
        offered = True
        st.button(
            t("booking.edit_guest"),
            key="booking_edit_guest",
            on_click=_open_guest,
            args=(g.get("email") or b.guest_name,),
        )
    if ctx.can("monitoring.retry") and b.sync_status == "error":
        offered = True
        if st.button(t("booking.retry"), key="booking_retry"):
            actions.retry_failed(ctx)
    if not offered:
        st.caption(t("booking.no_actions"))
