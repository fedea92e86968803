"""The sync figures read over time with integer, non-negative axes, titles and units, and keep a
few failures visible beside a first full sync of thousands of records."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from pms.i18n import Translator
from ui import charts

TODAY = date(2026, 12, 5)


def realistic_runs(seed: int = 7) -> pd.DataFrame:
    """A first full sync of ~10,000 records, then hourly small runs, some with failures, two failed."""
    rng = random.Random(seed)
    start = datetime(2026, 12, 2, 5, 0)
    rows = [
        {
            "id": 1,
            "started_at": start,
            "status": "completed",
            "successful": 9_840,
            "failed": 0,
            "api_calls": 312,
            "duration_ms": 142_000,
        }
    ]
    for i in range(2, 50):
        failed = rng.choice([0, 0, 0, 0, 1, 2, 3])
        status = "failed" if i in (17, 41) else ("partial" if failed else "completed")
        rows.append(
            {
                "id": i,
                "started_at": start + timedelta(hours=i),
                "status": status,
                "successful": 0 if status == "failed" else rng.randint(0, 14),
                "failed": failed,
                "api_calls": rng.randint(1, 4),
                "duration_ms": rng.randint(300, 2_500),
            }
        )
    return pd.DataFrame(rows)


def daily(runs: pd.DataFrame) -> pd.DataFrame:
    df = runs.assign(day=runs["started_at"].dt.date, failed_runs=(runs["status"] == "failed").astype(int))
    return (
        df.groupby("day", as_index=False)[["successful", "failed", "failed_runs"]]
        .sum()
        .assign(runs=df.groupby("day").size().to_numpy())
    )


def y_axes(fig) -> list:
    return [
        fig.layout[name] for name in sorted(k for k in fig.layout.to_plotly_json() if k.startswith("yaxis"))
    ]


def assert_count_axis(axis, t: Translator | None = None) -> None:
    assert axis.title.text, "every count axis says its unit"
    assert axis.tickformat == ",d"
    ticks = list(axis.tickvals)
    assert ticks == sorted(ticks) and all(int(v) == v and v >= 0 for v in ticks)  # whole, never negative
    if t is not None:
        assert list(axis.ticktext) == [t.number(v) for v in ticks]  # 10.000 in Indonesian
    if axis.type == "log":
        assert axis.dtick == 1  # decades: 1, 10, 100, …
    else:
        assert axis.type == "linear"
        assert axis.tick0 == 0 and isinstance(axis.dtick, int) and axis.dtick >= 1
        assert axis.range[0] == 0 and axis.range[1] > 0


@pytest.mark.parametrize("lang", ["en", "id"])
def test_activity_has_a_day_axis_over_fourteen_days_and_separate_failure_panels(lang):
    t = Translator(lang)
    runs = realistic_runs()
    fig = charts.activity_chart(daily(runs), t, TODAY)
    xaxis = fig.layout.xaxis
    assert xaxis.type == "date" and xaxis.tickformat == "%d/%m" and xaxis.dtick == 86_400_000
    first, last = (pd.Timestamp(v) for v in xaxis.range)
    assert (last - first).days == 14  # the whole fortnight, not one bar stretched across the page
    assert all(len(trace.x) == 14 for trace in fig.data)
    assert fig.layout.xaxis3.title.text  # the bottom panel names the day axis
    panels = [a.text for a in fig.layout.annotations]
    assert panels == [t("chart.runs_per_day"), t("chart.records_per_day"), t("chart.failed_per_day")]
    for axis in y_axes(fig):
        assert_count_axis(axis, t)
    runs_axis, records_axis, failed_axis = y_axes(fig)
    assert runs_axis.type == "linear"  # whole runs, never fractions of one
    assert records_axis.type == "log"  # 9,840 then a few dozen a day
    assert failed_axis.type == "linear" and failed_axis.range[1] < 100  # failures at their own scale
    assert fig.layout.barmode == "stack"
    assert fig.layout.separators == (",." if lang == "id" else ".,")
    assert "10.000" in records_axis.ticktext if lang == "id" else "10,000" in records_axis.ticktext


def test_one_day_of_activity_still_spans_the_fortnight():
    act = pd.DataFrame(
        [
            {
                "day": TODAY,
                "runs": 1,
                "processed": 3,
                "successful": 3,
                "failed": 0,
                "failed_runs": 0,
                "api_calls": 2,
            }
        ]
    )
    fig = charts.activity_chart(act, Translator("en"), TODAY)
    assert [pd.Timestamp(v).date() for v in fig.data[0].x][-1] == TODAY
    assert list(fig.data[0].y) == [0] * 13 + [1]
    for axis in y_axes(fig):
        assert_count_axis(axis)
        assert axis.type == "linear" and axis.dtick == 1


@pytest.mark.parametrize("lang", ["en", "id"])
def test_recent_runs_plot_against_their_start_time(lang):
    t = Translator(lang)
    runs = realistic_runs()
    fig = charts.runs_chart(runs, t, "Asia/Jakarta")
    assert fig.layout.xaxis.type == "date"
    xs = pd.to_datetime(pd.Series(fig.data[0].x))
    # started_at is UTC; the axis shows the property's time (Jakarta is UTC+7)
    assert xs.iloc[0] == pd.Timestamp(runs["started_at"].iloc[0]) + pd.Timedelta(hours=7)
    assert "Asia/Jakarta" in fig.layout.xaxis3.title.text
    records, failed, calls = y_axes(fig)
    for axis in (records, failed, calls):
        assert_count_axis(axis, t)
    assert records.type == "log" and calls.type == "log"
    assert failed.type == "linear" and failed.range[1] <= 4  # 3 failures fill their panel
    names = [trace.name for trace in fig.data]
    assert t("chart.failed_runs") in names  # failed runs marked
    marked = next(trace for trace in fig.data if trace.name == t("chart.failed_runs"))
    assert list(marked.customdata) == ["#17", "#41"]
    assert all(w > 0 for w in [fig.data[0].width])  # bars have a width in time, not a category slot


def test_a_single_run_has_no_negative_range_and_a_visible_span():
    runs = realistic_runs().head(1)
    fig = charts.runs_chart(runs, Translator("en"), "UTC")
    first, last = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert last - first >= pd.Timedelta(hours=1)
    for axis in y_axes(fig):
        assert_count_axis(axis)
        assert axis.type == "linear" and axis.range[0] == 0
    fig = charts.duration_chart(runs, Translator("en"), "UTC")
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.title.text and fig.layout.title.text


def test_durations_go_log_when_a_full_sync_dwarfs_the_rest():
    fig = charts.duration_chart(realistic_runs(), Translator("en"), "Asia/Jakarta")
    assert fig.layout.yaxis.type == "log" and fig.layout.xaxis.type == "date"
    colours = list(fig.data[0].marker.color)
    assert colours.count(charts.RED) == 2


@pytest.mark.parametrize(
    ("values", "dtick", "kind"),
    [
        ([0, 0, 0], 1, "linear"),
        ([0, 1, 2], 1, "linear"),
        ([3, 7, 19], 5, "linear"),
        ([10_000, 3, 5], 1, "log"),
    ],
)
def test_count_axis(values, dtick, kind):
    axis = charts.count_axis(values, "records")
    assert axis["type"] == kind and axis["dtick"] == dtick and axis["tickformat"] == ",d"
    assert axis["range"][0] >= (-1 if kind == "log" else 0)
    assert charts.count_axis(values, "x", log_ok=False)["type"] == "linear"
