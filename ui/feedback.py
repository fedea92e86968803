"""Feedback that never sticks or contradicts: progress that always ends, problems said while true.

A ``st.status`` made without ``with`` stays "running" when the work under it raises, and a
progress bar stays at "Previewing…" over the error message. These helpers close them in every
case: the box turns to the error state with a label saying it stopped, the bar is removed, and the
error itself is shown by the page's ``ctx.errors()`` block around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

__all__ = ["status_box", "stay_problem"]


@contextmanager
def status_box(label: str, stopped_label: str) -> Iterator:
    """``with status_box("Testing…", "Stopped by an error") as box:``; on an exception the box
    shows ``stopped_label`` in the error state, then the exception goes on to be shown."""
    box = st.status(label, expanded=True)
    try:
        with box:  # what the block writes goes inside the box, as with ``with st.status(...)``
            yield box
    except Exception:
        box.update(label=stopped_label, state="error", expanded=True)
        raise


def stay_problem(check_in, check_out, today) -> str | None:
    """What is wrong with a stay's dates as they are now (``pms.edits``' own rule), or None: shown
    beside the dates on every run, so it is gone as soon as they are fixed."""
    from pms.edits.fields import check_stay
    from pms.errors import EditError

    try:
        check_stay(check_in, check_out, today)
    except EditError as exc:
        return str(exc)
    return None
