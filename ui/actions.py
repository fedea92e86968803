"""The dashboard's buttons that do work: each checks the role, shows progress, reports, clears caches.

Kept out of the page files so the same action (e.g. "retry failed") behaves the same wherever it
is offered, and so every action re-checks the permission on the server side: a button hidden
from staff is also refused to staff.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ui.context import PageContext
from ui.feedback import status_box
from ui.widgets import plain

RATE_ENTITIES = ("rates_push", "rate_jobs")  # what "send rates" reports: rate nights, never bookings

__all__ = [
    "client_for",
    "prune",
    "push_rates",
    "report",
    "retry_failed",
    "rotate_webhook_token",
    "subscribe_webhooks",
    "sync_context",
    "unsubscribe_webhooks",
    "webhook_list",
]


@contextmanager
def client_for(ctx: PageContext) -> Iterator:
    """A Cloudbeds client from the stored credentials (or the demo sandbox), closed afterwards."""
    from pms.connection import build_client

    client = build_client(ctx.engine)
    try:
        yield client
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()


def sync_context(ctx: PageContext, client, progress=None):
    """The sync engine's context for the page's property (every page builds it here)."""
    from pms.sync import SyncContext

    kwargs = {"progress": progress} if progress is not None else {}
    return SyncContext(engine=ctx.engine, client=client, property_id=ctx.pid, **kwargs)


def retry_failed(ctx: PageContext) -> None:
    """Queue failed webhook events again and re-run the records whose last sync failed."""
    ctx.require("monitoring.retry")
    from pms.sync import retry_failed as retry_records
    from pms.webhooks import store

    with ctx.errors(), status_box(ctx.t("monitoring.retrying"), ctx.t("common.stopped")) as box:
        events = store.retry_failed(ctx.engine, property_id=ctx.pid)
        with client_for(ctx) as client:
            result = retry_records(sync_context(ctx, client))
        ctx.wrote()
        outcome = result.outcome()
        report(ctx, box, outcome, ctx.t("monitoring.retried", events=events, result=summary(ctx, outcome)))


def summary(ctx: PageContext, outcome) -> str:
    """ "3 changed, 125 unchanged, 1 failed": successes and unchanged records never mixed."""
    t = ctx.t
    if not (outcome.changed or outcome.unchanged or outcome.failed):
        return t("outcome.none")
    return t(
        "outcome.counts",
        changed=t.number(outcome.changed),
        unchanged=t.number(outcome.unchanged),
        failed=t.number(outcome.failed),
    )


def report(ctx: PageContext, box, outcome, label: str) -> None:
    """Close ``box`` with ``label``: the error state (and icon) when anything failed, each reason
    listed under it as text (reasons quote Cloudbeds and the records)."""
    box.update(label=label, state="complete" if outcome.ok else "error", expanded=not outcome.ok)
    for reason in outcome.reasons[:20]:
        box.error(plain(reason), icon="⚠️")
    if len(outcome.reasons) > 20:
        box.caption(ctx.t("outcome.more", n=ctx.t.number(len(outcome.reasons) - 20)))


def prune(ctx: PageContext) -> None:
    ctx.require("settings")
    from pms.db.retention import prune as prune_logs

    with ctx.errors():
        deleted = prune_logs(ctx.engine)
        ctx.wrote()
        st.success(ctx.t("monitoring.pruned", n=ctx.t.number(sum(deleted.values()))), icon="🧹")


def push_rates(ctx: PageContext, start, end) -> None:
    """Send the hotel's pending rate edits (Cloudbeds answers with a job, followed in the background)."""
    ctx.require("rates.edit")
    from pms.sync import SyncRequest, run_sync

    with ctx.errors(), status_box(ctx.t("rates.pushing"), ctx.t("common.stopped")) as box:
        with client_for(ctx) as client:
            result = run_sync(
                sync_context(ctx, client),
                SyncRequest(
                    mode="window",
                    date_from=start,
                    date_to=end,
                    entities=("rates",),
                    direction="push",
                    trigger="manual",
                ),
            )
        ctx.wrote()
        outcome = result.outcome(RATE_ENTITIES)
        key = "rates.pushed" if outcome.ok else "rates.push_failed"
        report(ctx, box, outcome, ctx.t(key, result=summary(ctx, outcome)))


def _public_url(ctx: PageContext) -> str:
    from pms.connection.oauth import public_base_url

    return public_base_url(ctx.engine)


def subscribe_webhooks(ctx: PageContext):
    ctx.require("settings")
    from pms.webhooks.subscriptions import subscribe

    with client_for(ctx) as client:
        report = subscribe(ctx.engine, client, public_url=_public_url(ctx))
    ctx.wrote()
    return report


def unsubscribe_webhooks(ctx: PageContext):
    ctx.require("settings")
    from pms.webhooks.subscriptions import unsubscribe

    with client_for(ctx) as client:
        report = unsubscribe(ctx.engine, client)
    ctx.wrote()
    return report


def rotate_webhook_token(ctx: PageContext):
    ctx.require("settings")
    from pms.server.runtime import invalidate_token_cache
    from pms.webhooks.subscriptions import rotate

    with client_for(ctx) as client:
        report = rotate(ctx.engine, client, public_url=_public_url(ctx))
    invalidate_token_cache()  # the receiver in this process accepts the new token at once
    ctx.wrote()
    return report


def webhook_list(ctx: PageContext):
    from pms.webhooks.subscriptions import list_subscriptions

    with client_for(ctx) as client:
        return list_subscriptions(ctx.engine, client, public_url=_public_url(ctx))
