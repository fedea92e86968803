"""Room mapping: ADF room types ⇄ Cloudbeds room types, with suggestions, checks and a catalogue refresh;
with ADF's front desk in the database, its own room types, rooms and booking sources."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from pms.adf.mapping import load_view
from pms.sync import load_mapping_inputs, suggest_mappings, validate_mappings
from ui import frontdesk_mapping, mapping_edit
from ui.context import open_page
from ui.widgets import plain

ctx = open_page("room_mapping", "mapping.title")
t = ctx.t
if ctx.pid is None:
    st.info(t("overview.no_property"), icon="ℹ️")
    st.stop()
editable = ctx.can("room_mapping.edit")
st.caption(t("mapping.help"))

with ctx.errors():
    inputs = ctx.q(load_mapping_inputs, ctx.pid)
    types = {r["room_type_id"]: r["name"] or r["room_type_id"] for r in inputs.cloudbed_types}
    if editable and st.button(t("mapping.refresh"), key="refresh_catalog", help=t("mapping.refresh_help")):
        mapping_edit.refresh_catalogue(ctx)
    if not types:
        st.info(t("mapping.no_types"), icon="ℹ️")
        st.stop()
    front_desk = ctx.q(load_view, ctx.pid)
    adf = front_desk.catalog.found  # with ADF's front desk, its own room types are the rows, not free text
    if adf:
        st.caption(t("mapping.adf_catalogue"))
        inputs = replace(inputs, adf_types=front_desk.catalog.type_names)
    labels = mapping_edit.type_labels(types)
    suggestions = suggest_mappings(inputs.adf_types, inputs.cloudbed_types, inputs.mappings, per_type=1)
    for issue in validate_mappings(inputs.mappings, inputs.cloudbed_types, inputs.reservation_counts):
        st.warning(plain(issue.message), icon="⚠️")
    grid = mapping_edit.grid(inputs, labels, suggestions, t)
    if grid.empty:
        st.info(t("mapping.no_adf_types"), icon="ℹ️")
        if editable and st.button(t("mapping.start_from_cloudbeds"), key="start_from_cloudbeds"):
            mapping_edit.start_from_cloudbeds(ctx, inputs)
    with st.form("mapping_form"):
        edited = st.data_editor(
            grid,
            key="mapping_editor",
            hide_index=True,
            num_rows="dynamic" if editable and not adf else "fixed",
            disabled=not editable,
            width="stretch",
            column_config={
                "adf_room_type": st.column_config.TextColumn(
                    t("mapping.adf_type"), required=True, max_chars=100, disabled=adf
                ),
                "cloudbeds": st.column_config.SelectboxColumn(
                    t("mapping.cloudbeds_type"), options=list(labels.values())
                ),
                "suggestion": st.column_config.TextColumn(t("mapping.suggestion"), disabled=True),
                "booked": st.column_config.NumberColumn(t("mapping.booked"), disabled=True),
                "notes": st.column_config.TextColumn(t("mapping.notes"), max_chars=255),
            },
        )
        c = st.columns(2)
        save = c[0].form_submit_button(t("mapping.save"), type="primary", disabled=not editable)
        accept = c[1].form_submit_button(
            t("mapping.accept_suggestions"), disabled=not editable or not suggestions
        )
    if save or accept:
        mapping_edit.save(ctx, grid, edited, labels, suggestions if accept else [])

if adf:
    with ctx.errors():
        frontdesk_mapping.render(ctx, front_desk, editable)

with ctx.errors():
    unmapped = {
        k: n
        for k, n in inputs.reservation_counts.items()
        if k not in {m["cloudbed_room_type_id"] for m in inputs.mappings if m.get("is_active")}
    }
    if unmapped:
        st.subheader(t("mapping.unmapped_title"))
        st.dataframe(
            pd.DataFrame([{"type": types.get(k, k), "rooms": n} for k, n in unmapped.items()]),
            hide_index=True,
            key="unmapped_table",
            column_config={"type": t("mapping.cloudbeds_type"), "rooms": t("mapping.booked")},
        )
