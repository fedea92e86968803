"""The Front desk page's pieces: the switch with its preview, the room × night grid, the to-do list.

Everything that came from ADF, Cloudbeds or a guest (names, booking codes, problems) is shown in
tables or as escaped text, never as Markdown. Switching writing on or off is a manager's action
and is checked again here, on the server, whatever the page showed.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ui.context import PageContext

__all__ = ["counts", "grid", "outbox", "preview_table", "switch", "todo"]

KINDS = ("create", "link", "update", "move", "cancel", "warn")


def preview_table(ctx: PageContext, tally) -> None:
    """Counts per action and a few examples of each (what the sync would do, or did)."""
    t = ctx.t
    counts = {k: int(tally.counts.get(k, 0)) for k in KINDS if tally.counts.get(k)}
    if counts:
        cols = st.columns(len(counts))
        for col, (kind, n) in zip(cols, counts.items(), strict=True):
            col.metric(t(f"frontdesk.action.{kind}"), t.number(n))
    rows = [
        {"kind": t(f"frontdesk.action.{kind}"), "summary": line}
        for kind in KINDS
        for line in tally.samples.get(kind, [])
    ]
    if rows:
        st.caption(t("frontdesk.samples"))
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            key="frontdesk_samples",
            column_config={"kind": t("frontdesk.col.kind"), "summary": t("frontdesk.col.problem")},
        )


def switch(ctx: PageContext, status) -> None:
    """Writing on: say so (and offer to switch off); off: the preview and the switch-on button."""
    from pms.adf import preview, switch_off, switch_on

    t = ctx.t
    manager = ctx.can("frontdesk.enable")
    if status.enabled:
        st.success(t("frontdesk.on"), icon="✅")
        if manager and st.button(t("frontdesk.switch_off"), key="frontdesk_off"):
            ctx.require("frontdesk.enable")
            with ctx.errors():
                switch_off(ctx.engine, ctx.pid)
                ctx.wrote()
                ctx.flash(t("frontdesk.switched_off"))
        return
    st.info(t("frontdesk.off"), icon="ℹ️")
    tally = ctx.q(preview, ctx.pid, ctx.today)
    if tally is not None:
        preview_table(ctx, tally)
    if not manager:
        st.caption(t("frontdesk.manager_only"))
        return
    if st.button(t("frontdesk.switch_on"), type="primary", key="frontdesk_on"):
        ctx.require("frontdesk.enable")
        with ctx.errors(), st.spinner(t("frontdesk.switching_on")):
            done = switch_on(ctx.engine, ctx.pid, ctx.today)
            ctx.wrote()
            counts = done.counts if done is not None else {}
            ctx.flash(
                t(
                    "frontdesk.switched_on",
                    created=t.number(counts.get("create", 0)),
                    linked=t.number(counts.get("link", 0)),
                    warned=t.number(counts.get("warn", 0)),
                )
            )


def grid(ctx: PageContext, frame: pd.DataFrame) -> None:
    """ADF's rooms × nights, each night labelled with the booking holding it (text cells)."""
    t = ctx.t
    if frame.empty:
        st.info(t("frontdesk.no_rooms"), icon="ℹ️")
        return
    config = {"room": st.column_config.TextColumn(t("frontdesk.room")), "type": t("frontdesk.type")}
    for column in frame.columns[2:]:
        night = date.fromisoformat(column)
        config[column] = st.column_config.TextColumn(f"{night:%a} {night:%d/%m}", width="small")
    st.dataframe(
        frame, hide_index=True, key="frontdesk_grid", column_config=config, height=35 * (len(frame) + 1) + 3
    )
    st.caption(t("frontdesk.grid_help"))


def todo(ctx: PageContext, frame: pd.DataFrame) -> None:
    """The open problems, most pressing first, as a table of text."""
    t = ctx.t
    if frame.empty:
        st.success(t("frontdesk.todo_empty"), icon="✅")
        return
    view = frame.copy()
    view["kind"] = [
        t(f"frontdesk.kind.{k}") if k and t.has(f"frontdesk.kind.{k}") else (k or "") for k in view["kind"]
    ]
    st.dataframe(
        view,
        hide_index=True,
        key="frontdesk_todo",
        column_config={
            "kind": t("frontdesk.col.kind"),
            "reservation": st.column_config.TextColumn(t("frontdesk.col.reservation")),
            "check_in": st.column_config.DateColumn(t("frontdesk.col.check_in")),
            "check_out": st.column_config.DateColumn(t("frontdesk.col.check_out")),
            "problem": st.column_config.TextColumn(t("frontdesk.col.problem"), width="large"),
            "since": st.column_config.DatetimeColumn(t("frontdesk.col.since"), timezone=ctx.prop.timezone),
        },
    )


def counts(ctx: PageContext, *, link: bool = True) -> None:
    """Bookings created and linked in ADF, updates in the last day, open to-dos (Overview, Monitoring)."""
    from pms.reporting import frontdesk

    t = ctx.t
    minute = ctx.now.replace(second=0, microsecond=0)  # one cache entry per minute, not per rerun
    fd = ctx.q(frontdesk.counts, ctx.pid, minute)
    if not fd.found:
        return
    st.subheader(t("frontdesk.plan_title"))
    cols = st.columns(4)
    cols[0].metric(t("frontdesk.created"), t.number(fd.created))
    cols[1].metric(t("frontdesk.linked"), t.number(fd.linked))
    cols[2].metric(t("frontdesk.updated"), t.number(fd.updated_last_day))
    cols[3].metric(t("frontdesk.open"), t.number(fd.open_problems))
    if link and ctx.can("frontdesk") and st.button(t("frontdesk.go"), key="go_frontdesk"):
        st.switch_page("app_pages/frontdesk.py")


def outbox(ctx: PageContext, frame: pd.DataFrame) -> None:
    """Writes to Cloudbeds waiting to go and those refused (why), with Retry for managers only."""
    t = ctx.t
    if frame.empty:
        st.success(t("frontdesk.outbox_empty"), icon="✅")
        return
    config = {
        "when": st.column_config.DatetimeColumn(t("frontdesk.col.when"), timezone=ctx.prop.timezone),
        "operation": st.column_config.TextColumn(t("frontdesk.col.operation")),
        "record": st.column_config.TextColumn(t("frontdesk.col.record")),
        "cloudbeds": st.column_config.TextColumn(t("frontdesk.col.cloudbeds")),
        "reason": st.column_config.TextColumn(t("frontdesk.col.reason"), width="large"),
    }
    for state, title in (("waiting", "frontdesk.outbox_waiting"), ("refused", "frontdesk.outbox_refused")):
        part = frame[frame["state"] == state].drop(columns=["log_id", "state"])
        st.caption(t(title, n=t.number(len(part))))
        if not part.empty:
            st.dataframe(part, hide_index=True, key=f"frontdesk_outbox_{state}", column_config=config)
    if not ctx.can("outbox.retry"):
        return
    choices = {
        int(r.log_id): f"{r.operation} · {r.record}"
        for r in frame.itertuples()
        if r.log_id is not None and r.log_id == r.log_id
    }
    if not choices:
        return
    picked = st.selectbox(
        t("frontdesk.retry_pick"), list(choices), format_func=lambda i: choices[i], key="frontdesk_retry_pick"
    )
    if st.button(t("frontdesk.retry"), key="frontdesk_retry"):
        ctx.require("outbox.retry")
        from pms.sync.outbox_retry import retry

        with ctx.errors():
            record = retry(ctx.engine, ctx.pid, int(picked))
            ctx.wrote()
            ctx.flash(t("frontdesk.retried", record=record))
