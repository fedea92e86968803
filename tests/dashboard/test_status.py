"""The dashboard never shows things as fine when they are not: the Overview's score, counts and
to-do list, and what each action reports (AppTest on a real database)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from pms.db import schema
from pms.db.settings import Settings
from pms.db.types import utcnow
from tests.dashboard.conftest import synced_world, texts

PID = "254042"


def _troubles(engine) -> None:
    """On top of the synced world (one reservation in error, 40 booked rooms of a type nobody
    mapped, sending switched off): no alert raised yet, one change waiting, one refused write."""
    from tests.reporting import builders as b

    with engine.begin() as conn:
        conn.execute(sa.delete(schema.cloudbed_alerts))
        b.reservation(conn, utcnow().date(), 2, pid=PID, sync_status="pending", origin="local")
        conn.execute(
            sa.insert(schema.cloudbed_outbound_log).values(
                property_id=PID,
                operation="postReservation",
                decision="refused",
                reason="push to Cloudbeds is switched off (Settings → push)",
                created_at=utcnow() - timedelta(minutes=1),
            )
        )


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_overview_lists_every_problem_with_its_next_step_and_never_says_all_is_well(dash):
    synced_world(dash.engine)
    _troubles(dash.engine)
    at = dash.app(as_user=dash.user())
    assert not at.exception, at.exception
    shown = texts(at)
    assert "What to do next" in shown
    assert "No active alerts." not in shown
    assert "1 record(s) in error" in shown and "Open the failed items on the Monitoring page" in shown
    assert "41 booked room(s) have a Cloudbeds room type with no mapping" in shown
    assert "Sending to Cloudbeds is switched off while 1 change(s) wait" in shown
    assert "Settings page" in shown
    assert "1 write(s) to Cloudbeds refused or failed today" in shown
    assert _metric(at, "In error") == "1"
    assert _metric(at, "Waiting to be sent") == "1"  # the pending one, never the one in error
    score = int(_metric(at, "Sync health").split("/")[0])
    assert score < 70
    assert {link.proto.page for link in at.get("page_link")} == {"monitoring", "room_mapping", "settings"}


def test_overview_in_indonesian_and_for_staff(dash):
    synced_world(dash.engine)
    _troubles(dash.engine)
    at = dash.app(as_user=dash.user("budi", role="staff", language="id"))
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Yang perlu dilakukan" in shown
    assert "Pengiriman ke Cloudbeds dimatikan padahal 1 perubahan menunggu" in shown
    assert "Minta bantuan manajer" in shown  # Settings is a manager's page: no link to it
    assert {link.proto.page for link in at.get("page_link")} == {"monitoring", "room_mapping"}


def test_overview_says_all_is_well_only_when_it_is(dash):
    synced_world(dash.engine)
    with dash.engine.begin() as conn:
        conn.execute(sa.delete(schema.cloudbed_alerts))
        conn.execute(sa.update(schema.reservasi).values(sync_status="synced"))
        conn.execute(
            sa.insert(schema.cloudbed_room_mapping),
            [
                {"property_id": PID, "adf_room_type": name, "cloudbed_room_type_id": rt, "is_active": True}
                for name, rt in (("Deluxe", "rt-1"), ("Family", "rt-2"))
            ],
        )
        log = schema.cloudbed_sync_log
        conn.execute(sa.delete(log).where(log.c.status != "completed"))
    Settings(dash.engine).set_push_enabled(True)
    at = dash.app(as_user=dash.user())
    assert not at.exception, at.exception
    shown = texts(at)
    assert "What to do next" not in shown
    assert "No active alerts." in shown
