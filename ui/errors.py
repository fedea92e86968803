"""Errors become messages in the page and details in the server log, never a traceback.

``PMSError`` messages are written for a hotel manager and safe to show (they never hold
secrets). Anything else is unexpected: the browser gets a short reference, the log gets the
traceback under the same reference, so support can find it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from pms.errors import PMSError
from ui.widgets import plain

__all__ = ["show_error", "shown_errors"]

log = logging.getLogger("pms.dashboard")


def show_error(exc: BaseException, t: Callable[..., str]) -> None:
    if isinstance(exc, PMSError):
        said = t.error(exc) if hasattr(t, "error") else str(exc)  # in the reader's language when it can be
        st.error(plain(said), icon="⚠️")  # may quote Cloudbeds or what was typed
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
