"""The Rates & availability page's rate grid: one row per rate, one column per night.

Everyone reads it with the amounts written as the rest of the dashboard writes money
(``Rp 1.250.000``, ``pms.i18n.format_money``); a grid editor cannot show that format, so managers
edit the numbers in a separate editor below it, whose changed cells become ``pms.edits.RateEdit``s.
Staff see the grid only: no editor and no send button.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from pms import edits
from ui.context import PageContext

__all__ = ["editor", "money_view", "pivot"]


def pivot(cal: pd.DataFrame, day_label: Callable[[date], str]) -> pd.DataFrame:
    """``rate_id``, ``label`` and one numeric column per night (None where Cloudbeds has no rate)."""
    cal = cal.assign(
        label=cal["room_type_name"].astype(str) + " · " + cal["rate_plan_name"].fillna("").astype(str),
        day=cal["rate_date"].map(day_label),
    )
    grid = cal.pivot_table(
        index=["rate_id", "label"], columns="day", values="rate", aggfunc="first", sort=False
    )
    return grid.map(lambda v: float(v) if v is not None and v == v else None).reset_index()


def money_view(grid: pd.DataFrame, money: Callable[[object], str]) -> pd.DataFrame:
    """The grid with every night's amount as text, written as money is written elsewhere."""
    out = grid.copy()
    for col in grid.columns[2:]:
        out[col] = [money(v) if v is not None and v == v else "–" for v in grid[col]]
    return out


def editor(ctx: PageContext, cal: pd.DataFrame, grid: pd.DataFrame, day_label: Callable[[date], str]) -> bool:
    """The managers' editor and its Save; stores the changed nights. True when Save was pressed."""
    t = ctx.t
    ctx.require("rates.edit")
    with st.form("rates_form"):
        config = {"rate_id": None, "label": st.column_config.TextColumn(t("rates.room_type"), disabled=True)}
        config.update(
            {
                d: st.column_config.NumberColumn(d, min_value=1, step=1000, format="localized")
                for d in grid.columns[2:]
            }
        )
        edited = st.data_editor(
            grid, key="rates_editor", hide_index=True, column_config=config, width="stretch"
        )
        save = st.form_submit_button(t("rates.save"), type="primary")
    if save:
        by_label = {day_label(d): d for d in cal["rate_date"].unique()}
        changes = []
        for (_, before), (_, after) in zip(grid.iterrows(), edited.iterrows(), strict=True):
            for col in grid.columns[2:]:
                if pd.notna(after[col]) and (pd.isna(before[col]) or float(after[col]) != float(before[col])):
                    changes.append(edits.RateEdit(before["rate_id"], by_label[col], after[col]))
        with ctx.errors():
            changed = edits.set_rates(ctx.engine, ctx.pid, changes, today=ctx.today)
            ctx.wrote()
            ctx.confirm(t("rates.saved", n=changed))
    return save
