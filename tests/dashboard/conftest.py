"""AppTest fixtures: the real dashboard script on a real database, logged in as a real account.

The dashboard reads its database from ``PMS_DATABASE_URL``, so each test gets its own SQLite file
(and therefore its own cached engine and query cache entries, which are keyed by URL). Logging
in through the form costs a scrypt hash; most tests log in by opening a session for the account
and putting its id in the Streamlit session, exactly what the login form does after checking the
password.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from pms import accounts
from pms.config import PROJECT_ROOT
from pms.db.engine import make_engine
from pms.db.setup import setup_database

DASHBOARD = str(PROJECT_ROOT / "dashboard.py")
PASSWORD = "a long enough passphrase"
PAGES = {
    "overview": "app_pages/overview.py",
    "frontdesk": "app_pages/frontdesk.py",
    "reservations": "app_pages/reservations.py",
    "rates": "app_pages/rates.py",
    "sync": "app_pages/sync.py",
    "room_mapping": "app_pages/room_mapping.py",
    "monitoring": "app_pages/monitoring.py",
    "connection": "app_pages/connection.py",
    "setup": "app_pages/setup.py",
    "settings": "app_pages/settings.py",
}
STAFF_PAGES = ("overview", "frontdesk", "reservations", "rates", "room_mapping")


@dataclass
class Dash:
    """A database for the dashboard, and a way to open it as somebody."""

    url: str
    engine: object

    def user(self, name: str = "gm", role: str = "manager", language: str = "en") -> accounts.User:
        return accounts.get_user(self.engine, name) or accounts.create_user(
            self.engine, name, PASSWORD, role=role, language=language
        )

    def app(
        self, as_user: accounts.User | None = None, page: str | None = None, lang: str | None = None
    ) -> AppTest:
        at = AppTest.from_file(DASHBOARD, default_timeout=60)
        if as_user is not None:
            at.session_state["pms_session_id"] = login_session(self.engine, as_user)
            at.session_state["pms_lang"] = lang or as_user.language
        elif lang:
            at.session_state["pms_lang"] = lang
        at.run()
        if page is not None:
            at.switch_page(PAGES[page]).run()
        return at


def login_session(engine, user: accounts.User) -> str:
    """A session for ``user``, as a successful login opens it; its id."""
    from pms.accounts import sessions

    return sessions.open_session(engine, user).id


@pytest.fixture
def dash(tmp_path, monkeypatch):
    """An installed, empty database the dashboard runs on (demo mode: no credentials stored)."""
    url = f"sqlite:///{tmp_path / 'dash.sqlite3'}"
    monkeypatch.setenv("PMS_DATABASE_URL", url)
    monkeypatch.setenv("PMS_DEMO_RESERVATIONS", os.environ.get("PMS_DEMO_RESERVATIONS", "60"))
    engine = make_engine(url)
    setup_database(engine)
    yield Dash(url, engine)
    engine.dispose()


def frame_with(at: AppTest, column: str):
    """The value of the first table that has ``column`` (plain tables have no key in AppTest)."""
    for el in at.dataframe:
        if column in el.value.columns:
            return el.value
    raise AssertionError(f"no table with a {column!r} column")


def shown(markdown: str) -> str:
    """What a person reads of a Markdown source: outside text is escaped (``ui.widgets.plain``)."""
    import re

    return re.sub(r"\\(.)", r"\1", str(markdown))


def texts(at: AppTest) -> str:
    """Every visible text of a run (as a person reads it), to search for a message."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "metric",
        "text",
        "toast",
    ):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "label", "") or ""))
            parts.append(str(getattr(el, "value", "") or ""))
    return shown("\n".join(parts))


def synced_world(engine, property_id: str = "254042") -> None:
    """A database as a sync leaves it, for pages that only read: catalogue, bookings, logs, rates.

    Real credentials are stored (pointing at a closed port; rendering never calls Cloudbeds), so
    the dashboard is out of demo mode and shows this property.
    """
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    import sqlalchemy as sa

    from pms.db import schema
    from pms.db.credentials import CredentialStore
    from pms.i18n import local_now
    from tests.reporting import builders as b

    CredentialStore(engine).save_api_key(
        "cbat_test_key_0123456789abcdef", property_id=property_id, api_base="http://127.0.0.1:9/api/v1.3"
    )
    local = local_now("Asia/Jakarta")
    today = local.date()
    # The log rows are recent (a minute ago: the health score reads them against the real clock,
    # so a fixed hour went stale by the afternoon) and all of today (spread over the day so far).
    now = datetime.now(UTC) - timedelta(minutes=1)
    so_far = local - local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(minutes=1)
    run_step = min(timedelta(hours=5), max(so_far, timedelta(0)) / 6)
    call_step = min(timedelta(minutes=1), max(so_far, timedelta(0)) / 7)
    with engine.begin() as conn:
        b.catalogue(conn, property_id, demo=False)
        for i in range(40):
            b.reservation(
                conn,
                today + timedelta(days=i - 10),
                1 + i % 4,
                pid=property_id,
                status=("confirmed", "checked_in", "canceled", "checked_out")[i % 4]
                if i < 10
                else "confirmed",
                source=("Walk-In", "Booking.com")[i % 2],
                collect=("hotel", "channel")[i % 2],
                guest_name=f"Tamu {i} Wijaya",
                sync_status="error" if i == 3 else "synced",
            )
        conn.execute(
            sa.insert(schema.guest),
            [
                {
                    "property_id": property_id,
                    "cloudbed_guest_id": f"g{i}",
                    "first_name": f"Tamu {i}",
                    "last_name": "Wijaya",
                    "email": f"tamu{i}@example.id",
                    "country": "ID",
                    "sync_status": "synced",
                }
                for i in range(5)
            ],
        )
        for h in range(6):
            b.sync_run(
                conn,
                now - h * run_step,
                pid=property_id,
                failed=1 if h == 2 else 0,
                status="partial" if h == 2 else "completed",
            )
            b.api_call(conn, now - h * call_step, pid=property_id, status=500 if h == 1 else 200)
        conn.execute(
            sa.insert(schema.cloudbed_rate_sync),
            [
                {
                    "property_id": property_id,
                    "rate_id": f"rate-{rt}",
                    "room_type_id": rt,
                    "rate_plan_name": "Standard Rate",
                    "rate_date": today + timedelta(days=d),
                    "cloudbed_rate": Decimal(850000 + 100000 * k),
                    "is_derived": False,
                    "status": "synced",
                    "direction": "from_cloudbed",
                }
                for k, rt in enumerate(("rt-1", "rt-2"))
                for d in range(20)
            ],
        )
        conn.execute(
            sa.insert(schema.cloudbed_availability),
            [
                {
                    "property_id": property_id,
                    "room_type_id": rt,
                    "stay_date": today + timedelta(days=d),
                    "rooms_available": 3,
                    "rooms_total": 5,
                }
                for rt in ("rt-1", "rt-2")
                for d in range(20)
            ],
        )
        conn.execute(
            sa.insert(schema.cloudbed_alerts).values(
                property_id=property_id,
                alert_key="sync_failed",
                message="The last sync failed: timeout",
                status="active",
            )
        )
