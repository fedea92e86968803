"""What the dashboard sends to the browser: no secret on any page, no page without a login.

The real ``dashboard.py`` runs under Streamlit's AppTest on a database that holds every kind of
secret (API key, client secret, OAuth access and refresh tokens, SMTP password, webhook token).
Every page is opened as a manager, and every element the run produced — the protobuf messages
Streamlit would send to the browser — is searched for each secret. Then each page is asked for
without a login and as staff: no page content, only the login form or the refusal.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pms.cloudbeds.tokens import TokenSet
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.settings import Settings
from pms.db.setup import setup_database
from pms.db.types import utcnow

AREA = "secrets"
ACCESS = "access (dashboard)"
SECRETS = {
    "API key": "cbat_test_key_0123456789abcdef",  # what tests.dashboard's synced_world stores
    "client secret": "cs_live_8f7e6d5c4b3a29180716253443",
    "access token": "at_5f4e3d2c1b0a99887766554433221100",
    "refresh token": "rt_00112233445566778899aabbccddeeff",
    "SMTP password": "Sm7p-Pa55word-Secret!x",
    "webhook token": "whk_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
}


@pytest.fixture
def dash(tmp_path, monkeypatch):
    from tests.dashboard.conftest import Dash, synced_world

    url = f"sqlite:///{tmp_path / 'dash.sqlite3'}"
    monkeypatch.setenv("PMS_DATABASE_URL", url)
    monkeypatch.setenv("PMS_DEMO_RESERVATIONS", "60")
    engine = make_engine(url)
    assert setup_database(engine).ok
    synced_world(engine)
    store = CredentialStore(engine)
    store.save_tokens(
        TokenSet(SECRETS["access token"], SECRETS["refresh token"], utcnow() + timedelta(hours=1))
    )
    Settings(engine).set_many(
        {
            "cloudbed_client_secret": SECRETS["client secret"],
            "smtp_password": SECRETS["SMTP password"],
            "cloudbed_webhook_token": SECRETS["webhook token"],
        }
    )
    yield Dash(url, engine)
    engine.dispose()


def _sent(at) -> bytes:
    """Every element of the run as the bytes Streamlit would send (plus a readable rendering)."""
    out: list[bytes] = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            out.append(proto.SerializeToString())
            out.append(str(proto).encode())
        children = getattr(node, "children", None) or {}
        for child in children.values() if isinstance(children, dict) else children:
            walk(child)

    walk(at._tree)
    return b"\n".join(out)


def test_no_secret_on_any_page_a_manager_opens(dash, tally):
    from tests.dashboard.conftest import PAGES

    gm = dash.user("gm", role="manager")
    found, scanned = [], 0
    for page in PAGES:
        at = dash.app(as_user=gm, page=page)
        assert not at.exception, (page, at.exception)
        sent = _sent(at)
        assert len(sent) > 200, f"{page} rendered nothing to scan"
        scanned += 1
        found += [f"{label} on {page}" for label, value in SECRETS.items() if value.encode() in sent]
    # control: the scan does see what the page shows (the stored key's hint)
    at = dash.app(as_user=gm, page="connection")
    assert b"cdef" in _sent(at)
    tally.add(AREA, places_scanned=scanned, secrets_found=len(found))
    assert found == []


def test_no_page_without_a_login_and_no_manager_page_for_staff(dash, tally):
    from tests.dashboard.conftest import PAGES, STAFF_PAGES

    dash.user("gm", role="manager")
    staff = dash.user("budi", role="staff")
    tried = 0
    for page, path in PAGES.items():
        at = dash.app()
        assert at.title[0].value == "Log in"
        try:
            at.switch_page(path).run()
        except ValueError:
            pass  # not even in the navigation
        else:
            assert at.title[0].value == "Log in" and not at.dataframe, page
        tried += 1
        if page not in STAFF_PAGES:
            at = dash.app(as_user=staff)
            with pytest.raises(ValueError):
                at.switch_page(path)
            tried += 1
    tally.add(ACCESS, bad_inputs=tried, runs=tried)
