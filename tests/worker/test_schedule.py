"""When the worker syncs, as a pure function of clock, settings and sync history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pms.worker.schedule import History, due_jobs, failure_backoff, last_slot

JKT = "Asia/Jakarta"
# 10:00 in Jakarta (03:00 UTC): after the 02:00 reconcile slot.
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
SLOT = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # 02:00 Jakarta on the 25th


def plan(history: History, **kw):
    args = {"auto_sync": True, "interval_minutes": 30, "full_hour": 2, "tz": JKT, **kw}
    return due_jobs(NOW, history, **args)


def test_last_slot_is_in_property_time():
    assert last_slot(NOW, 2, JKT) == SLOT
    assert last_slot(SLOT - timedelta(seconds=1), 2, JKT) == SLOT - timedelta(days=1)
    assert last_slot(NOW, 2, "UTC") == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_a_never_synced_property_gets_a_full_reconcile_at_once():
    assert plan(History()).job == "full"


def test_nothing_runs_with_auto_sync_off():
    assert plan(History(), auto_sync=False).job is None


def test_incremental_every_interval_after_the_nightly_full():
    synced = History(
        last_auto_started=NOW - timedelta(minutes=10), last_full_started=SLOT + timedelta(minutes=1)
    )
    assert plan(synced).job is None
    assert plan(synced).next_check == NOW + timedelta(minutes=20)
    later = History(
        last_auto_started=NOW - timedelta(minutes=31), last_full_started=SLOT + timedelta(minutes=1)
    )
    assert plan(later).job == "incremental"
    assert plan(later, interval_minutes=60).job is None


def test_a_restarted_worker_does_not_repeat_a_recent_run():
    # The history comes from the sync log, not from memory: a run 5 minutes before the restart counts.
    recent = History(last_auto_started=NOW - timedelta(minutes=5), last_full_started=SLOT)
    assert plan(recent).job is None


def test_the_nightly_full_comes_once_per_slot():
    yesterday = History(
        last_auto_started=NOW - timedelta(minutes=1), last_full_started=SLOT - timedelta(hours=2)
    )
    assert plan(yesterday).job == "full"


def test_failures_retry_sooner_with_growing_backoff():
    assert [failure_backoff(n, timedelta(minutes=30)) for n in range(1, 7)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 30)
    ]
    failing = History(
        last_auto_started=NOW - timedelta(minutes=3),
        auto_failures_in_row=2,
        last_full_started=SLOT + timedelta(minutes=1),
    )
    assert plan(failing).job == "incremental"  # 2 min backoff has passed
    failing3 = History(
        last_auto_started=NOW - timedelta(minutes=3),
        auto_failures_in_row=3,
        last_full_started=SLOT + timedelta(minutes=1),
    )
    assert plan(failing3).job is None  # 4 min backoff has not


@pytest.mark.parametrize("failed,minutes_ago,expected", [(1, 2, "full"), (1, 0.5, None), (5, 60, None)])
def test_a_failed_nightly_full_is_retried_a_few_times(failed, minutes_ago, expected):
    start = NOW - timedelta(minutes=minutes_ago)
    history = History(
        last_auto_started=start,
        auto_failures_in_row=failed,
        last_full_started=start,
        full_failures_since=[start - timedelta(minutes=i) for i in range(failed)],
    )
    job = plan(history).job
    assert job == expected or (expected is None and job != "full")
