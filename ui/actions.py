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

__all__ = [
    "client_for",
    "prune",
    "push_rates",
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

    with ctx.errors(), st.status(ctx.t("monitoring.retrying"), expanded=True) as box:
        events = store.retry_failed(ctx.engine, property_id=ctx.pid)
        with client_for(ctx) as client:
            result = retry_records(sync_context(ctx, client))
        ctx.wrote()
        box.update(
            label=ctx.t("monitoring.retried", events=events, result=_summary(ctx, result)), state="complete"
        )


def _summary(ctx: PageContext, result) -> str:
    ok = getattr(result, "successful", None)
    failed = getattr(result, "failed", None)
    if ok is None and failed is None:
        return "–"
    return ctx.t("sync.result_short", ok=ok or 0, failed=failed or 0)


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

    with ctx.errors(), st.status(ctx.t("rates.pushing"), expanded=True) as box:
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
        box.update(label=ctx.t("rates.pushed", result=_summary(ctx, result)), state="complete")


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
