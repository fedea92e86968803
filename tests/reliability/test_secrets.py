"""After real runs, no secret is anywhere in plaintext: database, API log, logs, errors, reprs.

One scenario per backend does what an installation does: setup, OAuth app stored (client secret
from stdin), tokens from a real consent and code exchange, a full sync, tokens expired and renewed
by the client mid-run, an API key stored and used, a key revoked mid-sync, a wrong key tried, SMTP
password and webhook token saved. Every command runs with ``-vv`` (debug logging). Then every
secret that passed through — API keys, client secret, every access and refresh token, passwords —
is searched for, whole and as a 16-character middle slice, in: the raw SQLite file and its WAL (or
every row of every MariaDB table), the API log rows, the sync log, each command's stdout/stderr,
the in-process log records, and the messages and reprs of the errors and objects that hold them.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
import sqlalchemy as sa

from pms.cloudbeds import ApiKeyAuth
from pms.cloudbeds.auth import OAuthApp, exchange_code
from pms.config import PROJECT_ROOT
from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.settings import Settings
from pms.errors import PMSError

from .helpers import Admin, client_for

AREA = "secrets"
REDIRECT = "https://pms.example/oauth/callback"


def _needles(secret: str) -> list[str]:
    middle = secret[len(secret) // 2 - 8 : len(secret) // 2 + 8]
    return [secret] + ([middle] if len(secret) >= 24 else [])


class Scanner:
    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.places: dict[str, str] = {}

    def secret(self, label: str, value: str | None) -> None:
        if value:
            assert len(value) >= 8, f"{label} is too short to scan for reliably"
            self.secrets[f"{label} #{len(self.secrets)}"] = value

    def place(self, name: str, text: str | bytes) -> None:
        if isinstance(text, bytes):
            text = text.decode("latin-1")  # byte-exact: a secret's ASCII bytes appear as themselves
        self.places[name] = self.places.get(name, "") + "\n" + text

    def findings(self) -> list[str]:
        return [
            f"{label} in {place}"
            for place, text in self.places.items()
            for label, value in self.secrets.items()
            if any(n in text for n in _needles(value))
        ]


def _pms(scan: Scanner, label: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    run = subprocess.run(
        [sys.executable, "-m", "pms", "-vv", *args],
        input=stdin,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    scan.place(f"output of {label}", run.stdout + run.stderr)
    return run


def _consent_code(box) -> str:
    resp = requests.get(
        f"{box.base_url}/oauth",
        params={"client_id": box.client_id, "redirect_uri": REDIRECT, "response_type": "code", "state": "s1"},
        allow_redirects=False,
        timeout=30,
    )
    assert resp.status_code == 302, resp.text
    return parse_qs(urlsplit(resp.headers["Location"]).query)["code"][0]


def _dump_database(engine, scan: Scanner, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        path = Path(engine.url.database)
        for f in [path, *path.parent.glob(path.name + "-*")]:  # the file, its WAL and shared memory
            scan.place(f"SQLite file {f.name}", f.read_bytes())
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            name = (
                "API log"
                if table.name == "cloudbed_api_log"
                else "sync log"
                if table.name == "cloudbed_sync_log"
                else "database tables"
            )
            scan.place(name, "\n".join(repr(tuple(r)) for r in rows))


def test_no_secret_in_plaintext_after_a_full_installation_run(db_url, sandbox_factory, caplog, tally):
    caplog.set_level(logging.DEBUG)
    box = sandbox_factory(reservations=120, rate_limit=None)
    admin = Admin(box)
    scan = Scanner()
    scan.secret("API key", box.api_key)
    scan.secret("client secret", box.client_secret)
    db = ["--db", db_url]

    assert _pms(scan, "setup", "setup", *db).returncode == 0
    stored = _pms(
        scan,
        "credentials set (OAuth)",
        "credentials",
        "set",
        "--client-id",
        box.client_id,
        "--client-secret",
        "-",
        "--property-id",
        box.property_id,
        "--api-base",
        box.base_url,
        *db,
        stdin=box.client_secret + "\n",
    )
    assert stored.returncode == 0, stored.stderr
    engine = make_engine(db_url)
    try:
        store = CredentialStore(engine)
        tokens = exchange_code(
            box.base_url, OAuthApp(box.client_id, box.client_secret, REDIRECT), _consent_code(box)
        )
        scan.secret("access token", tokens.access_token)
        scan.secret("refresh token", tokens.refresh_token)
        store.save_tokens(tokens)
        assert _pms(scan, "sync --full (OAuth)", "sync", "--full", "--json", *db).returncode == 0
        admin.call("POST", "expire-tokens")
        admin.call("POST", "mutate", {"count": 5})
        assert (
            _pms(scan, "sync --incremental (renewed)", "sync", "--incremental", "--json", *db).returncode == 0
        )
        renewed = store.load_tokens()
        assert renewed.access_token != tokens.access_token, "the client did not renew the token"
        scan.secret("renewed access token", renewed.access_token)
        scan.secret("renewed refresh token", renewed.refresh_token)
        scan.place("reprs", repr(store.load()) + repr(renewed) + repr(store) + str(store.load()))

        # The API key way, a key revoked mid-run, and a wrong key.
        assert (
            _pms(
                scan,
                "credentials set (API key)",
                "credentials",
                "set",
                "--api-key",
                "-",
                "--api-base",
                box.base_url,
                *db,
                stdin=box.api_key + "\n",
            ).returncode
            == 0
        )
        second = admin.call("POST", "api-keys", {"scopes": sorted(_scopes()), "label": "second"})["api_key"]
        scan.secret("second API key", second)
        assert (
            _pms(
                scan,
                "credentials set (second key)",
                "credentials",
                "set",
                "--api-key",
                "-",
                "--api-base",
                box.base_url,
                *db,
                stdin=second + "\n",
            ).returncode
            == 0
        )
        admin.fault("getReservationsWithRateDetails", "revoke_token", after=1)
        revoked = _pms(scan, "sync --full (key revoked)", "sync", "--full", "--json", *db)
        assert revoked.returncode == 1
        wrong = "cbat_" + "7" * 16 + "WRONGKEY" + "9" * 8
        scan.secret("wrong API key", wrong)
        assert (
            _pms(
                scan,
                "credentials set (wrong key)",
                "credentials",
                "set",
                "--api-key",
                wrong,
                "--api-base",
                box.base_url,
                *db,
            ).returncode
            == 1
        )
        assert _pms(scan, "credentials show", "credentials", "show", *db).returncode == 0

        # Passwords and tokens kept in settings.
        settings = Settings(engine)
        smtp, hook = "Sm7p-Pa55word-Secret!x", "whk_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
        scan.secret("SMTP password", smtp)
        scan.secret("webhook token", hook)
        settings.set_many({"smtp_password": smtp, "cloudbed_webhook_token": hook})
        scan.place("reprs", repr(settings.describe(include_internal=True)))

        # Errors raised in-process, with the secrets at hand.
        client = client_for(box, auth=ApiKeyAuth(wrong))
        try:
            client.get_hotels().all()
        except PMSError as exc:
            scan.place("exception messages", f"{exc}\n{exc!r}\n{exc.args!r}")
        scan.place(
            "reprs",
            repr(client) + repr(ApiKeyAuth(second)) + repr(OAuthApp(box.client_id, box.client_secret)),
        )
        client.close()
        scan.place("in-process log records", "\n".join(r.getMessage() + repr(r.args) for r in caplog.records))
    finally:
        engine.dispose()
    engine = make_engine(db_url)
    try:
        _dump_database(engine, scan, db_url)
    finally:
        engine.dispose()
    # Controls, so a scan that reads nothing cannot pass: a plaintext value stored beside the
    # secrets (the client id) is found in the raw database, and every secret is found when planted.
    control = Scanner()
    control.secret("client id", box.client_id)
    control.places = {k: v for k, v in scan.places.items() if k.startswith(("SQLite", "database"))}
    assert len(control.findings()) == len(control.places) >= 1
    planted = Scanner()
    planted.secrets = dict(scan.secrets)
    planted.place("planted", " ".join(scan.secrets.values()))
    assert len(planted.findings()) == len(scan.secrets)
    findings = scan.findings()
    tally.add(AREA, secrets_found=len(findings), places_scanned=len(scan.places), runs=9)
    assert len(scan.secrets) >= 9 and len(scan.places) >= 15
    assert findings == []


def _scopes():
    from pms.sandbox.auth import ALL_SCOPES

    return ALL_SCOPES
