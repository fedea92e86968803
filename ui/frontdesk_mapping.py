"""The Room mapping page when the database holds ADF's front desk: rooms and booking sources.

The room types grid above keeps its shape, with ADF's own ``room_types.type_name`` as its rows.
Here: each Cloudbeds room with a select box of ADF's ``rooms.room_number``, each Cloudbeds source
with the ``booking_source`` values ADF accepts (and ``ota_source_detail`` where the column exists),
the suggestion beside it, conflicts above. Editors and their Save button sit in one form, so an edit
is never lost to the grid's debounce; only rows that changed are saved, each checked against ADF's
catalogue again by ``pms.adf.mapping.set_mapping``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.context import PageContext
from ui.widgets import plain

__all__ = ["render"]

_KIND = {"room_type": "room-type", "room": "room", "source": "source"}


def _suggested(view) -> dict[tuple[str, str], str]:
    out = {}
    for s in view.suggestions:
        text = s.adf_value or "–"
        if s.adf_detail:
            text += f" ({s.adf_detail})"
        if s.conflict:
            text += " ⚠"
        out[(_KIND[s.kind], s.cloudbed_id)] = text
    return out


def _frames(view) -> dict[str, pd.DataFrame]:
    hint = _suggested(view)
    rooms = pd.DataFrame(
        [
            {
                "cloudbed_id": r["cloudbed_id"],
                "cloudbed": r["cloudbed_name"] or r["cloudbed_id"],
                "room_type": r["room_type"] or "",
                "adf_value": r["adf_value"],
                "suggestion": hint.get(("room", r["cloudbed_id"]), ""),
            }
            for r in view.rooms
        ],
        columns=["cloudbed_id", "cloudbed", "room_type", "adf_value", "suggestion"],
    )
    sources = pd.DataFrame(
        [
            {
                "cloudbed_id": r["cloudbed_id"],
                "cloudbed": r["cloudbed_name"] or r["cloudbed_id"],
                "collect": r["collect"] or "",
                "adf_value": r["adf_value"],
                "adf_detail": r["adf_detail"],
                "suggestion": hint.get(("source", r["cloudbed_id"]), ""),
            }
            for r in view.sources
        ],
        columns=["cloudbed_id", "cloudbed", "collect", "adf_value", "adf_detail", "suggestion"],
    )
    return {"room": rooms, "source": sources}


def _changes(
    kind: str, before: pd.DataFrame, after: pd.DataFrame
) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, Cloudbeds id, ADF value or None, detail) for every row whose ADF side changed."""
    out = []
    for old, new in zip(before.itertuples(), after.itertuples(), strict=True):
        value = new.adf_value if isinstance(new.adf_value, str) and new.adf_value.strip() else None
        detail = getattr(new, "adf_detail", None)
        detail = detail if isinstance(detail, str) and detail.strip() else None
        if (value, detail) != (old.adf_value or None, getattr(old, "adf_detail", None) or None):
            out.append((kind, old.cloudbed_id, value, detail))
    return out


def render(ctx: PageContext, view, editable: bool) -> None:
    """The rooms and sources grids, the conflicts, and Save / Accept suggestions."""
    from pms.adf.mapping import accept_suggestions, set_mapping

    t, catalog = ctx.t, view.catalog
    for issue in [i for i in view.issues if not i.startswith("room type ")]:
        st.warning(plain(t("mapping.conflict", text=issue)), icon="⚠️")
    frames = _frames(view)
    select = st.column_config.SelectboxColumn
    text = st.column_config.TextColumn
    common = {
        "cloudbed_id": None,
        "cloudbed": text(t("mapping.col.cloudbeds"), disabled=True),
        "suggestion": text(t("mapping.col.suggestion"), disabled=True),
    }
    source_col = (
        select(t("mapping.col.adf_source"), options=list(catalog.sources))
        if catalog.sources_fixed
        else (text(t("mapping.col.adf_source"), max_chars=30))
    )
    configs = {
        "room": {
            **common,
            "room_type": text(t("mapping.col.room_type"), disabled=True),
            "adf_value": select(t("mapping.col.adf_room"), options=catalog.room_numbers),
        },
        "source": {
            **common,
            "collect": text(t("mapping.col.collect"), disabled=True),
            "adf_value": source_col,
            "adf_detail": select(t("mapping.col.adf_detail"), options=list(catalog.source_details))
            if catalog.has_detail
            else None,
        },
    }
    titles = {"room": "mapping.rooms_title", "source": "mapping.sources_title"}
    edited: dict[str, pd.DataFrame] = {}
    with st.form("adf_mapping_form"):
        for kind, frame in frames.items():
            st.subheader(t(titles[kind]))
            edited[kind] = st.data_editor(
                frame,
                key=f"adf_{kind.replace('-', '_')}_editor",
                hide_index=True,
                num_rows="fixed",
                disabled=not editable,
                width="stretch",
                placeholder="–",  # an unmapped cell reads "–", not "None"
                column_config=configs[kind],
            )
        c = st.columns(2)
        save = c[0].form_submit_button(t("mapping.save_rooms_sources"), type="primary", disabled=not editable)
        accept = c[1].form_submit_button(
            t("mapping.accept_all"), disabled=not editable or not view.suggestions
        )
    if accept:
        ctx.require("room_mapping.edit")
        with ctx.errors():
            n = accept_suggestions(ctx.engine, ctx.pid)
            ctx.wrote()
            ctx.flash(t("mapping.accepted", n=n))
    if save:
        ctx.require("room_mapping.edit")
        changes = [c for kind, frame in frames.items() for c in _changes(kind, frame, edited[kind])]
        with ctx.errors():
            for kind, cloudbed_id, value, detail in changes:
                set_mapping(ctx.engine, ctx.pid, kind, cloudbed_id, value, detail, catalog=catalog)
            ctx.wrote()
            ctx.flash(t("mapping.saved", n=len(changes)))
