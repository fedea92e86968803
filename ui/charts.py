"""Plotly figures for the Overview and Sync pages, built from ``pms.reporting`` frames.

Sync figures read over time: the x axis is a date or time axis in the property's zone (numeric
day/month ticks, the same in both languages), never run numbers or evenly spaced categories.
Counts have integer axes starting at 0; what differs in kind (runs, records, failures, API
calls) gets its own small panel with its own scale, so a handful of failures stays visible next
to a first full sync of thousands of records, and a panel whose values span orders of magnitude
(that first sync, then runs of a few records) switches to a log scale with decade ticks.

``plotly.graph_objects`` only (no plotly.express): it is lighter to import. Labels arrive
translated (``t``); hover texts use the translator's dates and numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = [
    "activity_chart",
    "count_axis",
    "duration_chart",
    "occupancy_chart",
    "runs_chart",
    "sources_chart",
]

TEAL, RED, GREY, AMBER = "#0f766e", "#dc2626", "#94a3b8", "#d97706"
SKEW = 30  # a panel whose largest value is this many times its smallest non-zero one goes log
DAY_TICKS = "%d/%m"
TIME_TICKS = "%d/%m\n%H:%M"


def _layout(fig: go.Figure, height: int = 300, **kw) -> go.Figure:
    layout = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "legend": {"orientation": "h", "y": -0.2}}
    fig.update_layout(height=height, **{**layout, **kw})
    return fig


def _numbers(fig: go.Figure, t: Callable[..., str]) -> go.Figure:
    """Thousands and decimal separators as the reader's language writes them (10.000 in Indonesian)."""
    fig.update_layout(separators=",." if getattr(t, "lang", "en") == "id" else ".,")
    return fig


def _nice_step(top: float, ticks: int = 4) -> int:
    """An integer tick step (1, 2, 5, 10, 20, 50, …) giving about ``ticks`` ticks up to ``top``."""
    raw = max(1.0, top / ticks)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return int(m * power)
    return int(10 * power)


def count_axis(values, title: str, log_ok: bool = True, number: Callable[[int], str] | None = None) -> dict:
    """An axis for counts: integer ticks from 0, or decades on a log scale when ``values`` are skewed.

    The tick labels are written by ``number`` (the translator's, so Indonesian reads 10.000):
    Streamlit's chart drops plotly's own ``separators``, so the labels are given as text.
    """
    number = number or "{:,}".format
    nums = [float(v) for v in values if v is not None and not pd.isna(v)]
    top = max(nums, default=0.0)
    positive = [v for v in nums if v > 0]
    if log_ok and positive and top >= 100 and top / min(positive) >= SKEW:
        decades = math.ceil(math.log10(top))
        upper = decades + (0.05 if math.log10(top) % 1 == 0 else 0)
        ticks = [10**i for i in range(decades + 1)]
        return {
            "type": "log",
            "dtick": 1,
            "range": [-0.3, max(upper, 1)],  # from 0.5, so a bar of 1 still shows
            "tickformat": ",d",
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": [number(v) for v in ticks],
            "title": {"text": title},
        }
    step = _nice_step(top)
    upper = max(step, math.ceil(top / step) * step)
    ticks = list(range(0, upper + 1, step))
    return {
        "type": "linear",
        "tick0": 0,
        "dtick": step,
        "range": [0, upper * 1.08],
        "tickformat": ",d",
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [number(v) for v in ticks],
        "rangemode": "nonnegative",
        "title": {"text": title},
    }


def _seconds_axis(values, title: str) -> dict:
    nums = [float(v) for v in values if not pd.isna(v)]
    top = max(nums, default=0.0)
    positive = [v for v in nums if v > 0]
    if positive and top >= 10 and top / min(positive) >= SKEW:
        low = math.floor(math.log10(min(positive)))
        return {"type": "log", "dtick": 1, "range": [low, math.log10(top) + 0.15], "title": {"text": title}}
    return {
        "type": "linear",
        "rangemode": "nonnegative",
        "range": [0, max(top, 1) * 1.1],
        "title": {"text": title},
    }


def _panels(titles: list[str], height: int) -> go.Figure:
    fig = make_subplots(
        rows=len(titles), cols=1, shared_xaxes=True, vertical_spacing=0.09, subplot_titles=titles
    )
    for annotation in fig.layout.annotations:  # panel titles left-aligned, like section labels
        annotation.update(x=0, xanchor="left", font={"size": 13})
    return _layout(
        fig,
        height=height,
        bargap=0.25,
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": -0.16, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 30, "b": 50},
        hovermode="x unified",
    )


