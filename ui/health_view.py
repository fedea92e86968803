"""The Overview's health block: the score, the counts behind it and what to do next.

Every problem the score takes points for is listed with a short action and a link to the page
where it is fixed, so the Overview never reads "fine" beside records in error, refused writes,
unmapped rooms or sending switched off with changes waiting. Records in error are counted apart
from those waiting to be sent.
"""

from __future__ import annotations

import streamlit as st

from pms.db.health import HealthSummary, health_summary
from pms.reporting.attention import problems
from ui.context import PageContext

__all__ = ["PAGE_FILES", "health", "todo"]

PAGE_FILES = {
    "monitoring": "app_pages/monitoring.py",
    "room_mapping": "app_pages/room_mapping.py",
    "settings": "app_pages/settings.py",
    "rates": "app_pages/rates.py",
    "sync": "app_pages/sync.py",
    "connection": "app_pages/connection.py",
    "frontdesk": "app_pages/frontdesk.py",
}


def health(ctx: PageContext) -> HealthSummary:
    """The score and its six figures; returns the summary."""
    t = ctx.t
    h = ctx.q(health_summary, ctx.pid)
    cols = st.columns(6)
    cols[0].metric(t("overview.health"), f"{h.score}/100", help="; ".join(map(t.said, h.reasons)) or None)
    cols[1].metric(t("overview.synced"), t.number(h.synced_reservations))
    cols[2].metric(
        t("overview.pending_push"),
        t.number(h.pending_push + h.pending_rates),
        help=t("overview.pending_help", records=t.number(h.pending_push), rates=t.number(h.pending_rates)),
    )
    cols[3].metric(
        t("overview.in_error"),
        t.number(h.failed_records + h.failed_rates),
        help=t("overview.in_error_help", records=t.number(h.failed_records), rates=t.number(h.failed_rates)),
    )
    cols[4].metric(
        t("overview.failures_today"),
        t.number(h.failed_syncs_today + h.partial_runs_today),
        help=t("overview.runs_help", runs=h.failed_syncs_today, partial=h.partial_runs_today),
    )
    cols[5].metric(
        t("overview.last_sync"),
        t.ago(h.last_successful_sync, ctx.now),
        help=ctx.dt(h.last_successful_sync),
    )
    st.caption(
        t("overview.api_today", calls=t.number(h.api_calls_today), errors=t.number(h.api_errors_today))
    )
    return h


def todo(ctx: PageContext, summary: HealthSummary) -> int:
    """What to do next, one line per problem with the page to open; returns how many were shown."""
    t = ctx.t
    found = problems(summary)
    if not found:
        return 0
    st.subheader(t("overview.todo_title"))
    for p in found:
        text = f"**{t(f'attention.{p.key}', n=t.number(p.count))}** · {t(f'attention.{p.key}.action')}"
        box = st.error if p.severity == "error" else st.warning
        box(text, icon="⚠️" if p.severity == "error" else "🔔")
        if ctx.can(p.page):
            st.page_link(PAGE_FILES[p.page], label=t("overview.open_page", page=t(f"nav.{p.page}")))
        else:
            st.caption(t("overview.ask_manager"))
    return len(found)
