"""What needs a person now, each with the page where it is fixed: the Overview's to-do list.

Built from the same ``HealthFacts`` as the health score and the alert rules, so the Overview can
never show a good score beside an empty list while records are in error, writes to Cloudbeds were
refused, booked rooms have no mapping or sending is switched off with changes waiting. Each
problem has a key (the page translates ``attention.<key>`` for what is wrong and
``attention.<key>.action`` for what to do), a count, and the page to open (a page name of the
dashboard's navigation). Most pressing first.
"""

from __future__ import annotations

from dataclasses import dataclass

from pms.db.health import HealthFacts, HealthSummary

__all__ = ["Problem", "problems"]


@dataclass(frozen=True)
class Problem:
    key: str
    count: int
    page: str  # dashboard page name: monitoring, room_mapping, settings, rates, sync, connection, frontdesk
    severity: str = "error"  # error | warning


def problems(facts: HealthFacts | HealthSummary) -> list[Problem]:
    """The open problems of ``facts`` (or of a summary, which carries the same counts), most
    pressing first; empty when there is nothing to do."""
    waiting = facts.pending_push + facts.pending_rates
    push_off_waiting = waiting if not facts.push_enabled else 0
    found = [
        Problem("stale_sync", 1 if getattr(facts, "stale", False) else 0, "sync"),
        Problem("failed_runs", facts.failed_syncs_today, "monitoring"),
        Problem("records_in_error", facts.failed_records, "monitoring"),
        Problem("rates_in_error", facts.failed_rates, "rates"),
        Problem("refused_pushes", facts.refused_pushes_today, "monitoring"),
        Problem("push_off_waiting", push_off_waiting, "settings"),
        Problem("unmapped_rooms", facts.unmapped_rooms, "room_mapping"),
        Problem("frontdesk_unmapped", facts.frontdesk_unmapped, "room_mapping"),
        Problem("frontdesk_todos", getattr(facts, "frontdesk_todos", 0), "frontdesk", "warning"),
        Problem("partial_runs", facts.partial_runs_today, "monitoring", "warning"),
        Problem("webhook_failures", facts.failed_webhook_events, "monitoring", "warning"),
        Problem(
            "api_errors",
            facts.api_errors_today if getattr(facts, "api_errors_high", False) else 0,
            "connection",
            "warning",
        ),
    ]
    return [p for p in found if p.count > 0]
