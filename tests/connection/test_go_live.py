"""Going live: a candidate API key is tested against the sandbox and saved only when every check passes."""

from __future__ import annotations

import pytest

from pms.connection import go_live
from pms.db.credentials import CredentialStore
from pms.errors import SettingsError


@pytest.fixture
def sandbox_config() -> dict:
    return {"reservations": 30}


def test_good_key_is_saved_with_the_detected_property(db, box):
    seen = []
    attempt = go_live.try_api_key(db, box.api_key, api_base=box.base_url, on_step=seen.append)
    assert attempt.ok and attempt.saved and attempt.property_id == box.property_id
    assert [s.name for s in seen] == [s.name for s in attempt.steps] and len(seen) == 5
    creds = CredentialStore(db).load()
    assert (creds.api_key, creds.property_id, creds.api_base) == (box.api_key, box.property_id, box.base_url)


def test_wrong_key_is_not_saved(db, box):
    attempt = go_live.try_api_key(db, "cbat_not_the_right_key_000000", api_base=box.base_url)
    assert not attempt.saved and not attempt.ok
    failed = next(s for s in attempt.steps if not s.ok and not s.skipped)
    assert failed.name == "API connection" and "refused the credentials" in failed.message
    assert "cbat_not_the_right_key_000000" not in " ".join(s.message for s in attempt.steps)
    assert CredentialStore(db).load() is None


@pytest.mark.parametrize(
    "key,base,pid",
    [
        ("", None, None),
        ("cbat key with spaces 0000", None, None),
        ("cbat_ключ_0000000000000", None, None),
        ("cbat_valid_looking_key_0000", "ftp://example.com", None),
        ("cbat_valid_looking_key_0000", "not a url", None),
        ("cbat_valid_looking_key_0000", None, "12ab"),
        ("cbat_valid_looking_key_0000", None, "1" * 30),
    ],
)
def test_malformed_input_is_refused_before_anything_is_sent(db, box, key, base, pid):
    with pytest.raises(SettingsError):
        go_live.try_api_key(db, key, api_base=base or box.base_url, property_id=pid)
    assert CredentialStore(db).load() is None


def test_oauth_app_saved_then_back_to_demo(db):
    go_live.save_oauth_app(
        db,
        "client-id-123",
        "client-secret-456",
        property_id="254042",
        api_base="https://api.cloudbeds.com/api/v1.3",
    )
    creds = CredentialStore(db).load()
    assert creds.auth_method == "oauth" and creds.client_secret == "client-secret-456"
    assert not go_live.oauth_connected(db)
    go_live.return_to_demo(db)
    assert CredentialStore(db).load() is None
