"""``python -m pms mapping`` and ``settings`` from the command line, on a real ADF database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pms.db.credentials import CredentialStore
from pms.db.settings import Settings
from pms.sync import SyncRequest, run_sync

from .helpers import links

ROOT = Path(__file__).resolve().parents[2]


def _pms(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pms", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        input=stdin,
        env={**os.environ},
        check=False,
    )


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_mapping_show_suggest_set_from_a_clean_adf_database(ctx, box, variant):
    url = _url(ctx.engine)
    assert run_sync(ctx, SyncRequest(mode="full", entities="catalog")).status == "completed"
    CredentialStore(ctx.engine).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    shown = _pms("mapping", "show", "--db", url, "--json")
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout.strip().splitlines()[-1])
    assert view["front_desk"] is True and all(r["adf_value"] is None for r in view["rooms"])
    suggested = _pms("mapping", "suggest", "--db", url)
    assert suggested.returncode == 0 and "Website/Booking Engine" in suggested.stdout
    assert "collect" in suggested.stdout
    accepted = _pms("mapping", "suggest", "--accept", "--db", url)
    assert accepted.returncode == 0 and "stored" in accepted.stdout
    view = json.loads(_pms("mapping", "show", "--db", url, "--json").stdout.strip().splitlines()[-1])
    assert all(r["adf_value"] for r in view["room_types"]) and all(r["adf_value"] for r in view["rooms"])
    website = next(s for s in view["sources"] if s["cloudbed_name"] == "Website/Booking Engine")
    assert website["adf_value"] == "online"
    # One mapping by hand; a value ADF does not have is refused with the choices.
    room = view["rooms"][0]
    refused = _pms("mapping", "set", "room", room["cloudbed_id"], "9999", "--db", url)
    assert refused.returncode == 1 and "choose one of" in refused.stderr
    done = _pms("mapping", "set", "room", room["cloudbed_id"], room["adf_value"], "--db", url)
    assert done.returncode == 0, done.stderr
    detail = "agoda" if variant == "documented" else None
    args = ["mapping", "set", "source", "ss-102-1", "ota", "--db", url] + (
        ["--detail", detail] if detail else []
    )
    assert _pms(*args).returncode == 0


def test_settings_show_and_set_with_validation_and_no_secret_printed(ctx, box):
    url = _url(ctx.engine)
    CredentialStore(ctx.engine).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    shown = _pms("settings", "show", "--db", url, "--json")
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout.strip().splitlines()[-1])
    assert values["adf_frontdesk_enabled"] is False  # off by default on a real database
    assert box.api_key not in shown.stdout and "••••" in str(values["cloudbed_api_key"])
    assert box.api_key not in _pms("settings", "show", "--db", url).stdout
    bad = _pms("settings", "set", "cloudbed_sync_interval", "2", "--db", url)
    assert bad.returncode == 64 and "at least 5" in bad.stderr
    unknown = _pms("settings", "set", "no_such_key", "1", "--db", url)
    assert unknown.returncode == 64
    ok = _pms("settings", "set", "adf_frontdesk_enabled", "true", "--db", url)
    assert ok.returncode == 0 and "adf_frontdesk_enabled = True" in ok.stdout
    assert Settings(ctx.engine).get("adf_frontdesk_enabled") is True
    secret = _pms("settings", "set", "smtp_password", "-", "--db", url, stdin="s3cret-pw\n")
    assert secret.returncode == 0 and "s3cret-pw" not in secret.stdout
    assert Settings(ctx.engine).secret("smtp_password") == "s3cret-pw"


def test_sync_from_the_command_line_writes_the_front_desk(ctx, box):
    url = _url(ctx.engine)
    CredentialStore(ctx.engine).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    assert _pms("sync", "--full", "--entities", "catalog", "--db", url).returncode == 0
    assert _pms("mapping", "suggest", "--accept", "--db", url).returncode == 0
    dry = _pms("sync", "--full", "--dry-run", "--json", "--db", url)
    planned = json.loads(dry.stdout.strip().splitlines()[-1])["front_desk"]["actions"]
    assert planned["create"] > 0 and links(ctx.engine) == []
    assert _pms("settings", "set", "adf_frontdesk_enabled", "on", "--db", url).returncode == 0
    run = _pms("sync", "--full", "--json", "--db", url)
    assert run.returncode == 0, run.stderr
    front = json.loads(run.stdout.strip().splitlines()[-1])["front_desk"]
    assert front["create"] == planned["create"]
