"""The readings: one switch per undocumented behaviour, and each value answering as it says."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from pms.config import PROJECT_ROOT
from pms.sandbox import SandboxConfig
from pms.sandbox.readings import READINGS, default_readings, parse_reading

from .helpers import Api, oauth_code, token_request


def _box(sandbox_factory, **readings):
    return sandbox_factory(rate_limit=None, reservations=60, rate_job_delay=0.05, readings=readings)


def _config(box, body: dict) -> requests.Response:
    return requests.post(f"{box.root_url}/_sandbox/config", json=body, timeout=10)


# --- the switches -------------------------------------------------------------------------------


def test_every_reading_has_evidence_for_each_value_and_a_default():
    for reading in READINGS.values():
        assert len(reading.values) >= 2 and reading.default in reading.values
        assert all(len(evidence) > 30 for evidence in reading.values.values()), reading.name
    assert SandboxConfig().readings == default_readings()


def test_config_checks_names_and_values():
    assert SandboxConfig(readings={"errors": "status_codes"}).readings["errors"] == "status_codes"
    with pytest.raises(ValueError, match="unknown reading 'typo'"):
        SandboxConfig(readings={"typo": "x"})
    with pytest.raises(ValueError, match="errors must be one of documented, status_codes"):
        SandboxConfig(readings={"errors": "teapot"})
    assert parse_reading(" rate_end_date = exclusive ") == ("rate_end_date", "exclusive")
    with pytest.raises(ValueError, match="NAME=VALUE"):
        parse_reading("rate_end_date")


def test_admin_changes_readings_at_run_time_all_or_nothing(sandbox_factory):
    box = _box(sandbox_factory)
    before = requests.get(f"{box.root_url}/_sandbox/config", timeout=10).json()["readings"]
    assert before == default_readings()
    bad = _config(box, {"rate_limit": 1, "readings": {"errors": "status_codes", "rooms_paging": "pages"}})
    assert bad.status_code == 400 and "rooms_paging" in bad.json()["error"]
    assert requests.get(f"{box.root_url}/_sandbox/config", timeout=10).json()["readings"] == before
    good = _config(box, {"readings": {"errors": "status_codes"}})
    assert good.json()["readings"] == {**before, "errors": "status_codes"}
    assert requests.get(f"{box.root_url}/_sandbox/state", timeout=10).json()["readings"]["errors"] == (
        "status_codes"
    )


def test_cli_takes_readings_and_refuses_unknown_ones():
    cmd = [sys.executable, "-m", "pms", "sandbox", "--port", "0", "--reservations", "20", "--rate-limit", "0"]
    refused = subprocess.run(
        [*cmd, "--reading", "errors=teapot"],
        check=False,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "errors must be one of" in refused.stderr
    assert "rate_end_date: inclusive | exclusive" in refused.stderr
    proc = subprocess.Popen(
        [*cmd, "--reading", "errors=status_codes", "--reading", "rate_end_date=exclusive"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        base_url = re.fullmatch(r"sandbox: (\S+)/api/v1\.3 api_key=\S+ property_id=\d+", line).group(1)
        readings = requests.get(f"{base_url}/_sandbox/config", timeout=10).json()["readings"]
        assert (readings["errors"], readings["rate_end_date"]) == ("status_codes", "exclusive")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            assert proc.wait(timeout=15) == 0
        finally:
            if proc.poll() is None:  # pragma: no cover - never leave a server behind
                proc.kill()
            proc.stdout.close()
            proc.stderr.close()


# --- modified_filter_tz ---------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["property", "utc"])
def test_modified_filter_is_read_in_the_zone_of_the_reading(sandbox_factory, zone):
    box = _box(sandbox_factory, modified_filter_tz=zone)
    api = Api(box, key=box.api_key)
    changed = api.admin("mutate", {"count": 1, "kinds": ["guest"]})["changed"][0]
    truth = api.admin("reservations", method="GET")["data"]
    modified = next(t for t in truth if t["reservationID"] == changed)["dateModifiedUTC"]
    moment = datetime.strptime(modified, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    # The same instant, written as a wall clock in each zone (Asia/Jakarta is UTC+7).
    as_utc = moment.strftime("%Y-%m-%d %H:%M:%S")
    as_local = (moment + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S")
    found = {
        label: changed in {r["reservationID"] for r in api.all_pages("getReservations", modifiedFrom=text)}
        for label, text in (("utc", as_utc), ("property", as_local))
    }
    # The wall clock of the reading's own zone finds the change; the other one (7 hours later
    # under the property reading, 7 hours too late under the UTC one) finds it only as a UTC bound.
    assert found == {"utc": True, "property": zone == "property"}


# --- rate_end_date --------------------------------------------------------------------------------


def _patch(api, rate_id: str, start, end, rate: str) -> requests.Response:
    return api.post(
        "patchRate",
        {
            "rates[0][rateID]": rate_id,
            "rates[0][interval][startDate]": start.isoformat(),
            "rates[0][interval][endDate]": end.isoformat(),
            "rates[0][interval][rate]": rate,
        },
    )


def _nightly(api, rate_id: str, start, nights: int) -> list[int]:
    body = api.ok(
        "getRatePlans",
        startDate=start.isoformat(),
        endDate=(start + timedelta(days=nights)).isoformat(),
        rateIDs=rate_id,
        detailedRates="true",
    )
    return [n["rateBase"] for n in body["data"][0]["roomRateDetailed"]]


def _wait_jobs(api) -> None:
    deadline = time.monotonic() + 10
    while any(j["status"] not in ("completed", "error") for j in api.ok("getRateJobs")["data"]):
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.mark.parametrize("reading", ["inclusive", "exclusive"])
def test_rate_end_date_reading(sandbox_factory, reading):
    box = _box(sandbox_factory, rate_end_date=reading)
    api = Api(box, key=box.api_key)
    start = box.backend.clock.today() + timedelta(days=20)
    rate_id = next(p["rateID"] for p in api.ok("getRatePlans", startDate=start, endDate=start)["data"])
    before = _nightly(api, rate_id, start, 4)
    single = _patch(api, rate_id, start, start, "111000")
    three = _patch(api, rate_id, start + timedelta(days=1), start + timedelta(days=3), "222000")
    assert three.json()["success"] is True
    _wait_jobs(api)
    after = _nightly(api, rate_id, start, 4)
    if reading == "inclusive":
        assert single.json()["success"] is True
        assert after == [111000, 222000, 222000, 222000]
    else:  # start = end is refused; endDate is the day after the last night
        assert single.status_code == 400 and "endDate should be greater than startDate" in single.text
        assert after == [before[0], 222000, 222000, before[3]]


# --- rooms_paging ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "pages"),
    [
        ("rooms", [(100, 100, 150), (50, 50, 150), (0, 0, 150)]),
        ("properties", [(150, 1, 1), (0, 0, 1)]),
        ("rooms_property_totals", [(100, 1, 1), (50, 1, 1), (0, 0, 1)]),
    ],
)
def test_rooms_paging_reading(sandbox_factory, reading, pages):
    box = sandbox_factory(rate_limit=None, reservations=30, rooms=150, readings={"rooms_paging": reading})
    api = Api(box, key=box.api_key)
    seen = []
    for number in range(1, len(pages) + 1):
        body = api.ok("getRooms", pageNumber=number, pageSize=100)
        seen.append((sum(len(p["rooms"]) for p in body["data"]), body["count"], body["total"]))
    assert seen == pages
    names = [r["roomName"] for p in api.ok("getRooms", pageSize=100)["data"] for r in p["rooms"]]
    assert len(set(names)) == len(names) and all(re.search(r"\d{3,4}", n) for n in names)


# --- refresh_tokens -------------------------------------------------------------------------------


@pytest.mark.parametrize("reading", ["rotate", "reuse"])
def test_refresh_tokens_reading(sandbox_factory, reading):
    box = _box(sandbox_factory, refresh_tokens=reading)
    code = oauth_code(box)
    first = token_request(
        box, grant_type="authorization_code", code=code, redirect_uri="https://pms.example/cb"
    )
    used = first.json()["refresh_token"]
    renewed = token_request(box, grant_type="refresh_token", refresh_token=used)
    assert renewed.status_code == 200
    again = token_request(box, grant_type="refresh_token", refresh_token=used)
    if reading == "rotate":
        assert renewed.json()["refresh_token"] != used
        assert again.status_code == 401 and again.json()["error"] == "invalid_grant"
        assert token_request(
            box, grant_type="refresh_token", refresh_token=renewed.json()["refresh_token"]
        ).ok
    else:
        assert renewed.json()["refresh_token"] == used and again.status_code == 200
    assert Api(box).admin("state")["auth"]["refreshes"] == 2  # a refused refresh is not one


# --- rate_job_statuses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "unfinished"), [("documented", {"in_progress"}), ("extended", {"queued", "processing"})]
)
def test_rate_job_statuses_reading(sandbox_factory, reading, unfinished):
    box = sandbox_factory(
        rate_limit=None, reservations=30, rate_job_delay=0.6, readings={"rate_job_statuses": reading}
    )
    api = Api(box, key=box.api_key)
    start = box.backend.clock.today() + timedelta(days=5)
    rate_id = next(p["rateID"] for p in api.ok("getRatePlans", startDate=start, endDate=start)["data"])
    assert _patch(api, rate_id, start, start + timedelta(days=1), "500000").json()["success"]
    statuses = []
    deadline = time.monotonic() + 10
    while not statuses or statuses[-1] not in ("completed", "error"):
        assert time.monotonic() < deadline
        statuses.append(api.ok("getRateJobs")["data"][0]["status"])
        time.sleep(0.05)
    assert set(statuses[:-1]) == unfinished and statuses[-1] == "completed"
    assert api.ok("getRateJobs", status="completed")["data"]


# --- empty_guest_zip ------------------------------------------------------------------------------


@pytest.mark.parametrize("reading", ["refuse", "accept"])
def test_empty_guest_zip_reading(sandbox_factory, reading):
    box = _box(sandbox_factory, empty_guest_zip=reading)
    api = Api(box, key=box.api_key)
    room_type = api.ok("getRoomTypes")["data"][1]["roomTypeID"]
    start = box.backend.clock.today() + timedelta(days=9)
    form = {
        "startDate": start.isoformat(),
        "endDate": (start + timedelta(days=1)).isoformat(),
        "guestFirstName": "Made",
        "guestLastName": "Made",
        "guestEmail": "made@example.id",
        "guestCountry": "ID",
        "guestZip": "",
        "paymentMethod": "cash",
        "rooms[0][roomTypeID]": room_type,
        "rooms[0][quantity]": "1",
        "adults[0][roomTypeID]": room_type,
        "adults[0][quantity]": "1",
        "children[0][roomTypeID]": room_type,
        "children[0][quantity]": "0",
    }
    resp = api.post("postReservation", form)
    if reading == "refuse":
        assert resp.status_code == 400 and "Invalid Parameters" in resp.json()["message"]
    else:
        assert resp.status_code == 200 and resp.json()["success"] is True
    missing = api.post("postReservation", {k: v for k, v in form.items() if k != "guestZip"})
    assert missing.status_code == 400 and "guestZip" in missing.json()["message"]


def test_the_docs_list_every_switch_with_its_evidence_and_what_the_client_assumes():
    sandbox_doc = (PROJECT_ROOT / "docs" / "sandbox.md").read_text()
    section = sandbox_doc.split("## Readings: where the documentation is silent", 1)[1].split("\n## ", 1)[0]
    client_doc = (PROJECT_ROOT / "docs" / "client.md").read_text().split("## What the client assumes", 1)[1]
    for name, reading in READINGS.items():
        assert f"`{name}`" in section and f"`{name}`" in client_doc, name
        for value in reading.values:
            assert f"`{value}`" in section, (name, value)
        assert f"**`{reading.default}`**" in section, (name, "default")
