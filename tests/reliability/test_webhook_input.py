"""A battery of hostile webhook deliveries against the real server (``python -m pms serve``).

Every answer must be one of the documented statuses (404 wrong token, 413 oversized, 400 not an
event, 202 unknown property or event type, 200 stored or duplicate) — never a 5xx — nothing may
be stored for a refused delivery, a storm of identical deliveries is stored once, the server
still answers ``/healthz`` afterwards, and the token never appears in its log.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
from cryptography.fernet import Fernet

from pms.config import PROJECT_ROOT
from pms.db import schema
from pms.db.engine import make_engine, reader
from pms.db.secrets import SecretBox
from pms.db.settings import Settings

from .inputs import NON_ASCII, SQL_METACHARACTERS

AREA = "bad input: webhooks"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real server in demo mode on SQLite, on a free loopback port; stopped by PID afterwards."""
    work = tmp_path_factory.mktemp("webhook-server")
    db_url = f"sqlite:///{work / 'pms.sqlite3'}"
    key = Fernet.generate_key().decode()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMS_")}
    env.update(
        PMS_DATABASE_URL=db_url,
        PMS_DATA_DIR=str(work / "data"),
        PMS_SECRET_KEY=key,
        PMS_DEMO_RESERVATIONS="60",
        PMS_DEMO_RATE_LIMIT="0",
        PYTHONUNBUFFERED="1",
    )
    log_path = work / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pms", "-v", "serve", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    engine = make_engine(db_url)
    settings = Settings(engine, SecretBox(key.encode()))
    try:
        deadline = time.monotonic() + 90
        token = None
        while token is None:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the server did not come up"
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    token = settings.secret("cloudbed_webhook_token")
                    prop = settings.get("pms_demo_property_id")
            except (requests.RequestException, sa.exc.OperationalError):
                pass
            time.sleep(0.2)
        yield {"url": url, "token": token, "property": prop, "engine": engine, "log": log_path}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        engine.dispose()


def _stored(server) -> int:
    t = schema.cloudbed_webhook_events
    with reader(server["engine"]).connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar())


def _event(server, **extra) -> dict:
    body = {
        "version": "1.0",
        "event": "reservation/status_changed",
        "timestamp": time.time(),
        "propertyID": int(server["property"]),
        "propertyID_str": server["property"],
        "reservationID": "5200000001",
        "status": "checked_in",
    }
    body.update(extra)
    return body


def _post(server, token, *, body=None, data=None):
    headers = {"Content-Type": "application/json"}
    if data is None:
        data = json.dumps(body).encode()
    return requests.post(
        f"{server['url']}/webhooks/cloudbeds/{token}", data=data, headers=headers, timeout=15
    )


def test_wrong_tokens_are_404_and_store_nothing(server, tally):
    token = server["token"]
    wrong = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token.upper() if token.upper() != token else token + "a",
        token[:20],
        token + token,
        "x" * 10_000,
        "null",
        "undefined",
        "..%2F..%2Fhealthz",
        *[requests.utils.quote(s, safe="") for s in SQL_METACHARACTERS + NON_ASCII],
    ]
    before = _stored(server)
    for candidate in wrong:
        resp = _post(server, candidate, body=_event(server))
        tally.add(AREA, bad_inputs=1)
        assert resp.status_code in (404, 414, 400), (candidate[:30], resp.status_code)
    assert _stored(server) == before


def test_malformed_bodies_are_refused_with_4xx_never_5xx(server, tally):
    token = server["token"]
    bodies = [
        b"",
        b"null",
        b"true",
        b'"event"',
        b'{"event": null}',
        b'{"event": "a/b/c"}',
        b'{"event": "reservation/created", "reservationID": [1, 2]}',
        b'{"event": "reservation/created", "timestamp": NaN}',
        '{"event": "reservation/created", "x": "\ud800"}'.encode("utf-8", "surrogatepass"),
        b"\x00" * 100,
        json.dumps(_event(server)).encode("utf-16"),
    ]
    before = _stored(server)
    for data in bodies:
        resp = _post(server, token, data=data)
        tally.add(AREA, bad_inputs=1)
        assert 400 <= resp.status_code < 500 or resp.status_code in (200, 202), (data[:40], resp.status_code)
        assert resp.status_code < 500, (data[:40], resp.text[:200])
    assert _stored(server) - before <= 2  # only the NaN / lone-surrogate ones may be accepted as events
    assert requests.get(f"{server['url']}/healthz", timeout=10).status_code == 200


def test_hostile_field_values_are_data_and_the_server_stays_up(server, tally):
    token = server["token"]
    values = [*SQL_METACHARACTERS, *NON_ASCII, "9" * 40, "-1", "0", "1e309"]
    for value in values:
        for field in ("reservationID", "status", "guestID"):
            resp = _post(server, token, body=_event(server, **{field: value}))
            tally.add(AREA, bad_inputs=1)
            assert resp.status_code in (200, 202, 400), (field, value[:20], resp.status_code, resp.text[:200])
    for prop in ["999", "'; DROP TABLE reservasi; --", "ホテル", "-5"]:
        resp = _post(server, token, body=_event(server, propertyID=prop, propertyID_str=prop))
        tally.add(AREA, bad_inputs=1)
        assert resp.status_code in (202, 400), (prop, resp.status_code)
    inspector = sa.inspect(server["engine"])
    assert inspector.has_table("reservasi") and inspector.has_table("settings")
    assert requests.get(f"{server['url']}/healthz", timeout=10).status_code == 200


def test_a_storm_of_identical_deliveries_is_stored_once(server, tally):
    body = _event(server, reservationID="5200000002", timestamp=1_767_000_000.5)
    before = _stored(server)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: _post(server, server["token"], body=body).status_code, range(40)))
    tally.add(AREA, bad_inputs=39, runs=40)
    assert set(answers) <= {200}
    stored = _stored(server) - before
    tally.add(AREA, duplicates=stored - 1)
    assert stored == 1


def test_the_token_is_not_in_the_server_log(server, tally):
    log = server["log"].read_text(errors="replace")
    tally.add(AREA, places_scanned=1, secrets_found=int(server["token"] in log))
    assert "/webhooks/cloudbeds/" in log or log  # the log was written
    assert server["token"] not in log


def test_deeply_nested_json_is_a_400(server, tally):
    for data in (b"[" * 20_000 + b"]" * 20_000, b'{"a":' * 9_000 + b"1" + b"}" * 9_000):
        tally.add(AREA, bad_inputs=1)
        resp = _post(server, server["token"], data=data)
        assert resp.status_code == 400, resp.status_code
