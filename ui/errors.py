"""Errors become messages in the page and details in the server log, never a traceback.

``PMSError`` messages are written for a hotel manager and safe to show (they never hold
secrets). Anything else is unexpected: the browser gets a short reference, the log gets the
traceback under the same reference, so support can find it. A database that refuses the
connection for a known reason (the web host's allow-list, TLS, grants: ``pms.db.remote``) gets
that reason and its fix instead.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
import streamlit as st

from pms.db.remote import advice_kind
from pms.errors import PMSError
from ui.widgets import plain

__all__ = ["show_error", "shown_errors"]

log = logging.getLogger("pms.dashboard")


def show_error(exc: BaseException, t: Callable[..., str]) -> None:
    if isinstance(exc, PMSError):
        said = t.error(exc) if hasattr(t, "error") else str(exc)  # in the reader's language when it can be
        st.error(plain(said), icon="⚠️")  # may quote Cloudbeds or what was typed
        return
    kind = advice_kind(exc) if isinstance(exc, sa.exc.DBAPIError) else None
    if kind:  # the hotel's database refused us (its web host's allow-list, TLS, grants): say why
        log.error("database unavailable (%s): %s", kind, str(exc.orig)[:300])
        st.error(t(f"error.db.{kind}"), icon="🔌")
        return
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error [ref %s]", ref, exc_info=exc)
    st.error(t("error.unexpected", ref=ref), icon="🚨")


@contextmanager
def shown_errors(t: Callable[..., str]) -> Iterator[None]:
    """Run a block; a failure inside it becomes a message where the block was."""
    try:
        yield
    except Exception as exc:  # Streamlit's stop/rerun signals are BaseException and pass through
        show_error(exc, t)
