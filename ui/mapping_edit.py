"""The Room mapping page's grid: built from the mapping rows, and turned back into saves.

The grid shows Cloudbeds room types by name (a select box), so the translation between labels and
ids lives here, along with the diff between the grid before and after editing: only rows that
changed are saved, a deleted or renamed ADF type is unmapped (kept, marked inactive), and
"accept suggestions" fills the empty rows with the best suggestion before saving.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.actions import client_for, sync_context
from ui.context import PageContext
from ui.widgets import plain

__all__ = ["grid", "refresh_catalogue", "save", "start_from_cloudbeds", "type_labels"]


def type_labels(types: dict[str, str]) -> dict[str, str]:
    """Cloudbeds type id → the label shown; names that two types share get their id appended."""
    names = list(types.values())
    return {tid: (name if names.count(name) == 1 else f"{name} ({tid})") for tid, name in types.items()}


def grid(inputs, labels: dict[str, str], suggestions, t) -> pd.DataFrame:
    best = {s.adf_room_type: s for s in suggestions}
    rows = []
    mapped = {m["adf_room_type"]: m for m in inputs.mappings}
    for adf in inputs.adf_types:
        m = mapped.get(adf) or {}
        tid = m.get("cloudbed_room_type_id") if m.get("is_active", True) else None
        s = best.get(adf)
        rows.append(
            {
                "adf_room_type": adf,
                "cloudbeds": labels.get(tid) if tid else None,
                "suggestion": t(
                    "mapping.suggested",
                    name=labels.get(s.cloudbed_room_type_id, "?"),
                    score=t.percent(s.score),
                )
                if s and not tid
                else "",
                "booked": inputs.reservation_counts.get(tid, 0) if tid else 0,
                "notes": m.get("notes") or "",
            }
        )
    return pd.DataFrame(rows, columns=["adf_room_type", "cloudbeds", "suggestion", "booked", "notes"])


def _changes(
    before: pd.DataFrame, after: pd.DataFrame, ids: dict[str, str]
) -> dict[str, tuple[str | None, str]]:
    """ADF type → (Cloudbeds type id or None to unmap, notes) for every row that changed."""
    old = {r.adf_room_type: (ids.get(r.cloudbeds), r.notes or "") for r in before.itertuples()}
    new: dict[str, tuple[str | None, str]] = {}
    for r in after.itertuples():
        name = " ".join(str(r.adf_room_type or "").split())
        if name:
            notes = "" if r.notes is None or r.notes != r.notes else str(r.notes)
            cloudbeds = r.cloudbeds if isinstance(r.cloudbeds, str) else None
            new[name] = (ids.get(cloudbeds), notes)
    changes = {name: value for name, value in new.items() if old.get(name) != value}
    for name in old.keys() - new.keys():
        changes[name] = (None, old[name][1])  # deleted or renamed: unmapped, history kept
    return changes


def save(
    ctx: PageContext, before: pd.DataFrame, after: pd.DataFrame, labels: dict[str, str], suggestions
) -> None:
    ctx.require("room_mapping.edit")
    from pms.sync import save_mapping

    ids = {label: tid for tid, label in labels.items()}
    if suggestions:
        best = {s.adf_room_type: labels.get(s.cloudbed_room_type_id) for s in suggestions}
        after = after.copy()
        after["cloudbeds"] = [
            c if isinstance(c, str) and c else best.get(a)
            for a, c in zip(after["adf_room_type"], after["cloudbeds"], strict=True)
        ]
    changes = _changes(before, after, ids)
    with ctx.errors():
        for adf, (type_id, notes) in sorted(changes.items()):
            save_mapping(ctx.engine, ctx.pid, adf, type_id, notes=notes or None)
        ctx.wrote()
        ctx.confirm(ctx.t("mapping.saved", n=len(changes)))


def start_from_cloudbeds(ctx: PageContext, inputs) -> None:
    """One ADF type per Cloudbeds type, named like it: a starting point the hotel then renames."""
    ctx.require("room_mapping.edit")
    from pms.sync import save_mapping

    with ctx.errors():
        for row in inputs.cloudbed_types:
            save_mapping(
                ctx.engine,
                ctx.pid,
                row.get("short_name") or row["name"] or row["room_type_id"],
                row["room_type_id"],
            )
        ctx.wrote()
        ctx.confirm(ctx.t("mapping.saved", n=len(inputs.cloudbed_types)))


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
