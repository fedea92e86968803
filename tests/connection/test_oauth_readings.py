"""OAuth whichever way Cloudbeds treats a used refresh token, and the API-key delivery grant.

``refresh_tokens`` reading: ``rotate`` (a refresh returns a new refresh token and the used one is
refused from then on) or ``reuse``. Several processes (the dashboard, a worker, the CLI) share one
credential in the database; when its access token is due they must renew it once, the others
reading the result, or under ``rotate`` all but one would be locked out. Real processes, a real
sandbox, SQLite and MariaDB.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from pms.cloudbeds import OAuthApp, exchange_code
from pms.config import PROJECT_ROOT
from pms.connection.oauth import complete_connect, start_connect
from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from pms.db.types import utcnow

REDIRECT = "https://pms.example/oauth/cloudbeds/callback"

# One process of the installation: it builds its client from the stored credentials, says it is
# ready, and makes one call as soon as the go-file appears (all processes at once), when the stored
# access token is due for renewal.
WORKER = textwrap.dedent(
    """
    import os, sys, time
    from pms.connection import build_client
    from pms.db.engine import make_engine

    engine = make_engine(sys.argv[1])
    client = build_client(engine, on_call=None, rate_limit=1000.0)
    print("ready", flush=True)
    while not os.path.exists(sys.argv[2]):
        time.sleep(0.001)
    print(len(client.get_sources()), flush=True)
    """
)


def _code(box, redirect: str = REDIRECT) -> str:
    resp = requests.get(
        f"{box.base_url}/oauth",
        params={"client_id": box.client_id, "redirect_uri": redirect, "response_type": "code", "state": "s"},
        allow_redirects=False,
        timeout=10,
    )
    return parse_qs(urlsplit(resp.headers["Location"]).query)["code"][0]


def _refreshes(box) -> int:
    return requests.get(f"{box.root_url}/_sandbox/state", timeout=10).json()["auth"]["refreshes"]


@pytest.mark.parametrize("reading", ["rotate", "reuse"])
def test_processes_sharing_a_credential_renew_it_once(db, db_url, sandbox_factory, reading, tmp_path):
    box = sandbox_factory(rate_limit=None, reservations=10, readings={"refresh_tokens": reading})
    store = CredentialStore(db)
    store.save_oauth_app(box.client_id, box.client_secret, property_id=box.property_id, api_base=box.base_url)
    app = OAuthApp(box.client_id, box.client_secret, redirect_uri=REDIRECT)
    tokens = exchange_code(box.base_url, app, _code(box))
    # Due for renewal (it expires within the client's five-minute margin), but still valid.
    store.save_tokens(type(tokens)(**{**tokens.__dict__, "expires_at": utcnow() + timedelta(seconds=90)}))
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db_url, str(go)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    try:
        for proc in procs:  # every process is past its imports and holds its client
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-800:]
        go.touch()
        outcomes = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            outcomes.append((proc.returncode, out.strip(), err[-800:]))
    finally:
        for proc in procs:
            if proc.poll() is None:  # pragma: no cover - never leave a process behind
                proc.kill()
    assert all(code == 0 and out.isdigit() for code, out, _ in outcomes), outcomes
    assert _refreshes(box) == 1  # one renewal; the other processes read what it stored
    renewed = store.load_tokens()
    assert renewed.access_token != tokens.access_token
    assert (renewed.refresh_token != tokens.refresh_token) == (reading == "rotate")


def test_the_oauth_callback_can_finish_with_the_api_key_grant(db, sandbox_factory):
    box = sandbox_factory(rate_limit=None, reservations=10)
    CredentialStore(db).save_oauth_app(box.client_id, box.client_secret, api_base=box.base_url)
    Settings(db).set("cloudbed_oauth_grant", "api_key")
    link = start_connect(db, public_url="https://pms.example", return_to="/connection")
    consent = requests.get(link, allow_redirects=False, timeout=10)
    query = parse_qs(urlsplit(consent.headers["Location"]).query)
    outcome = complete_connect(db, state=query["state"][0], code=query["code"][0])
    assert outcome.ok and outcome.property_id == box.property_id, outcome.message
    creds = CredentialStore(db).load()
    assert creds.auth_method == "api_key" and creds.api_key.startswith("cbat_")
    assert creds.property_id == box.property_id and creds.api_base == box.base_url
    answer = requests.get(f"{box.base_url}/getHotels", headers={"x-api-key": creds.api_key}, timeout=10)
    assert answer.json()["success"] is True
    with db.connect() as conn:  # stored encrypted, like every credential
        raw = " ".join(str(v) for (v,) in conn.exec_driver_sql("SELECT setting_value FROM settings"))
    assert creds.api_key not in raw
    with pytest.raises(Exception, match="grant"):
        start_connect(db, public_url="https://pms.example", grant="password")
