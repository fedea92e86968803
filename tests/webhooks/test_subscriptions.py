"""Subscription management against the sandbox: idempotent subscribe, list, rotate, unsubscribe."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

from pms.cloudbeds import ApiKeyAuth, CloudbedsClient
from pms.db import schema
from pms.db.apilog import ApiLogWriter
from pms.db.settings import Settings
from pms.db.setup import ensure_schema
from pms.webhooks import subscriptions as subs
from pms.webhooks.tokens import TokenCheck, current_token

PUBLIC = "https://pms.hotel.example"


@pytest.fixture
def setup(sqlite_engine, sandbox_factory):
    ensure_schema(sqlite_engine)
    box = sandbox_factory(rate_limit=None)
    log = ApiLogWriter(sqlite_engine)
    client = CloudbedsClient(
        box.base_url, ApiKeyAuth(box.api_key), property_id=box.property_id, on_call=log, rate_limit=1000
    )
    yield sqlite_engine, client, box, log
    client.close()
    log.close()


def _remote(box, key):
    resp = requests.get(f"{box.base_url}/getWebhooks", headers={"x-api-key": key}, timeout=10)
    return [
        (s["event"]["entity"] + "/" + s["event"]["action"], s["subscriptionData"]["endpoint"])
        for s in resp.json()["data"]
    ]


def test_subscribe_is_idempotent_and_complete(setup):
    engine, client, box, _ = setup
    report = subs.subscribe(engine, client, public_url=PUBLIC)
    assert report.ok and sorted(report.created) == sorted(subs.NEEDED_EVENTS) and report.kept == []
    token = current_token(Settings(engine))
    assert len(token) >= 43
    remote = _remote(box, box.api_key)
    assert sorted(e for e, _ in remote) == sorted(subs.NEEDED_EVENTS)
    assert {u for _, u in remote} == {f"{PUBLIC}/webhooks/cloudbeds/{token}"}
    again = subs.subscribe(engine, client, public_url=PUBLIC + "/")
    assert again.created == [] and sorted(again.kept) == sorted(subs.NEEDED_EVENTS)
    assert len(_remote(box, box.api_key)) == len(subs.NEEDED_EVENTS)
    assert Settings(engine).get("cloudbed_webhook_url") == f"{PUBLIC}/webhooks/cloudbeds"


def test_listing_masks_the_token(setup):
    engine, client, _box, _ = setup
    subs.subscribe(engine, client, public_url=PUBLIC)
    client.post_webhook("reservation", "created", "https://other.example/hook")
    listed = subs.list_subscriptions(engine, client, public_url=PUBLIC)
    token = current_token(Settings(engine))
    assert all(token not in s.endpoint for s in listed)
    assert sum(s.current for s in listed) == len(subs.NEEDED_EVENTS)
    assert [s.endpoint for s in listed if not s.ours] == ["https://other.example/hook"]


def test_rotation_resubscribes_and_keeps_the_old_token_for_a_grace_period(setup):
    engine, client, box, _ = setup
    subs.subscribe(engine, client, public_url=PUBLIC)
    settings = Settings(engine)
    old = current_token(settings)
    report = subs.rotate(engine, client, public_url=PUBLIC)
    new = current_token(settings)
    assert new != old and report.ok and sorted(report.removed) == sorted(subs.NEEDED_EVENTS)
    assert {u for _, u in _remote(box, box.api_key)} == {f"{PUBLIC}/webhooks/cloudbeds/{new}"}
    check = TokenCheck(engine)
    assert check(new) and check(old) and not check(old[:-1]) and not check("")


def test_moving_to_a_new_public_address_removes_the_old_subscriptions(setup):
    engine, client, box, _ = setup
    subs.subscribe(engine, client, public_url="http://127.0.0.1:8501")
    report = subs.subscribe(engine, client, public_url=PUBLIC)
    assert len(report.removed) == len(subs.NEEDED_EVENTS)
    assert {u.split("/webhooks")[0] for _, u in _remote(box, box.api_key)} == {PUBLIC}


def test_unsubscribe_removes_only_ours(setup):
    engine, client, box, _ = setup
    subs.subscribe(engine, client, public_url=PUBLIC)
    client.post_webhook("reservation", "created", "https://other.example/hook")
    removed = subs.unsubscribe(engine, client).removed
    assert len(removed) == len(subs.NEEDED_EVENTS)
    assert _remote(box, box.api_key) == [("reservation/created", "https://other.example/hook")]


def test_the_token_never_reaches_the_api_log(setup):
    engine, client, _box, log = setup
    subs.subscribe(engine, client, public_url=PUBLIC)
    subs.list_subscriptions(engine, client, public_url=PUBLIC)
    log.flush()
    token = current_token(Settings(engine))
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(schema.cloudbed_api_log.c.params, schema.cloudbed_api_log.c.response_summary)
        ).all()
    assert len(rows) >= len(subs.NEEDED_EVENTS)
    assert all(token not in (p or "") + (s or "") for p, s in rows)


def test_a_bad_public_url_is_refused(setup):
    engine, client, _, _ = setup
    from pms.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        subs.subscribe(engine, client, public_url="pms.example.com")


# --- one refusal never stops the others (each errors reading: how Cloudbeds says "no") ----------


def _fault(box, **spec):
    resp = requests.post(f"{box.root_url}/_sandbox/faults", json=spec, timeout=10)
    assert resp.status_code == 200, resp.text


def _errors(box, reading):
    requests.post(f"{box.root_url}/_sandbox/config", json={"readings": {"errors": reading}}, timeout=10)


@pytest.mark.parametrize("errors", ["documented", "status_codes"])
def test_a_rejected_event_name_does_not_stop_the_cleanup(setup, errors):
    engine, client, box, _ = setup
    _errors(box, errors)
    subs.subscribe(engine, client, public_url="http://127.0.0.1:8501")
    events = (*subs.NEEDED_EVENTS, "reservation/teleported")  # Cloudbeds knows no such event
    report = subs.subscribe(engine, client, public_url=PUBLIC, events=events)
    assert (
        list(report.failed) == ["reservation/teleported"]
        and "teleported" in report.failed["reservation/teleported"]
    )
    assert sorted(report.created) == sorted(subs.NEEDED_EVENTS)
    assert sorted(report.removed) == sorted(subs.NEEDED_EVENTS)  # every old one: its event is covered
    assert {u.split("/webhooks")[0] for _, u in _remote(box, box.api_key)} == {PUBLIC}


@pytest.mark.parametrize("errors", ["documented", "status_codes"])
def test_an_old_subscription_stays_while_its_event_is_refused_at_the_new_address(setup, errors):
    engine, client, box, _ = setup
    _errors(box, errors)
    subs.subscribe(engine, client, public_url="http://127.0.0.1:8501")
    refused = subs.NEEDED_EVENTS[2]
    _fault(box, endpoint="postWebhook", kind="success_false", times=1, after=2, message="Event not allowed")
    report = subs.subscribe(engine, client, public_url=PUBLIC)
    assert list(report.failed) == [refused] and "Event not allowed" in report.failed[refused]
    remote = _remote(box, box.api_key)
    old = [(e, u) for e, u in remote if u.startswith("http://127.0.0.1:8501")]
    assert [e for e, _ in old] == [refused]  # kept, so its event still lands somewhere
    assert sorted(e for e, u in remote if u.startswith(PUBLIC)) == sorted(
        e for e in subs.NEEDED_EVENTS if e != refused
    )


@pytest.mark.parametrize("errors", ["documented", "status_codes"])
def test_unsubscribe_handles_each_subscription_on_its_own(setup, errors):
    engine, client, box, _ = setup
    _errors(box, errors)
    subs.subscribe(engine, client, public_url=PUBLIC)
    _fault(box, endpoint="deleteWebhook", kind="success_false", times=1, after=2, message="Try later")
    report = subs.unsubscribe(engine, client)
    assert not report.ok and len(report.removed) == len(subs.NEEDED_EVENTS) - 1
    ((what, why),) = report.failed.items()
    assert what.startswith(subs.NEEDED_EVENTS[2]) and "Try later" in why
    assert [e for e, _ in _remote(box, box.api_key)] == [subs.NEEDED_EVENTS[2]]
    assert Settings(engine).get("cloudbed_webhook_url")  # not forgotten while one is left
    assert subs.unsubscribe(engine, client).ok and _remote(box, box.api_key) == []
