"""Parts of a page that refresh themselves: counts, health, recent runs, alerts.

``@live.part`` turns a function into an ``st.fragment`` that reruns every ``REFRESH_SECONDS`` on
its own, inside a container keyed ``live_<function name>`` (``_<live_key>`` added when one
function appears several times on a page: ``fn(..., live_key="sync")``). Only that function
reruns: the rest of the page, its filters and whatever a person is typing stay as they are.
Each tick:

- checks the login again without counting as a click, so an unattended page still times out
  (``session_idle_minutes``) and a Log out elsewhere ends it; then the whole page reruns and
  shows the login;
- moves the page's clock on ("5 minutes ago" stays true, "today" turns at midnight);
- reads through the short cache (``ui.cache.fresh``), so what the worker, a webhook or another
  browser wrote shows within a tick.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from ui import session
from ui.context import CONTEXT_KEY, PageContext

__all__ = ["REFRESH_SECONDS", "part"]

REFRESH_SECONDS = 5


def part(fn: Callable) -> Callable:
    """``fn`` as a self-refreshing fragment of the page (call it where it should appear)."""

    @functools.wraps(fn)
    def run(*args, live_key: str | None = None, **kwargs):
        ctx = st.session_state.get(CONTEXT_KEY)
        if not isinstance(ctx, PageContext):
            st.rerun(scope="app")  # logged out meanwhile: the frame shows the login
        name = f"live_{fn.__name__}" + (f"_{live_key}" if live_key else "")
        # a stable handle for tests (class st-key-live_<name>[_<key>]); a failure of a tick (a
        # busy database) is a message in place, never the page's end: this code runs outside
        # the frame's own error boundary
        with st.container(key=name), ctx.errors():
            if not session.still_logged_in(ctx.engine):
                st.rerun(scope="app")  # the frame then logs out and shows the login
            ctx.now = datetime.now(UTC)
            ctx.live = True
            try:
                return fn(*args, **kwargs)
            finally:
                ctx.live = False

    return st.fragment(run_every=REFRESH_SECONDS)(run)