def activity_chart(act: pd.DataFrame, t: Callable[..., str], today: date, days: int = 14) -> go.Figure:
    """Per property-local day of the last ``days``: runs (failed ones red), records synced and failed."""
    first = today - timedelta(days=days - 1)
    span = pd.DataFrame({"day": [first + timedelta(days=i) for i in range(days)]})
    cols = ["runs", "successful", "failed", "failed_runs"]
    data = act.assign(day=[pd.Timestamp(d).date() for d in act["day"]])[["day", *cols]] if len(act) else None
    full = (
        span.merge(data, on="day", how="left") if data is not None else span.assign(**dict.fromkeys(cols, 0))
    )
    full[cols] = full[cols].fillna(0).astype("int64")
    x = pd.to_datetime(full["day"])
    fig = _panels([t("chart.runs_per_day"), t("chart.records_per_day"), t("chart.failed_per_day")], 470)
    bar = {"x": x, "hovertemplate": "%{customdata}<extra>%{fullData.name}</extra>"}

    def said(values) -> dict:  # hover numbers as the reader writes them
        return {"y": values, "customdata": [t.number(v) for v in values]}

    fig.add_bar(
        **bar,
        **said(full["runs"] - full["failed_runs"]),
        name=t("chart.ok_runs"),
        marker_color=TEAL,
        row=1,
        col=1,
    )
    fig.add_bar(
        **bar, **said(full["failed_runs"]), name=t("chart.failed_runs"), marker_color=RED, row=1, col=1
    )
    fig.add_bar(
        **bar,
        **said(full["successful"]),
        name=t("chart.records_synced"),
        marker_color=TEAL,
        showlegend=False,
        row=2,
        col=1,
    )
    fig.add_bar(
        **bar,
        **said(full["failed"]),
        name=t("chart.failed_records"),
        marker_color=RED,
        showlegend=False,
        row=3,
        col=1,
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(count_axis(full["runs"], t("chart.unit_runs"), number=t.number), row=1, col=1)
    fig.update_yaxes(count_axis(full["successful"], t("chart.unit_records"), number=t.number), row=2, col=1)
    fig.update_yaxes(count_axis(full["failed"], t("chart.unit_records"), number=t.number), row=3, col=1)
    half = pd.Timedelta(hours=12)
    fig.update_xaxes(
        type="date",
        range=[x.iloc[0] - half, x.iloc[-1] + half],
        dtick=86_400_000,
        tickformat=DAY_TICKS,
        hoverformat="%d/%m/%Y",
    )
    fig.update_xaxes(title={"text": t("chart.day_axis")}, row=3, col=1)
    return _numbers(fig, t)


def _local_times(values, zone: str) -> pd.Series:
    stamps = pd.to_datetime(pd.Series(list(values)), utc=True, errors="coerce")
    return stamps.dt.tz_convert(zone).dt.tz_localize(None)


def _time_axis(x: pd.Series) -> dict:
    """A time axis over the runs with some air at both ends (a single run still gets a span)."""
    first, last = x.min(), x.max()
    pad = max((last - first) * 0.03, pd.Timedelta(minutes=30))
    return {
        "type": "date",
        "range": [first - pad, last + pad],
        "tickformat": TIME_TICKS,
        "hoverformat": "%d/%m %H:%M",
    }


def _bar_width_ms(x: pd.Series) -> float:
    """Bars as wide as 70 % of the closest gap between runs, within 2 minutes and 6 hours."""
    gaps = x.sort_values().diff().dropna()
    gaps = gaps[gaps > pd.Timedelta(0)]
    gap = gaps.min() if len(gaps) else pd.Timedelta(hours=1)
    width = min(max(gap * 0.7, pd.Timedelta(minutes=2)), pd.Timedelta(hours=6))
    return width.total_seconds() * 1000


def _edges(values) -> list[int]:
    """A 2 px outline, so a narrow bar on a long time axis stays visible; none on a bar of 0."""
    return [2 if v else 0 for v in values]


def runs_chart(runs: pd.DataFrame, t: Callable[..., str], zone: str = "UTC") -> go.Figure:
    """Per run, at its start time: records synced, failed records (failed runs marked), API calls."""
    x = _local_times(runs["started_at"], zone)
    width = _bar_width_ms(x)
    ids = [f"#{i}" for i in runs["id"]]
    fig = _panels([t("chart.records_per_run"), t("chart.failed_per_run"), t("chart.calls_per_run")], 470)
    hover = "%{customdata[0]}: %{customdata[1]}<extra>%{fullData.name}</extra>"

    def bar(column: str, name: str, color: str, row: int) -> None:
        """One panel's bars; the hover says the run and its number as the reader writes it."""
        values = runs[column]
        fig.add_bar(
            x=x,
            width=width,
            y=values,
            customdata=[[i, t.number(v)] for i, v in zip(ids, values, strict=True)],
            name=name,
            marker={"color": color, "line": {"color": color, "width": _edges(values)}},
            hovertemplate=hover,
            showlegend=False,
            row=row,
            col=1,
        )

    bar("successful", t("chart.records_synced"), TEAL, 1)
    bar("failed", t("chart.failed_records"), RED, 2)
    failed_runs = runs["status"] == "failed"
    if failed_runs.any():
        fig.add_scatter(
            x=x[failed_runs.to_numpy()],
            y=runs.loc[failed_runs, "failed"],
            customdata=[i for i, f in zip(ids, failed_runs, strict=True) if f],
            mode="markers",
            marker={"symbol": "x", "size": 10, "color": RED},
            name=t("chart.failed_runs"),
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
            row=2,
            col=1,
        )
    bar("api_calls", t("chart.api_calls"), AMBER, 3)
    fig.update_yaxes(count_axis(runs["successful"], t("chart.unit_records"), number=t.number), row=1, col=1)
    fig.update_yaxes(count_axis(runs["failed"], t("chart.unit_records"), number=t.number), row=2, col=1)
    fig.update_yaxes(count_axis(runs["api_calls"], t("chart.unit_calls"), number=t.number), row=3, col=1)
    fig.update_xaxes(_time_axis(x))
    fig.update_xaxes(title={"text": t("chart.time_axis", zone=zone)}, row=3, col=1)
    return _numbers(fig, t)


def duration_chart(runs: pd.DataFrame, t: Callable[..., str], zone: str = "UTC") -> go.Figure:
    """How long each run took, at its start time; failed runs red."""
    x = _local_times(runs["started_at"], zone)
    seconds = runs["duration_ms"].fillna(0).astype(float) / 1000
    colors = [RED if s == "failed" else TEAL for s in runs["status"]]
    fig = go.Figure(
        go.Bar(
            x=x,
            y=seconds,
            width=_bar_width_ms(x),
            marker={"color": colors, "line": {"color": colors, "width": _edges(seconds)}},
            name=t("chart.duration"),
            customdata=[f"#{i}" for i in runs["id"]],
            hovertemplate="%{customdata}: %{y:.1f} s<extra></extra>",
        )
    )
    _layout(fig, height=470, showlegend=False, title={"text": t("sync.duration_chart"), "font": {"size": 13}})
    fig.update_yaxes(_seconds_axis(seconds, t("chart.unit_seconds")))
    fig.update_xaxes(_time_axis(x), title={"text": t("chart.time_axis", zone=zone)})
    return _numbers(fig, t)


def occupancy_chart(occ: pd.DataFrame, t: Callable[..., str]) -> go.Figure:
    labels = [t.date(d) for d in occ["date"]]
    fig = go.Figure(
        go.Bar(
            x=pd.to_datetime(occ["date"]),
            y=occ["occupancy"] * 100,
            marker_color=TEAL,
            name=t("overview.occupancy"),
            customdata=[
                [label, sold, total]
                for label, sold, total in zip(labels, occ["rooms_sold"], occ["rooms_total"], strict=True)
            ],
            hovertemplate="%{customdata[0]}: %{y:.0f}% (%{customdata[1]}/%{customdata[2]})<extra></extra>",
        )
    )
    return _layout(
        _numbers(fig, t),
        yaxis={
            "range": [0, 100],
            "ticksuffix": "%",
            "dtick": 25,
            "title": {"text": t("chart.unit_occupancy")},
        },
        xaxis={"type": "date", "tickformat": DAY_TICKS, "title": {"text": t("chart.night_axis")}},
    )


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
    xaxis = count_axis(src["reservations"], t("chart.unit_reservations"), log_ok=False, number=t.number)
    return _layout(
        _numbers(fig, t), height=max(200, 40 * len(src) + 80), yaxis={"autorange": "reversed"}, xaxis=xaxis
    )
