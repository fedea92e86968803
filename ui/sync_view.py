"""The Sync page's moving parts: preview → plan on screen → apply with a progress bar → results.

The plan and the request it was made for are kept in the session, so "Apply" runs exactly what
was previewed (and the engine recomputes it, domain rule 22). Both run inside the script with a
live progress bar; a second sync of the same property is refused by the engine's lease with a
message, never run alongside.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.actions import client_for, report, summary, sync_context
from ui.context import PageContext
from ui.feedback import status_box
from ui.widgets import plain, status_label, table

__all__ = ["plan_line", "preview", "runs_table", "show_plan"]

PLAN_KEY = "sync_plan"


def _progress(ctx: PageContext, label: str):
    bar = st.progress(0, text=label)

    def update(done: int, expected: int | None, what: str) -> None:
        fraction = min(1.0, done / expected) if expected else 0.0
        bar.progress(
            fraction,
            text=ctx.t(
                "sync.progress",
                what=ctx.t(f"entity.{what}") if ctx.t.has(f"entity.{what}") else what,
                done=ctx.t.number(done),
                total=ctx.t.number(expected) if expected else "?",
            ),
        )

    return bar, update


def _request(window, entities, direction, mode):
    from pms.sync import SyncRequest

    start, end = ((*tuple(window), None, None))[:2] if isinstance(window, (tuple, list)) else (window, None)
    if mode != "window":
        start = end = None
    return SyncRequest(
        mode=mode,
        date_from=start,
        date_to=end if end else start,
        entities=tuple(entities),
        direction=direction,
        trigger="manual",
    )


def preview(ctx: PageContext, window, entities, direction, mode) -> None:
    ctx.require("sync")
    from pms.sync import plan_sync

    st.session_state.pop(PLAN_KEY, None)
    with ctx.errors():
        request = _request(window, entities, direction, mode)
        bar, update = _progress(ctx, ctx.t("sync.previewing"))
        try:
            with client_for(ctx) as client:
                plan = plan_sync(sync_context(ctx, client, update), request)
        except Exception:
            bar.empty()  # the error is shown in its place; no bar left saying "previewing…"
            raise
        if plan.error:
            bar.empty()
        else:
            bar.progress(1.0, text=ctx.t("sync.previewed"))
        st.session_state[PLAN_KEY] = (request, plan)


def plan_line(t, request) -> str:
    """What the plan covers, in words: the stays' dates or the mode, the entities, the direction."""
    entities = ", ".join(t.label("entity", e) for e in request.entities)
    direction = t.label("direction", request.direction)
    if request.mode == "window":
        start, end = t.date(request.date_from), t.date(request.date_to)
        return t("sync.plan_window", start=start, end=end, entities=entities, direction=direction)
    return t("sync.plan_mode", mode=t.label("mode", request.mode), entities=entities, direction=direction)


def _same_request(request, inputs) -> bool:
    try:
        return _request(*inputs) == request
    except Exception:  # inputs that make no request (reversed dates ...) are not the plan's
        return False


def show_plan(ctx: PageContext, inputs: tuple | None = None) -> None:
    """The previewed plan, while the form's inputs are still those it was made for; a plan for
    other inputs is dropped (its Apply would run what the form no longer says)."""
    t = ctx.t
    stored = st.session_state.get(PLAN_KEY)
    if not stored:
        return
    request, plan = stored
    if inputs is not None and not _same_request(request, inputs):
        st.session_state.pop(PLAN_KEY, None)
        return
    st.subheader(t("sync.plan_title"))
    st.caption(plain(plan_line(t, request)))
    if plan.error:
        st.error(plain(plan.error), icon="⚠️")
    counts = {k: n for k, n in plan.counts.items() if n}
    cols = st.columns(max(1, len(counts) or 1))
    for col, (kind, n) in zip(cols, counts.items(), strict=False):
        col.metric(t(f"action.{kind}"), t.number(n))
    if not plan.total_actions and not plan.error:
        st.success(t("sync.nothing_to_do"), icon="✅")
    samples = [
        {
            "kind": t(f"action.{a.kind}"),
            "entity": t(f"entity.{a.entity}") if t.has(f"entity.{a.entity}") else a.entity,
            "key": a.key,
            "summary": t.said(a.summary),
        }
        for kind in plan.samples
        for a in plan.samples[kind]
    ]
    if samples:
        table(
            pd.DataFrame(samples),
            t,
            {
                "kind": "sync.col.kind",
                "entity": "sync.col.entity",
                "key": "sync.col.key",
                "summary": "sync.col.summary",
            },
            key="plan_table",
        )
    for warning in plan.warnings:
        st.warning(plain(t.said(warning)), icon="⚠️")
    _front_desk_plan(ctx, plan)
    st.caption(t("sync.preview_cost", calls=plan.api_calls))
    if plan.error:  # a preview that failed is no plan: nothing to apply until one works
        return
    if st.button(t("sync.apply"), type="primary", key="sync_apply"):
        apply(ctx, request)


