"""Once per server process: which database, its tables, and the demo sandbox when it is needed.

The database address comes from ``PMS_DATABASE_URL``, then ``database_url`` in
``.streamlit/secrets.toml``, then the embedded default. ``st.secrets`` raises on a real server when
no secrets.toml exists at all, so it is read defensively. Set-up is idempotent and runs once per
process, so a newcomer's ``make run`` on an empty SQLite file just works; a database that cannot be
reached or set up becomes a clear message, never a traceback.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
import streamlit as st

from pms.config import database_url, database_url_from_env, demo_config
from pms.db.engine import make_engine
from pms.db.setup import SetupReport, setup_database

__all__ = ["db_url", "engine", "engine_for", "ensure_demo_if_needed", "ensure_setup"]

log = logging.getLogger(__name__)


def db_url() -> str:
    """The hotel database's URL (never shown unredacted)."""
    if database_url_from_env():
        return database_url()
    try:
        from_secrets = st.secrets.get("database_url")
    except Exception:  # no secrets.toml at all, or an unreadable one: use the default
        from_secrets = None
    return database_url(str(from_secrets) if from_secrets else None)


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> sa.Engine:
    """One engine (and pool) per database URL for the whole process."""
    return make_engine(url)


def engine() -> sa.Engine:
    return engine_for(db_url())


@st.cache_resource(show_spinner=False)
def _setup(url: str) -> SetupReport:
    report = setup_database(engine_for(url))
    for problem in report.problems:
        log.warning("database set-up: %s: %s", problem.name, problem.detail)
    return report


def ensure_setup() -> SetupReport:
    """Install or adopt the tables once per process (cached only when it worked)."""
    return _setup(db_url())


def ensure_demo_if_needed(eng: sa.Engine, has_credentials: bool) -> str | None:
    """Start the in-process demo sandbox when no credentials are stored; its property id, or None.

    ``pms.connection.demo.ensure_demo`` is a process-wide singleton, so the server's lifespan and this call
    share one sandbox.
    """
    if has_credentials:
        return None
    from pms.connection import demo
    from pms.db.settings import Settings

    info = demo.current() or demo.ensure_demo(**demo_config())
    settings = Settings(eng)
    if settings.get("pms_demo_property_id") != info.property_id:
        settings.set("pms_demo_property_id", info.property_id)
    _demo_front_desk(str(eng.url), info.property_id, eng)
    return info.property_id


@st.cache_resource(show_spinner=False)
def _demo_front_desk(url: str, property_id: str, _eng: sa.Engine) -> bool:
    """The demo's front desk, once per process, database and property (the server's start does the
    same)."""
    from pms.adf.demo import ensure_demo_front_desk

    return ensure_demo_front_desk(_eng, property_id)
