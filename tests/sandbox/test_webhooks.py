"""Webhook subscriptions and deliveries to a real receiver on a free loopback port."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .helpers import Api, wait_for


@pytest.fixture
def fast_box(sandbox_factory):
    """Retries 50 ms apart and a short receiver timeout, so failure paths run in well under a second."""
    return sandbox_factory(
        rate_limit=None, webhook_retry_interval=0.05, webhook_timeout=0.3, rate_job_delay=0.05
    )


def _subscribe(api: Api, url: str, *events: str) -> list[str]:
    ids = []
    for event in events:
        obj, action = event.split("/")
        body = api.ok("postWebhook", "POST", data={"object": obj, "action": action, "endpointUrl": url})
        ids.append(body["data"]["subscriptionID"])
    return ids


@pytest.mark.parametrize("guest_webhook", ["guest_only", "with_reservation"])
def test_front_desk_changes_are_delivered_as_thin_events(fast_box, receiver, guest_webhook):
    api = Api(fast_box, key=fast_box.api_key)
    api.admin("config", {"readings": {"guest_webhook": guest_webhook}})
    _subscribe(
        api,
        receiver.url,
        "reservation/created",
        "reservation/status_changed",
        "reservation/dates_changed",
        "reservation/deleted",
        "guest/created",
        "guest/details_changed",
        "reservation/accommodation_changed",
    )
    result = api.admin(
        "mutate", {"count": 6, "kinds": ["create", "cancel", "dates", "guest", "delete", "modify"]}
    )
    kinds = {m["kind"] for m in result["mutations"]}
    assert kinds == {"create", "cancel", "dates", "guest", "delete", "modify"}
    wait_for(lambda: len(receiver.bodies) >= 7)
    created = receiver.events("reservation/created")[0]
    assert created["version"] == "1.0"
    assert (
        created["propertyID"] == int(fast_box.property_id)
        and created["propertyID_str"] == fast_box.property_id
    )
    assert isinstance(created["timestamp"], float)
    assert created["reservationID"] in result["changed"] and created["startDate"] and created["endDate"]
    status = receiver.events("reservation/status_changed")[0]
    assert status["status"] == "canceled"
    dates = receiver.events("reservation/dates_changed")[0]
    assert dates["subReservations"] and dates["endDate"] > dates["startDate"]
    assert receiver.events("reservation/deleted")[0]["reservationId"]  # camelCase on this event
    changed, new_guest = receiver.events("guest/details_changed")[0], receiver.events("guest/created")[0]
    assert changed["guestId"] and new_guest["guestId"]
    if guest_webhook == "with_reservation":
        assert new_guest["reservationId"] == created["reservationID"] and changed["reservationId"]
    else:  # the real shape: the guest id only
        assert "reservationId" not in new_guest and "reservationId" not in changed
    state = api.admin("state")["webhooks"]
    assert state["ok"] >= 7 and state["failed"] == 0


def test_api_writes_fire_events_too(fast_box, receiver):
    api = Api(fast_box, key=fast_box.api_key)
    _subscribe(api, receiver.url, "reservation/status_changed")
    future = next(
        r
        for r in api.admin("reservations")["data"]
        if r["status"] == "confirmed" and r["startDate"] > fast_box.backend.clock.today().isoformat()
    )
    api.ok("putReservation", "PUT", data={"reservationID": future["reservationID"], "status": "canceled"})
    event = wait_for(lambda: receiver.events("reservation/status_changed"))[0]
    assert event == {**event, "reservationID": future["reservationID"], "status": "canceled"}


def test_rate_job_completion_fires_the_queue_event(fast_box, receiver):
    api = Api(fast_box, key=fast_box.api_key)
    _subscribe(api, receiver.url, "api_queue_task/rate_status_changed")
    start = fast_box.backend.clock.today() + timedelta(days=5)
    plan = next(
        p
        for p in api.ok("getRatePlans", startDate=start.isoformat(), endDate=start.isoformat())["data"]
        if not p["isDerived"]
    )
    job = api.ok(
        "patchRate",
        "POST",
        data={
            "rates[0][rateID]": plan["rateID"],
            "rates[0][interval][startDate]": start.isoformat(),
            "rates[0][interval][endDate]": start.isoformat(),
            "rates[0][interval][rate]": "777000",
        },
    )["jobReferenceID"]
    event = wait_for(lambda: receiver.events("api_queue_task/rate_status_changed"))[0]
    assert event["queueTaskId"] == job and event["status"] == "completed"


def test_failed_deliveries_are_retried_with_the_original_timestamp(fast_box, receiver):
    api = Api(fast_box, key=fast_box.api_key)
    api.admin("config", {"webhook_retries": 3})
    _subscribe(api, receiver.url, "reservation/created")
    receiver.script = [500, 503]  # two failures, then 200
    api.admin("mutate", {"count": 1, "kinds": ["create"]})
    wait_for(lambda: len(receiver.bodies) == 3)
    assert len({b["timestamp"] for b in receiver.bodies}) == 1
    delivery = wait_for(
        lambda: [d for d in api.admin("webhook-deliveries")["deliveries"] if d["status"] == "ok"]
    )[0]
    assert delivery["attempts"] == 3 and [h["status"] for h in delivery["history"]] == [500, 503, 200]


def test_slow_or_dead_receivers_give_up_after_the_retries(fast_box, receiver):
    api = Api(fast_box, key=fast_box.api_key)
    api.admin("config", {"webhook_retries": 1})
    _subscribe(api, receiver.url, "reservation/created")
    _subscribe(api, "http://127.0.0.1:9/nobody-listens", "reservation/created")
    receiver.delay = 0.6  # longer than webhook_timeout: counts as failed even though it answers 200
    api.admin("mutate", {"count": 1, "kinds": ["create"]})
    report = wait_for(
        lambda: (lambda r: r if r["summary"]["failed"] == 2 else None)(api.admin("webhook-deliveries"))
    )
    for delivery in report["deliveries"]:
        assert delivery["status"] == "failed" and delivery["attempts"] == 2
    assert {d["history"][0]["error"].split()[0] for d in report["deliveries"]} <= {"no", "ConnectionError"}


def test_subscriptions_belong_to_their_credential(box):
    api = Api(box, key=box.api_key)
    sub_id = _subscribe(api, "https://hooks.example/a", "reservation/created")[0]
    other = Api(box, key=api.admin("api-keys", {"scopes": ["read:reservation"]})["api_key"])
    assert other.ok("getWebhooks")["data"] == []
    other.refused(other.delete("deleteWebhook", subscriptionID=sub_id), "not_found")
    listed = api.ok("getWebhooks")["data"]
    assert listed[0]["event"] == {"entity": "reservation", "action": "created"}
    assert api.ok("deleteWebhook", "DELETE", subscriptionID=sub_id) == {"success": True}
    assert api.ok("getWebhooks")["data"] == []


def test_bad_subscriptions_are_refused(box):
    api = Api(box, key=box.api_key)
    for form in (
        {"object": "reservation", "action": "exploded", "endpointUrl": "https://x/"},
        {"object": "unicorn", "action": "created", "endpointUrl": "https://x/"},
        {"object": "reservation", "action": "created", "endpointUrl": "not a url"},
        {"object": "reservation", "action": "created"},
    ):
        assert api.post("postWebhook", form).status_code == 400