def _front_desk_plan(ctx: PageContext, plan) -> None:
    """What the sync would do in the hotel's ADF front desk, apart from the mirror's actions."""
    t = ctx.t
    counts = {k: n for k, n in plan.front_desk.items() if n}
    if not counts:
        return
    st.subheader(t("frontdesk.plan_title"))
    cols = st.columns(len(counts))
    for col, (kind, n) in zip(cols, counts.items(), strict=True):
        col.metric(t(f"frontdesk.action.{kind}"), t.number(n))
    rows = [
        {"kind": t(f"frontdesk.action.{a.kind}"), "key": a.key, "summary": a.summary}
        for kind in plan.front_desk_samples
        for a in plan.front_desk_samples[kind]
    ]
    table(
        pd.DataFrame(rows),
        t,
        {"kind": "sync.col.kind", "key": "sync.col.key", "summary": "sync.col.summary"},
        key="front_desk_plan_table",
    )


def apply(ctx: PageContext, request) -> None:
    ctx.require("sync")
    from pms.sync import run_sync

    t = ctx.t
    with ctx.errors():
        with status_box(t("sync.applying"), t("common.stopped")) as box:
            bar, update = _progress(ctx, t("sync.applying"))
            try:
                with client_for(ctx) as client:
                    result = run_sync(sync_context(ctx, client, update), request)
            except Exception:
                bar.empty()  # no bar left half way over the error
                raise
            bar.progress(1.0, text=t("sync.done"))
            outcome = result.outcome()
            # counted as the preview counts: what changed, apart from what was already in step
            report(
                ctx,
                box,
                outcome,
                t(
                    "sync.result_outcome",
                    status=status_label(t, "log_status", result.status),
                    result=summary(ctx, outcome),
                    calls=t.number(result.api_calls),
                ),
            )
        ctx.wrote()
        st.session_state.pop(PLAN_KEY, None)
        rows = [
            {"entity": t(f"entity.{name}") if t.has(f"entity.{name}") else name, **c.as_dict()}
            for name, c in result.counts.items()
        ]
        if rows:
            st.dataframe(
                pd.DataFrame(rows),
                hide_index=True,
                key="result_table",
                column_config={
                    "entity": t("sync.col.entity"),
                    "created": t("sync.created"),
                    "updated": t("sync.updated"),
                    "unchanged": t("sync.unchanged"),
                    "deleted": t("sync.deleted"),
                    "failed": t("sync.failed_records"),
                },
            )
        if result.warning_count:
            with st.expander(t("sync.warnings", n=result.warning_count)):
                for message in result.warnings[:50]:
                    st.markdown(plain(t.said(message)))


def runs_table(ctx: PageContext, runs: pd.DataFrame) -> None:
    t = ctx.t
    view = runs.assign(
        status=runs["status"].map(lambda s: status_label(t, "log_status", s)),
        mode=runs["mode"].map(lambda m: t(f"mode.{m}") if t.has(f"mode.{m}") else m),
        duration=runs["duration_ms"].map(t.duration),
    )
    table(
        view,
        t,
        {
            "id": "sync.col.run",
            "started_at": "log.time",
            "mode": "log.mode",
            "status": "log.status",
            "processed": "log.processed",
            "successful": "log.successful",
            "failed": "log.failed",
            "api_calls": "log.api_calls",
            "duration": "log.duration",
        },
        key="runs_table",
        zone=ctx.prop.timezone,
        times=["started_at"],
    )
