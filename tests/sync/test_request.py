"""``SyncRequest`` refuses bad input with the same message for the dashboard, CLI and worker."""

from __future__ import annotations

from datetime import date

import pytest

from pms.errors import SyncError
from pms.sync import SyncRequest
from pms.sync.plan import SyncPlan
from pms.sync.result import SyncResult


def test_defaults_by_mode():
    assert SyncRequest(mode="incremental").entities == ("reservations", "guests")
    assert SyncRequest(mode="full").entities == ("catalog", "reservations", "guests", "rates", "availability")
    assert SyncRequest(mode="full", entities="Guests, reservations").entities == ("reservations", "guests")
    w = SyncRequest(mode="window", date_from="2026-12-01", date_to="2026-12-31")
    assert (w.date_from, w.date_to) == (date(2026, 12, 1), date(2026, 12, 31)) and w.pulls and not w.pushes


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"mode": "sometimes"}, "unknown sync mode"),
        ({"mode": "full", "direction": "sideways"}, "unknown direction"),
        ({"mode": "full", "trigger": "cron"}, "unknown trigger"),
        ({"mode": "window", "date_from": "2026-12-01"}, "needs both dates"),
        ({"mode": "window", "date_from": "2026-12-10", "date_to": "2026-12-01"}, "swap the dates"),
        ({"mode": "window", "date_from": "2006-01-01", "date_to": "2026-01-01"}, "too long"),
        ({"mode": "window", "date_from": "01/12/2026", "date_to": "2026-12-31"}, "use YYYY-MM-DD"),
        ({"mode": "full", "date_from": "2026-12-01"}, "only apply to a window"),
        ({"mode": "full", "entities": "reservations;drop table"}, "unknown entity"),
    ],
)
def test_bad_requests_are_refused(kwargs, message):
    with pytest.raises(SyncError, match=message):
        SyncRequest(**kwargs)


def test_json_contract_keys():
    result = SyncResult(mode="full")
    result.entity("reservations").created = 3
    out = result.to_json()
    assert out["status"] == "completed" and out["reservations"]["created"] == 3
    assert set(out["guests"]) == {"created", "updated", "unchanged", "deleted", "failed"}
    result.status = "partial"
    assert result.to_json()["status"] == "completed"  # the contract has two values; counts tell the rest
    result.status = "failed"
    assert result.to_json()["status"] == "failed"


def test_plan_keeps_counts_and_a_few_samples():
    plan = SyncPlan(description="test")
    for i in range(25):
        plan.add("update", "reservations", str(i), "status confirmed → canceled")
    assert plan.counts["update"] == 25 and len(plan.samples["update"]) == 10
    assert "... and 15 more" in "\n".join(plan.lines())
    with pytest.raises(ValueError):
        plan.add("explode", "reservations", "1")
