"""The ADF push from the command line: `settings set cloudbed_push_enabled true` starts the clock of
rule 14 as the Settings page does; `sync --push --dry-run` lists what the desk typed; `sync --push`
sends it."""

from __future__ import annotations

import json

from pms.adf.pushscan import forget_desk
from pms.db.credentials import CredentialStore
from pms.db.engine import make_engine
from pms.db.settings import Settings
from pms.db.setup import setup_database
from pms.sync import SyncRequest, run_sync
from tests.sync.helpers import make_ctx, today_of
from tests.sync.test_cli import _pms

from .deskstaff import by_third_party, free_rooms, stay, type_booking
from .schemas import create_front_desk
from .steps import ready


def test_settings_set_push_on_stamps_push_since_like_the_settings_page(sqlite_url):
    engine = make_engine(sqlite_url)
    assert setup_database(engine).ok
    assert Settings(engine).push_since is None
    proc = _pms("settings", "set", "cloudbed_push_enabled", "true", "--db", sqlite_url)
    assert proc.returncode == 0, proc.stderr
    first = Settings(engine).push_since
    assert Settings(engine).push_enabled and first is not None
    # Saying it again does not move the clock; off and on again does.
    assert _pms("settings", "set", "cloudbed_push_enabled", "true", "--db", sqlite_url).returncode == 0
    assert Settings(engine).push_since == first
    assert _pms("settings", "set", "cloudbed_push_enabled", "false", "--db", sqlite_url).returncode == 0
    assert _pms("settings", "set", "cloudbed_push_enabled", "true", "--db", sqlite_url).returncode == 0
    assert Settings(engine).push_since > first
    engine.dispose()


def test_sync_push_dry_run_lists_the_desk_and_the_push_sends_it(sqlite_url, box, admin):
    forget_desk()
    engine = make_engine(sqlite_url)
    create_front_desk(engine, "documented")
    assert setup_database(engine).ok
    CredentialStore(engine).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    ctx = make_ctx(engine, box)
    ready(ctx, box)
    assert run_sync(ctx, SyncRequest(mode="full")).status == "completed"
    assert _pms("settings", "set", "cloudbed_push_enabled", "true", "--db", sqlite_url).returncode == 0
    today = today_of(admin)
    check_in, check_out = stay(today, 2, 2)
    room = free_rooms(admin, box, check_in, check_out, 1)[0]
    type_booking(engine, code="CLI-1", room=room, check_in=check_in, check_out=check_out)
    dry = _pms("sync", "--db", sqlite_url, "--incremental", "--push", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "push_create" in dry.stdout and "front_desk CLI-1" in dry.stdout
    assert by_third_party(admin, "CLI-1") == []
    done = _pms("sync", "--db", sqlite_url, "--incremental", "--push", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["status"] == "completed"
    assert len(by_third_party(admin, "CLI-1")) == 1
    ctx.client.close()
    engine.dispose()
    forget_desk()
