"""Rows the browser tests write straight into the e2e server's database, as the worker would.

The server runs in its own process on a SQLite file in the test's temporary folder; writing there
is how a test makes something happen "behind the page's back" (a sync run finishing, a failure)
and then watches the page show it without a click.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import make_engine
from pms.db.types import utcnow


def add_user(engine: sa.Engine, name: str, password: str, **kwargs) -> None:
    """An account made straight in the database, after making sure the shared manager exists.

    Once any account exists the server no longer offers the first-manager screen, which is where
    ``conftest.log_in`` creates its manager: a test that adds accounts first must add that one too,
    or every later ``log_in`` on this worker's server would meet "wrong user name or password"."""
    from pms import accounts
    from tests.e2e.conftest import MANAGER, PASSWORD

    if accounts.get_user(engine, MANAGER) is None:
        accounts.create_user(engine, MANAGER, PASSWORD, role="manager")
    if accounts.get_user(engine, name) is None:
        accounts.create_user(engine, name, password, **kwargs)


def engine_of(server) -> sa.Engine:
    return make_engine(f"sqlite:///{server.log.parent / 'e2e.sqlite3'}")


def property_id(engine: sa.Engine) -> str:
    """The demo property the worker synced (the one the pages show)."""
    log = schema.cloudbed_sync_log
    with engine.connect() as conn:
        return conn.execute(
            sa.select(log.c.property_id).where(log.c.property_id.is_not(None)).limit(1)
        ).scalar_one()


def add_runs(
    engine: sa.Engine, pid: str, runs: list[dict], spacing: timedelta = timedelta(minutes=20)
) -> None:
    """Finished sync runs, the last starting now; each dict may set status, successful, failed, api_calls."""
    now = utcnow()
    rows = []
    for i, run in enumerate(runs):
        started = now - spacing * (len(runs) - 1 - i)
        duration = int(run.get("duration_ms", 800 + 300 * i % 1500))
        rows.append(
            {
                "property_id": pid,
                "sync_type": "reservations,guests",
                "direction": "pull",
                "trigger": "auto",
                "mode": "incremental",
                "status": run.get("status", "completed"),
                "started_at": started,
                "finished_at": started + timedelta(milliseconds=duration),
                "duration_ms": duration,
                "processed": run.get("successful", 0) + run.get("failed", 0),
                "successful": run.get("successful", 0),
                "failed": run.get("failed", 0),
                "api_calls": run.get("api_calls", 2),
                "error_details": "test: Cloudbeds answered 503" if run.get("status") == "failed" else None,
            }
        )
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.cloudbed_sync_log), rows)
