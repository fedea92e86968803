"""Every text field of every page, filled with hostile input and submitted: messages, never a crash.

SQL metacharacters, a very long string and non-ASCII text go into each text input; then each form
and button that writes is used. Nothing may raise into Streamlit, nothing may show the "went
wrong" message (an unexpected error), and the database must still hold what it held.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pms.db import schema
from tests.dashboard.conftest import PAGES, synced_world

HOSTILE = {
    "sql": "x'); DROP TABLE reservasi; -- \" OR 1=1 %_\\",
    "long": "Ω" * 5000,
    "unicode": "Nguyễn Thị Ánh 李小龍 محمد 😀 \u200b",
}
# Buttons that would start work against Cloudbeds or change accounts are covered elsewhere; here the
# forms that store what was typed.
FORM_BUTTONS = ("FormSubmitter:",)


def _unexpected(at):
    return [e.value for e in at.error if "went wrong" in str(e.value)]


# Pages that show one view at a time: every view is tried.
VIEWS = {"reservations": ("res_view", ("list", "guests", "new"))}
CASES = [(page, view) for page in PAGES for view in (VIEWS.get(page, (None, (None,)))[1])]


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("page,view", CASES)
def test_hostile_text_in_every_field(dash, page, view, kind):
    synced_world(dash.engine)
    gm = dash.user("gm")
    at = dash.app(as_user=gm, page=page)
    if view is not None:
        at.radio(key=VIEWS[page][0]).set_value(view).run()
        if view == "guests":  # the edit form appears once a guest is chosen
            at.session_state["guest_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
            at.run()
    value = HOSTILE[kind]
    fields = [w.key for w in at.text_input if w.key]
    submitters = [b.key for b in at.button if b.key and b.key.startswith(FORM_BUTTONS) and not b.disabled]
    for key in fields:
        at.text_input(key=key).input(value)
    at.run()
    assert not at.exception, (page, at.exception)
    assert not _unexpected(at), page
    for button in submitters:
        if button not in [b.key for b in at.button]:
            continue
        for key in fields:
            if key in [w.key for w in at.text_input]:
                at.text_input(key=key).input(value)
        at.button(key=button).click().run()
        assert not at.exception, (page, button, at.exception)
        assert not _unexpected(at), (page, button, _unexpected(at))
    with dash.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() >= 40
        stored = [v for (v,) in conn.execute(sa.select(schema.settings.c.setting_value)) if v]
    # what was stored is what was typed, or nothing: never a mangled half of it
    assert all(value in v or value[:20] not in v for v in stored)


# --- text from outside is shown as text, never as Markdown ---------------------------------------

# A guest's own name from an online booking: a phishing link and a tracking image if rendered.
PHISH = (
    "**[Session expired - sign in again](https://evil.example/login) ![x](https://evil.example/pixel.png)**"
)
# What rendering would have produced from it; none of it may appear unescaped in a Markdown widget.
RAW_MARKUP = ("](https://evil.example", "![x]", "**[Session")
MARKDOWN_ELEMENTS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "success",
    "warning",
    "error",
)


def _hostile_world(engine) -> None:
    """A synced database where every field that comes from outside holds PHISH."""
    pid = "254042"
    synced_world(engine, pid)
    with engine.begin() as conn:
        conn.execute(
            sa.update(schema.cloudbed_properties).values(name="Hotel " + PHISH, timezone="Asia/Jakarta")
        )
        conn.execute(
            sa.update(schema.reservasi).values(guest_name=PHISH, sync_error="Cloudbeds said: " + PHISH)
        )
        conn.execute(sa.update(schema.guest).values(first_name=PHISH, last_name="Wijaya"))
        conn.execute(sa.update(schema.cloudbed_room_types).values(name=PHISH))
        conn.execute(sa.update(schema.cloudbed_alerts).values(message="The last sync failed: " + PHISH))
        # Two ADF types mapped to one Cloudbeds type: the warning names the Cloudbeds type.
        conn.execute(
            sa.insert(schema.cloudbed_room_mapping),
            [
                {"property_id": pid, "adf_room_type": adf, "cloudbed_room_type_id": "rt-1", "is_active": True}
                for adf in ("DLX", "DBL")
            ],
        )


def _markdown_texts(at) -> list[str]:
    return [
        str(getattr(el, "value", "") or "") + str(getattr(el, "label", "") or "")
        for kind in MARKDOWN_ELEMENTS
        for el in getattr(at, kind)
    ]


def _assert_literal(at, where) -> None:
    for text in _markdown_texts(at):
        for raw in RAW_MARKUP:
            assert raw not in text, (where, text[:300])


def _shows_the_name(at) -> bool:
    return any("evil\\.example" in text for text in _markdown_texts(at))


@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_names_render_literally_on_every_page(dash, page):
    _hostile_world(dash.engine)
    gm = dash.user("gm")
    at = dash.app(as_user=gm, page=page)
    assert not at.exception, at.exception
    _assert_literal(at, page)
    # The sidebar names the property on every page: it is there, escaped.
    assert _shows_the_name(at), page


def test_hostile_names_render_literally_where_a_booking_or_guest_is_opened(dash):
    _hostile_world(dash.engine)
    gm = dash.user("gm")
    at = dash.app(as_user=gm, page="reservations")
    at.session_state["res_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    _assert_literal(at, "booking opened")
    shown = "\n".join(_markdown_texts(at))
    assert "Cloudbeds said" in shown and "Session expired" in shown  # the rooms heading and the error
    at.radio(key="res_view").set_value("guests").run()
    at.session_state["guest_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    _assert_literal(at, "guest opened")
    assert sum("Session expired" in text for text in _markdown_texts(at)) >= 2  # sidebar + form heading


def test_hostile_text_in_errors_renders_literally(dash):
    """An error whose message quotes outside text, shown the way every page shows errors."""
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from pms.errors import SyncError
        from ui.errors import show_error

        show_error(SyncError("Cloudbeds refused reservation " + st.session_state["text"]), lambda k, **v: k)

    at = AppTest.from_function(page)
    at.session_state["text"] = PHISH
    at.run()
    assert not at.exception
    _assert_literal(at, "error")
    assert "Session expired" in at.error[0].value


def test_hostile_names_in_a_sync_preview_render_literally(dash):
    """A preview whose warnings quote guests' names (domain rule 6's refund warning, say)."""
    from pms.sync import SyncRequest
    from pms.sync.plan import SyncPlan

    _hostile_world(dash.engine)
    plan = SyncPlan(description="Incremental sync for " + PHISH, error="Cloudbeds said: " + PHISH)
    plan.add("warn", "reservations", "5200000001", f"{PHISH}: paid booking cancelled, refund by hand")
    at = dash.app(as_user=dash.user("gm"), page="sync")
    at.session_state["sync_plan"] = (SyncRequest(mode="incremental"), plan)
    at.session_state["sync_mode"] = "incremental"  # the form still shows what the plan was made for
    at.run()
    assert not at.exception
    _assert_literal(at, "sync preview")
    assert sum("refund by hand" in text for text in _markdown_texts(at)) == 1
