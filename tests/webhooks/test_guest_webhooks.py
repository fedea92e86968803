"""Guest webhooks, as Cloudbeds sends them, through the real processor and sync engine.

Real ``guest/created`` and ``guest/details_changed`` payloads carry the guest id only (the
``guest_webhook`` reading ``guest_only``); some may carry the reservation id
(``with_reservation``). Either way a burst is fetched in batches (no call per guest) and every
guest ends up stored and linked to its reservation. The payloads are the sandbox's own deliveries;
the applier is the worker's bridge (``SyncJobs``) on stored credentials; SQLite and MariaDB.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import requests

from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.sync import SyncRequest, run_sync
from pms.webhooks import store
from pms.webhooks.events import parse_event
from pms.webhooks.processor import Processor
from pms.worker.jobs import SyncJobs
from tests.sync.helpers import Admin, make_ctx, pick, rows, today_of

NOBODY = "http://127.0.0.1:9/hooks"  # nothing listens there: deliveries fail, their payloads are kept


def _deliveries(box, wanted: int, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        found = requests.get(f"{box.root_url}/_sandbox/webhook-deliveries", timeout=10).json()["deliveries"]
        done = [d for d in found if d["attempts"] >= 1]
        if len(done) >= wanted:
            return [d["payload"] for d in done]
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


@pytest.mark.parametrize("shape", ["guest_only", "with_reservation"])
def test_guest_webhooks_are_fetched_in_batches_and_linked(db, sandbox_factory, shape):
    box = sandbox_factory(
        rate_limit=None, reservations=80, webhook_retries=0, readings={"guest_webhook": shape}
    )
    admin = Admin(box)
    ctx = make_ctx(db, box)
    run_sync(ctx, SyncRequest(mode="full", entities="reservations,guests"))
    CredentialStore(db).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    for action in ("created", "details_changed"):
        ctx.client.post_webhook("guest", action, NOBODY)
    # The front desk: three guests added to bookings, one guest's details changed.
    bookings = pick(admin.truth(), today_of(admin) + timedelta(days=1), 4)
    added = {
        ctx.client.post_guest(
            b["reservationID"],
            first_name=f"Tamu{i}",
            last_name="Baru",
            email=f"tamu{i}@example.id",
            country="ID",
        ): b["reservationID"]
        for i, b in enumerate(bookings[:3])
    }
    known = next(g for g in bookings[3]["guests"] if g["isMainGuest"])
    ctx.client.put_guest(known["guestID"], phone="+62 811 0000 4242")
    for body in _deliveries(box, 4):
        assert ("reservationId" in body) == (shape == "with_reservation")
        store.record(db, parse_event(body), json.dumps(body))
    admin.reset_counters()
    jobs = SyncJobs(db)
    try:
        report = Processor(db, jobs).process(box.property_id)
    finally:
        jobs.close()
    assert (report.processed, report.failed, report.retried) == (4, 0, 0), report.errors
    calls = admin.calls()
    assert "getGuest" not in calls and sum(calls.values()) <= 3, calls
    if shape == "guest_only":
        assert calls.get("getGuestsModified") == 1  # one look-up for the whole burst
    g = schema.guest
    for guest_id, reservation_id in added.items():
        stored = rows(db, g, g.c.cloudbed_guest_id == guest_id)
        assert len(stored) == 1 and stored[0]["cloudbed_reservation_id"] == reservation_id
    changed = rows(db, g, g.c.cloudbed_guest_id == known["guestID"])[0]
    assert changed["phone"] == "+62 811 0000 4242"
    ctx.client.close()
