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
from pms.i18n import Said
from pms.sync import SyncContext, SyncRequest, run_sync
from tests.dashboard.audit import collect, problems
from tests.dashboard.conftest import PAGES, STAFF_PAGES, shown
from tests.sync.helpers import make_client

BEFORE_START = Said("guard.before_start")  # what the outbound guard stores for a record typed by hand


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
                    "reason": reason,
                    "success": ok,
                    "created_at": now - timedelta(minutes=3),
                }
                for decision, ok, reason in (("sent", True, None), ("refused", None, str(BEFORE_START)))
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


def test_connection_test_speaks_indonesian(world):
    from pms.connection.checks import STEP_NAMES

    at = world.app(as_user=world.user("gm", language="id"), page="connection")
    at.button(key="test_connection").click().run()
    assert _audit(at, "connection test") == []
    [steps] = [d.value for d in at.dataframe if "step" in d.value.columns]
    assert list(steps["result"]) == ["✅"] * len(STEP_NAMES)
    messages = list(steps["message"])
    assert messages[0].startswith(f"{len(messages) and messages[0].split()[0]} tabel siap di ")
    assert " sebagai " in messages[1] and "terhubung ke" in messages[1]
    assert "zona waktu Asia/Jakarta, mata uang IDR" in messages[2]
    assert messages[3].endswith(" reservasi terlihat")
    assert "paket tarif; malam ini" in messages[4]


def test_a_failed_step_and_the_ones_it_skips_speak_indonesian(world):
    from pms.connection.checks import run_connection_checks
    from pms.db.credentials import CredentialStore
    from pms.i18n import Translator

    CredentialStore(world.engine).save_api_key(
        "cbat_wrong_key_0123456789abcdef", property_id=world.box.property_id, api_base=world.box.base_url
    )
    steps = run_connection_checks(world.engine)
    t = Translator("id")
    assert [s.ok for s in steps] == [True, False, False, False, False]
    assert [t.said(s.message) for s in steps[2:]] == ["dilewati: Koneksi API gagal"] * 3
    assert [str(s.message) for s in steps[2:]] == ["skipped: API connection failed"] * 3  # the CLI's


def test_sync_preview_speaks_indonesian(world):
    at = world.app(as_user=world.user("gm", language="id"), page="sync")
    [button] = [b for b in at.button if (b.key or "").startswith("FormSubmitter:sync_form-")]
    button.click().run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Menginap dari ") and "Reservasi, Tamu" in c for c in captions), captions
    found = _audit(at, "sync preview")
    assert found == [], "\n".join(found)


def test_a_refused_setting_is_named_by_its_label(world):
    at = world.app(as_user=world.user("gm", language="id"), page="settings")
    at.text_input(key="set_public").input("ftp://nope")
    _submit(at, "sync_settings")
    errors = [shown(e.value) for e in at.error]
    assert (
        "Alamat publik dasbor ini: harus alamat http(s) seperti https://pms.example.com, bukan 'ftp://nope'"
        in errors
    )
    found = _audit(at, "settings refusal")
    assert found == [], "\n".join(found)


def test_a_refused_api_key_is_named_by_its_label(world):
    at = world.app(as_user=world.user("gm", language="id"), page="connection")
    at.text_input(key="conn_key").input("bad key")
    _submit(at, "api_key_form")
    assert any(shown(e.value).startswith("API key Cloudbeds: itu tidak tampak") for e in at.error), [
        e.value for e in at.error
    ]
    found = _audit(at, "api key refusal")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_every_page_is_indonesian_on_a_fresh_install(dash, role):
    """Demo mode on an empty database: the empty states and first-run hints."""
    user = dash.user("gm" if role == "manager" else "budi", role=role, language="id")
    found = []
    for page in PAGES if role == "manager" else STAFF_PAGES:
        found += _audit(dash.app(as_user=user, page=page), page)
    assert found == [], "\n".join(found)


def test_sync_apply_speaks_indonesian(world):
    at = world.app(as_user=world.user("gm", language="id"), page="sync")
    at.multiselect(key="sync_entities").set_value(["reservations", "guests", "rates"])
    [button] = [b for b in at.button if (b.key or "").startswith("FormSubmitter:sync_form-")]
    button.click().run()
    at.button(key="sync_apply").click().run()
    assert not at.exception
    assert [s.label.split(":")[0] for s in at.status] == ["Sinkronisasi selesai"]
    [result] = [d.value for d in at.dataframe if "created" in d.value.columns]
    assert set(result["entity"]) >= {"Reservasi", "Tamu", "Tarif"}
    found = _audit(at, "sync apply")
    assert found == [], "\n".join(found)


def test_room_mapping_problems_are_indonesian(world):
    """Room types booked in Cloudbeds but not mapped: the page's warning, in the reader's words."""
    at = world.app(as_user=world.user("gm", language="id"), page="room_mapping")
    warnings = [shown(w.value) for w in at.warning]
    assert any(w.startswith("Tipe kamar Cloudbeds ") and "belum punya tipe kamar ADF" in w for w in warnings)
    found = _audit(at, "room mapping")
    assert found == [], "\n".join(found)


def test_the_alert_banner_names_the_alert_in_the_readers_words(world):
    with world.engine.begin() as conn:
        conn.execute(
            sa.insert(schema.cloudbed_alerts).values(
                property_id=world.box.property_id,
                alert_key="sync_failed",
                message="The last sync failed: timeout",
                status="active",
            )
        )
    at = world.app(as_user=world.user("gm", language="id"), page="sync")
    assert "1 peringatan aktif: Sinkronisasi gagal" in [e.value for e in at.error]
