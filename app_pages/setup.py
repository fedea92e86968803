"""Setup: where the database is, and installing, adopting and verifying its tables."""

import pandas as pd
import streamlit as st

from pms.db.engine import redact_url
from pms.db.schema import SCHEMA_VERSION
from pms.db.setup import setup_database, verify_database
from ui.context import open_page
from ui.widgets import status_label

ctx = open_page("setup", "setup.title")
t = ctx.t

st.markdown(f"**{t('setup.database')}:** `{redact_url(ctx.engine.url)}`")
st.caption(t("setup.database_help"))


def show(report) -> None:
    rows = pd.DataFrame(
        [
            {"table": s.name, "status": status_label(t, "table_status", s.status), "detail": s.detail}
            for s in report.tables
        ]
    )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="setup_tables",
        column_config={"table": t("setup.table"), "status": t("setup.status"), "detail": t("setup.detail")},
    )
    st.caption(t("setup.version", version=report.schema_version, revision=report.revision or "–"))
    if report.ok:
        st.success(t("setup.all_ok"), icon="✅")
    else:
        st.error(t("setup.problems", n=len(report.problems)), icon="⚠️")


cols = st.columns(2)
install = cols[0].button(
    t("setup.install"), type="primary", key="setup_install", help=t("setup.install_help")
)
verify = cols[1].button(t("setup.verify"), key="setup_verify", help=t("setup.verify_help"))

with ctx.errors():
    if install:
        report = setup_database(ctx.engine)
        ctx.wrote()
        st.session_state["setup_report"] = report
    elif verify or "setup_report" not in st.session_state:
        st.session_state["setup_report"] = verify_database(ctx.engine)
    show(st.session_state["setup_report"])
st.caption(t("setup.schema", version=SCHEMA_VERSION))
with ctx.errors():  # how the hotel's ADF tables differ: column names, for whoever maintains the link
    from pms.adf import front_desk_status

    notes = ctx.q(front_desk_status).notes
    if notes:
        with st.expander(t("frontdesk.variant_title")):
            st.code("\n".join(notes), language=None)
