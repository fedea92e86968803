"""Small layout pieces the pages share: pager, translated tables, metrics, empty states."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from pms.i18n import Said
from pms.reporting.paging import Page

__all__ = ["empty", "localize_times", "page_number", "pager", "plain", "status_label", "table"]

_MARKDOWN = set("\\`*_{}[]()<>#+-.!|~$:")


def plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped: text from outside is shown as written
    and can never become a link, an image or formatting.

    The one helper for every string from Cloudbeds, the ADF system, webhooks or users (guest and
    property names, room types, Cloudbeds' error messages, sync warnings, alert messages, user
    names) that reaches a widget rendering Markdown (``st.markdown``, ``st.caption``, ``st.info``
    / ``warning`` / ``error`` / ``success``, labels). Tables (``st.dataframe``) show text as text
    and need nothing. Escape once, where the text meets the widget.

    A message made below the dashboard (``pms.i18n.Said``) is said in the reader's language first.
    """
    if isinstance(text, Said):
        from ui.session import translator

        text = translator().said(text)
    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in str(text))


def pager(page: Page, key: str, t: Callable[..., str]) -> None:
    """ "Rows 1-50 of 1,234" and a page number input; changing it reruns with the new page."""
    cols = st.columns([3, 1])
    cols[0].caption(
        t(
            "common.rows_of",
            first=t.number(page.first_row),
            last=t.number(page.last_row),
            total=t.number(page.total),
        )
    )
    if page.pages > 1:
        cols[1].number_input(t("common.page"), min_value=1, max_value=page.pages, step=1, key=key)


def page_number(key: str) -> int:
    return int(st.session_state.get(key) or 1)


def localize_times(df: pd.DataFrame, columns: list[str], zone: str) -> pd.DataFrame:
    """UTC timestamps shown in the property's zone, without the zone suffix cluttering the grid."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            values = pd.to_datetime(out[col], utc=True, errors="coerce")
            out[col] = values.dt.tz_convert(zone).dt.tz_localize(None)
    return out


def table(
    df: pd.DataFrame,
    t: Callable[..., str],
    columns: dict[str, str],
    *,
    key: str | None = None,
    money: list[str] = (),
    currency: str = "IDR",
    zone: str | None = None,
    times: list[str] = (),
    select: bool = False,
    height: int | None = None,
):
    """A read-only table with translated headers; ``columns`` maps field → translation key (and order).

    Returns the selection event when ``select`` is true (single row).
    """
    view = df[[c for c in columns if c in df.columns]].copy()
    if zone and times:
        view = localize_times(view, list(times), zone)
    text = [
        c
        for c in view.columns
        if pd.api.types.is_object_dtype(view[c]) or pd.api.types.is_string_dtype(view[c])
    ]
    gaps = [c for c in text if c not in times and view[c].isna().any()]
    for c in gaps:  # an empty cell reads "–", never "None"
        view[c] = view[c].astype(object).where(view[c].notna(), "–")
    for col in money:
        if col in view.columns:
            view[col] = view[col].map(lambda v: t.money(v, currency) if v is not None and v == v else "–")
    config = {c: st.column_config.Column(t(k)) for c, k in columns.items() if c in view.columns}
    for c in times:
        if c in view.columns and view[c].isna().any():  # not yet (processed, finished): "–", not "None"
            view[c] = view[c].map(lambda v: "–" if pd.isna(v) else v.strftime("%Y-%m-%d %H:%M"))
        elif c in view.columns:
            config[c] = st.column_config.DatetimeColumn(t(columns[c]), format="YYYY-MM-DD HH:mm")
    kwargs = {"hide_index": True, "column_config": config, "width": "stretch"}
    if height:
        kwargs["height"] = height
    if select:
        return st.dataframe(view, key=key, on_select="rerun", selection_mode="single-row", **kwargs)
    st.dataframe(view, key=key, **kwargs)
    return None


def empty(t: Callable[..., str], key: str, **values) -> None:
    st.info(t(key, **values), icon="ℹ️")


def status_label(t: Callable[..., str], group: str, value: str | None) -> str:
    """``status.confirmed`` → "Confirmed"; unknown values are shown as they are (never a crash)."""
    if value is None:
        return "–"
    key = f"{group}.{value}"
    return t(key) if t.has(key) else str(value)
