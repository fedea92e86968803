"""The Room mapping page's grid: built from the stored rows, and saved back exactly as shown.

The grid shows Cloudbeds room types by name (a select box, with "not linked" for none), so the
translation between labels and ids lives here. Saving hands the whole grid to
``pms.sync.mapping_grid.replace_mappings``: renames, deletes and adds in one transaction, checked
first (duplicates, empty codes, two ADF types on one Cloudbeds type, a type ADF does not have), the
problems shown and nothing stored. "Start from the Cloudbeds room types" only fills the grid (a
draft kept in the session); it is stored when the user presses Save.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pms.sync.mapping_grid import GridRow, MappingGridError, clean_name, replace_mappings
from ui.actions import client_for, sync_context
from ui.context import PageContext
from ui.widgets import plain

__all__ = [
    "DRAFT_KEY",
    "EDITOR_KEY",
    "discard_draft",
    "grid",
    "grid_rows",
    "refresh_catalogue",
    "save",
    "start_from_cloudbeds",
    "type_labels",
]

DRAFT_KEY = "mapping_draft"
EDITOR_KEY = "mapping_editor"
COLUMNS = ["adf_room_type", "cloudbeds", "suggestion", "booked", "notes"]


def type_labels(types: dict[str, str]) -> dict[str, str]:
    """Cloudbeds type id → the label shown; names that two types share get their id appended."""
    names = list(types.values())
    return {tid: (name if names.count(name) == 1 else f"{name} ({tid})") for tid, name in types.items()}


def _stored_rows(inputs, catalogue: list[str] | None) -> list[dict]:
    """The rows as stored: every mapping row; with ADF's catalogue, its types first (linked or not)."""
    mapped = {m["adf_room_type"]: m for m in inputs.mappings}
    names = list(catalogue or []) + sorted(n for n in mapped if n not in set(catalogue or []))
    rows = []
    for name in names:
        m = mapped.get(name) or {}
        tid = m.get("cloudbed_room_type_id") if m.get("is_active", True) else None
        rows.append({"adf_room_type": name, "cloudbed_room_type_id": tid, "notes": m.get("notes") or ""})
    return rows


def grid(inputs, labels: dict[str, str], suggestions, t, catalogue: list[str] | None = None) -> pd.DataFrame:
    """The grid's rows: the draft from "start from" when there is one, else what is stored."""
    unlinked = t("mapping.not_linked")
    best = {s.adf_room_type: s for s in suggestions}
    source = st.session_state.get(DRAFT_KEY) or _stored_rows(inputs, catalogue)
    rows = []
    for r in source:
        tid = r["cloudbed_room_type_id"]
        s = best.get(r["adf_room_type"])
        rows.append(
            {
                "adf_room_type": r["adf_room_type"],
                "cloudbeds": labels.get(tid, tid) if tid else unlinked,
                "suggestion": t(
                    "mapping.suggested",
                    name=labels.get(s.cloudbed_room_type_id, "?"),
                    score=t.percent(s.score),
                )
                if s and not tid
                else "",
                "booked": inputs.reservation_counts.get(tid, 0) if tid else 0,
                "notes": r["notes"] or "",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def grid_rows(edited: pd.DataFrame, labels: dict[str, str], unlinked: str, fill=None) -> list[GridRow]:
    """The edited grid as rows to store; ``fill`` (ADF type → label) fills rows not linked yet."""
    ids = {label: tid for tid, label in labels.items()}
    out = []
    for r in edited.itertuples():
        name = clean_name(r.adf_room_type)
        label = r.cloudbeds if isinstance(r.cloudbeds, str) and r.cloudbeds.strip() else None
        if label in (None, unlinked) and fill:
            label = fill.get(name)
        tid = None if label in (None, unlinked) else ids.get(label, label)  # unknown: refused by the check
        notes = "" if r.notes is None or r.notes != r.notes else str(r.notes).strip()
        out.append(GridRow(name, tid, notes))
    return out


def save(
    ctx: PageContext,
    edited: pd.DataFrame,
    labels: dict[str, str],
    suggestions,
    catalogue: list[str] | None = None,
) -> None:
    """Store the grid as shown (with ``suggestions``: empty rows take the best one first)."""
    ctx.require("room_mapping.edit")
    fill = (
        {s.adf_room_type: labels.get(s.cloudbed_room_type_id) for s in suggestions} if suggestions else None
    )
    rows = grid_rows(edited, labels, ctx.t("mapping.not_linked"), fill)
    with ctx.errors():
        try:
            n = replace_mappings(ctx.engine, ctx.pid, rows, adf_catalogue=catalogue)
        except MappingGridError as exc:  # nothing was stored: say why, the grid keeps the edits
            show_problems(ctx, exc)
            return
        st.session_state.pop(DRAFT_KEY, None)
        st.session_state.pop(EDITOR_KEY, None)
        ctx.wrote()
        ctx.confirm(ctx.t("mapping.saved", n=n))


def show_problems(ctx: PageContext, exc: MappingGridError) -> None:
    st.error(ctx.t("mapping.not_saved"), icon="⛔")
    for p in exc.problems:
        st.error(plain(ctx.t(p.key, **p.params)), icon="⚠️")


def start_from_cloudbeds(ctx: PageContext, inputs) -> None:
    """One row per Cloudbeds type, named like it: a draft in the grid the hotel renames, then saves."""
    ctx.require("room_mapping.edit")
    st.session_state[DRAFT_KEY] = [
        {
            "adf_room_type": clean_name(row.get("short_name") or row["name"] or row["room_type_id"])[:100],
            "cloudbed_room_type_id": row["room_type_id"],
            "notes": "",
        }
        for row in inputs.cloudbed_types
    ]
    st.session_state.pop(EDITOR_KEY, None)  # the grid starts from the draft, not from old edits
    st.rerun()


def discard_draft() -> None:
    """Back to the stored rows (nothing was stored from the draft)."""
    st.session_state.pop(DRAFT_KEY, None)
    st.session_state.pop(EDITOR_KEY, None)
    st.rerun()


def refresh_catalogue(ctx: PageContext) -> None:
    ctx.require("room_mapping.edit")
    from pms.sync import refresh_catalog

    with ctx.errors(), st.spinner(ctx.t("mapping.refreshing")):
        with client_for(ctx) as client:
            result = refresh_catalog(sync_context(ctx, client))
        ctx.wrote()
        if result.status == "failed":
            st.error(plain(result.error) if result.error else ctx.t("mapping.refresh_failed"), icon="⚠️")
        else:
            ctx.flash(ctx.t("mapping.refreshed"))
