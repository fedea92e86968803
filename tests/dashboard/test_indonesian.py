"""In Indonesian, nothing a person reads is English, a raw name or a translation key.

Every page is rendered for both roles on a database really synced from the sandbox's Indonesian
demo hotel (so tables, charts and logs have content), plus the moments that bring their own text:
the connection test, a sync preview, and each form's refusals. ``tests.dashboard.audit`` collects
what is visible and names what the translation missed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.credentials import CredentialStore
from pms.db.types import utcnow
from pms.sync import SyncContext, SyncRequest, run_sync
from tests.dashboard.audit import collect, problems
from tests.dashboard.conftest import PAGES, STAFF_PAGES, shown
from tests.sync.helpers import make_client


@pytest.fixture
def world(dash, box):
    """A database after a full sync of the demo hotel, with every kind of log row to show."""
    CredentialStore(dash.engine).save_api_key(box.api_key, property_id=box.property_id, api_base=box.base_url)
    with make_client(box) as client:
        result = run_sync(SyncContext(dash.engine, client), SyncRequest(mode="full", trigger="cli"))
    assert result.status == "completed", result.error
    now, pid = utcnow(), box.property_id
    with dash.engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_sync_log).values(
                property_id=pid,
                sync_type="reservations,guests",
                direction="push",
                mode="window",
                trigger="manual",
                status="partial",
                started_at=now - timedelta(hours=1),
                finished_at=now - timedelta(hours=1) + timedelta(seconds=4),
                duration_ms=4000,
                processed=4,
                successful=3,
                failed=1,
                api_calls=2,
            )
        )
        conn.execute(
            sa.insert(schema.cloudbed_webhook_events),
            [
                {
                    "property_id": pid,
                    "event": "reservation/created",
                    "entity_id": f"R{i}",
                    "dedupe_key": f"k{i}",
                    "payload": "{}",
                    "received_at": now - timedelta(minutes=i),
                    "status": status,
                    "attempts": 1,
                }
                for i, status in enumerate(("processed", "failed", "pending", "ignored"))
            ],
        )
        conn.execute(
            sa.insert(schema.cloudbed_outbound_log),
            [
                {
                    "property_id": pid,
                    "operation": "putGuest",
                    "cloudbed_id": "G1",
                    "decision": decision,
                    "success": ok,
                    "created_at": now - timedelta(minutes=3),
                }
                for decision, ok in (("sent", True), ("refused", None))
            ],
        )
    dash.box = box
    return dash


def _audit(at, where: str) -> list[str]:
    assert not at.exception, (where, at.exception)
    return [f"{where}: {p}" for p in problems(collect(at))]


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_every_page_is_indonesian(world, role):
    user = world.user("gm" if role == "manager" else "budi", role=role, language="id")
    found = []
    for page in PAGES if role == "manager" else STAFF_PAGES:
        found += _audit(world.app(as_user=user, page=page), page)
    assert found == [], "\n".join(found)


def _submit(at, form: str):
    [button] = [b for b in at.button if (b.key or "").startswith(f"FormSubmitter:{form}-")]
    return button.click().run()


WALK_IN_REFUSALS = [
    ({"new_first": ""}, "Nama depan wajib diisi."),
    ({"new_last": "   "}, "Nama belakang wajib diisi."),
    ({"new_email": "bukan email"}, '"bukan email" bukan alamat e-mail.'),
    ({"new_email": ""}, "Alamat e-mail wajib diisi: Cloudbeds memerlukannya untuk membuat reservasi."),
    ({"new_phone": "telepon saya"}, '"telepon saya" bukan nomor telepon'),
    ({"new_country": "I1"}, '"I1" bukan kode negara dua huruf seperti ID.'),
    ({"new_first": "Putu\u200b"}, "Nama depan berisi karakter yang tidak dapat disimpan."),
]


@pytest.mark.parametrize("typed,message", WALK_IN_REFUSALS)
def test_walk_in_refusals_are_indonesian(world, typed, message):
    at = world.app(as_user=world.user("gm", language="id"), page="reservations")
    at.radio(key="res_view").set_value("new").run()
    values = {"new_first": "Putu", "new_last": "Ariani", "new_email": "putu@example.id", **typed}
    for key, value in values.items():
        at.text_input(key=key).input(value)
    _submit(at, "new_reservation")
    errors = [e.value for e in at.error]
    assert any(message in shown(e) for e in errors), errors
    assert _audit(at, "walk-in") == []


def test_guest_edit_refusal_is_indonesian(world):
    at = world.app(as_user=world.user("gm", language="id"), page="reservations")
    at.radio(key="res_view").set_value("guests").run()
    at.session_state["guest_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    at.text_input(key="guest_last_name").input("")
    _submit(at, "guest_edit")
    assert "Nama belakang wajib diisi." in [shown(e.value) for e in at.error]
    assert _audit(at, "guest edit") == []


def test_every_edit_refusal_has_both_languages():
    """Each ``edit.*`` message the forms can raise is said in Indonesian, without raw names."""
    from pms import i18n

    en, id_ = i18n.messages("en"), i18n.messages("id")
    keys = sorted(k for k in en if k.startswith("edit."))
    assert len(keys) >= 20
    for key in keys:
        assert id_[key] != en[key], key
        assert "_" not in en[key].replace("{room_type}", ""), key
