"""The admin API: state counters, reset, run-time config and the clock."""

from __future__ import annotations

import requests


def test_state_counts_requests_per_endpoint(api):
    api.ok("getHotels")
    api.ok("getReservations", pageSize=1)
    api.ok("getReservations", pageSize=1)
    state = api.admin("state")
    assert state["requests"] == 3
    assert state["endpoints"] == {"getHotels": 1, "getReservations": 2}
    assert state["reservations"] == 120 and state["guests"] >= 120
    assert state["property_id"] == api.box.property_id


def test_reset_restores_the_seed_and_zeroes_counters(api):
    before = api.admin("reservations")["data"]
    api.ok("getHotels")
    api.box.store.reservations[before[0]["reservationID"]].status = "no_show"  # tamper
    api.box.store.touch()
    counters = api.admin("reset", {"counters_only": True})
    assert counters["state"]["requests"] == 0
    assert api.admin("reservations")["data"] != before
    api.admin("reset", {})
    assert api.admin("reservations")["data"] == before


def test_config_rejects_unknown_or_bad_values(api):
    bad = requests.post(f"{api.box.root_url}/_sandbox/config", json={"seed": 1}, timeout=10)
    assert bad.status_code == 400 and "seed" in bad.json()["error"]
    bad = requests.post(f"{api.box.root_url}/_sandbox/config", json={"token_ttl": -5}, timeout=10)
    assert bad.status_code == 400
    now = api.admin("config", {"token_ttl": 60, "rate_job_delay": 0.1})
    assert now["token_ttl"] == 60 and now["rate_job_delay"] == 0.1


def test_clock_advances(api):
    before = api.admin("state")["now_utc"]
    after = api.admin("clock", {"advance": 86400 * 2})
    assert after["offset_seconds"] >= 172800
    assert after["now_utc"] > before
