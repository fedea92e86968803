"""``pms.connection``: clients from stored credentials or the demo sandbox; the shared checks."""

from __future__ import annotations

import pytest

from pms.cloudbeds import ApiKeyAuth, OAuthAuth
from pms.connection import build_client, connection_info, detect_property
from pms.connection.checks import STEP_NAMES, run_connection_checks
from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.errors import ConfigurationError, SyncError
from pms.sync import SyncContext, SyncRequest, run_sync
from tests.sync.helpers import Admin, count, rows


def test_build_client_from_a_stored_api_key_logs_every_call(sdb, box):
    CredentialStore(sdb).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    client = build_client(sdb, rate_limit=1000)
    assert isinstance(client.auth, ApiKeyAuth) and client.property_id == box.property_id
    assert connection_info(sdb).mode == "api_key"
    result = run_sync(SyncContext(sdb, client), SyncRequest(mode="full", entities="catalog"))
    assert result.status == "completed"
    logged = rows(sdb, schema.cloudbed_api_log)
    assert len(logged) == result.api_calls and {r["endpoint"] for r in logged} >= {"getHotels", "getRooms"}
    assert all(box.api_key not in (r["params"] or "") for r in logged)


def test_build_client_with_oauth_uses_the_store_for_tokens(sdb, box):
    CredentialStore(sdb).save_oauth_app(
        box.client_id, box.client_secret, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    client = build_client(sdb, on_call=None)
    assert isinstance(client.auth, OAuthAuth) and isinstance(client.auth.store, CredentialStore)
    steps = run_connection_checks(sdb, client=client)
    assert steps[1].ok is False and "reconnect" in steps[1].message.lower()


def test_without_credentials_the_demo_sandbox_is_used_and_flagged(sdb):
    client = build_client(sdb, rate_limit=1000)
    info = connection_info(sdb)
    assert info.is_demo and client.property_id == info.property_id
    props = rows(sdb, schema.cloudbed_properties)
    assert [(p["property_id"], p["is_demo"]) for p in props] == [(client.property_id, True)]
    result = run_sync(SyncContext(sdb, client), SyncRequest(mode="full", entities="catalog"))
    assert result.status == "completed"
    assert rows(sdb, schema.cloudbed_properties)[0]["is_demo"] is True  # the catalogue keeps the flag


def test_property_is_detected_when_the_credential_sees_one(sdb, box):
    CredentialStore(sdb).save_api_key(box.api_key, api_base=box.base_url, purge_demo=False)
    client = build_client(sdb, on_call=None, rate_limit=1000)
    assert client.property_id is None
    with pytest.raises(SyncError, match="no Cloudbeds property is configured"):
        SyncContext(sdb, client)  # no property yet: refused with advice
    assert detect_property(sdb, client) == box.property_id
    assert CredentialStore(sdb).load().property_id == box.property_id


def test_wrong_property_is_reported(sdb, box):
    CredentialStore(sdb).save_api_key(
        box.api_key, property_id="123456", api_base=box.base_url, purge_demo=False
    )
    steps = run_connection_checks(sdb, client=build_client(sdb, on_call=None, rate_limit=1000))
    assert [s.name for s in steps] == list(STEP_NAMES)
    assert steps[1].ok and not steps[2].ok and steps[3].skipped
    assert "cannot see property 123456" in steps[2].message and box.property_id in steps[2].message


def test_checks_pass_and_cost_a_handful_of_calls(sdb, box):
    admin = Admin(box)
    CredentialStore(sdb).save_api_key(
        box.api_key, property_id=box.property_id, api_base=box.base_url, purge_demo=False
    )
    seen = []
    steps = run_connection_checks(sdb, client=build_client(sdb, rate_limit=1000), on_step=seen.append)
    assert all(s.ok for s in steps) and seen == steps
    assert "120 reservation(s)" in steps[3].message and "rate plan" in steps[4].message
    assert admin.requests_made() <= 7
    assert count(sdb, schema.reservasi) == 0  # a test reads, it does not sync


def test_incomplete_oauth_credentials_are_a_configuration_error(sdb, box):
    CredentialStore(sdb).save_oauth_app("client-x", "secret-y", api_base=box.base_url, purge_demo=False)
    store = CredentialStore(sdb)
    store.settings.set("cloudbed_client_secret", None)
    with pytest.raises(ConfigurationError, match="client id and secret"):
        build_client(sdb)
