"""Plotly figures for the Overview and Sync pages, built from ``pms.reporting`` frames.

``plotly.graph_objects`` only (no plotly.express): it is lighter to import and renders the
same. Labels arrive translated; figures use the theme's colours and a compact layout, and write
numbers with the reader's separators, as the tables do (``localized``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from pms.i18n import plotly_separators

__all__ = ["activity_chart", "duration_chart", "localized", "occupancy_chart", "runs_chart", "sources_chart"]

TEAL, RED, GREY, AMBER = "#0f766e", "#dc2626", "#94a3b8", "#d97706"


def localized(build: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """A chart builder whose figure writes numbers as its translator's language does (1.250 / 1,250)."""

    @functools.wraps(build)
    def wrapper(frame: pd.DataFrame, t, *args, **kwargs) -> go.Figure:
        fig = build(frame, t, *args, **kwargs)
        fig.update_layout(separators=plotly_separators(getattr(t, "lang", None)))
        return fig

    return wrapper


def _layout(fig: go.Figure, height: int = 300, **kw) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        **kw,
    )
    return fig


@localized
def occupancy_chart(occ: pd.DataFrame, t: Callable[..., str]) -> go.Figure:
    labels = [t.date(d) for d in occ["date"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=occ["occupancy"] * 100,
            marker_color=TEAL,
            name=t("overview.occupancy"),
            customdata=occ[["rooms_sold", "rooms_total"]].to_numpy(),
            hovertemplate="%{x}: %{y:.0f}% (%{customdata[0]}/%{customdata[1]})<extra></extra>",
        )
    )
    return _layout(fig, yaxis={"range": [0, 100], "ticksuffix": "%"})


@localized
def sources_chart(src: pd.DataFrame, t: Callable[..., str]) -> go.Figure:
    names = [s or t("common.unknown") for s in src["source"]]
    colors = [AMBER if c == "channel" else TEAL for c in src["payment_collect"]]
    fig = go.Figure(
        go.Bar(
            x=src["reservations"],
            y=names,
            orientation="h",
            marker_color=colors,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    return _layout(fig, height=max(200, 40 * len(src) + 60), yaxis={"autorange": "reversed"})


@localized
def activity_chart(act: pd.DataFrame, t: Callable[..., str]) -> go.Figure:
    days = [t.date(d) for d in act["day"]]
    fig = go.Figure()
    fig.add_bar(x=days, y=act["successful"], name=t("sync.successful"), marker_color=TEAL)
    fig.add_bar(x=days, y=act["failed"], name=t("sync.failed_records"), marker_color=RED)
    fig.add_scatter(
        x=days, y=act["runs"], name=t("sync.runs"), yaxis="y2", mode="lines+markers", line={"color": GREY}
    )
    return _layout(fig, barmode="stack", yaxis2={"overlaying": "y", "side": "right", "showgrid": False})


@localized
def runs_chart(runs: pd.DataFrame, t: Callable[..., str]) -> go.Figure:
    """Records per run (successes and failures) with API calls as a line."""
    x = [f"#{i}" for i in runs["id"]]
    fig = go.Figure()
    fig.add_bar(x=x, y=runs["successful"], name=t("sync.successful"), marker_color=TEAL)
    fig.add_bar(x=x, y=runs["failed"], name=t("sync.failed_records"), marker_color=RED)
    fig.add_scatter(
        x=x,
        y=runs["api_calls"],
        name=t("sync.api_calls"),
        yaxis="y2",
        mode="lines+markers",
        line={"color": AMBER},
    )
    return _layout(fig, barmode="stack", yaxis2={"overlaying": "y", "side": "right", "showgrid": False})


@localized
def duration_chart(runs: pd.DataFrame, t: Callable[..., str]) -> go.Figure:
    x = [f"#{i}" for i in runs["id"]]
    seconds = runs["duration_ms"].fillna(0).astype(float) / 1000
    colors = [RED if s == "failed" else TEAL for s in runs["status"]]
    fig = go.Figure(
        go.Bar(
            x=x,
            y=seconds,
            marker_color=colors,
            name=t("sync.duration"),
            hovertemplate="%{x}: %{y:.1f} s<extra></extra>",
        )
    )
    return _layout(fig, yaxis={"ticksuffix": " s"})
