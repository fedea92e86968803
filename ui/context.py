"""What every page gets, and the role check it starts with.

``dashboard.py`` builds a ``PageContext`` on each run (engine, translator, user, active property,
the property's "now" and "today") and pages open with ``open_page("name")``. The check is made
again in the page itself, not only by leaving the page out of the navigation, so no way of
reaching a page script (a stale link, a future refactor) gets round it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
import streamlit as st

from pms import accounts
from pms.i18n import Translator, local_now
from pms.reporting.property import PropertyInfo
from ui import cache
from ui.errors import shown_errors

__all__ = ["CONTEXT_KEY", "PageContext", "open_page", "set_context"]

CONTEXT_KEY = "_pms_page_context"
FLASH_KEY = "_pms_flash"


@dataclass
class PageContext:
    engine: sa.Engine
    t: Translator
    user: accounts.User
    prop: PropertyInfo
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    live: bool = False  # inside a part that refreshes itself (ui.live): queries read fresh figures

    @property
    def lang(self) -> str:
        return self.t.lang

    @property
    def pid(self) -> str | None:
        return self.prop.property_id

    @property
    def today(self) -> date:
        """The property's date (a Jakarta hotel's day starts seven hours before UTC's)."""
        return local_now(self.prop.timezone, self.now).date()

    def can(self, action: str) -> bool:
        return self.user.can(action)

    def q(self, fn, *args, **kwargs) -> Any:
        """A cached ``pms.reporting`` query (cached for seconds only inside a live part)."""
        return (cache.fresh if self.live else cache.cached)(fn, *args, **kwargs)

    def wrote(self) -> None:
        """Call after any write so every page shows it at once."""
        cache.clear()

    def flash(self, message: str) -> None:
        """Show ``message`` at the top of the page after a rerun (for a write that changes what is shown)."""
        st.session_state[FLASH_KEY] = message
        st.rerun()

    def confirm(self, message: str) -> None:
        """Like ``flash``, as a toast that fades: for a save whose inputs stay on screen in a form
        (a banner would go on saying "saved" over the edits made after it)."""
        st.session_state[FLASH_KEY] = ("toast", message)
        st.rerun()

    def errors(self):
        """``with ctx.errors(): ...``: a failure becomes a message in place."""
        return shown_errors(self.t)

    def dt(self, value) -> str:
        return self.t.datetime(value, self.prop.timezone)

    def money(self, value) -> str:
        return self.t.money(value, self.prop.currency)

    def require(self, action: str) -> None:
        """Stop here unless the user may run ``action`` (for buttons inside a shared page)."""
        if not self.can(action):
            st.error(self.t("auth.forbidden"), icon="⛔")
            st.stop()


def set_context(ctx: PageContext) -> None:
    st.session_state[CONTEXT_KEY] = ctx


def open_page(name: str, title_key: str) -> PageContext:
    """The context for page ``name``, after checking the user may open it; stops the page if not."""
    ctx = st.session_state.get(CONTEXT_KEY)
    if not isinstance(ctx, PageContext):
        st.stop()  # reached without dashboard.py (never through the navigation)
    if not ctx.can(name):
        st.error(ctx.t("auth.forbidden"), icon="⛔")
        st.stop()
    st.title(ctx.t(title_key))
    flash = st.session_state.pop(FLASH_KEY, None)
    if isinstance(flash, tuple):
        st.toast(flash[1], icon="✅")
    elif flash:
        st.success(flash, icon="✅")
    return ctx
