"""Starting, stopping and addressing a sandbox; envelopes and headers every response carries."""

from __future__ import annotations

import re

import requests

from pms.sandbox import Sandbox, SandboxConfig

from .helpers import Api


def test_background_sandbox_serves_on_a_free_loopback_port_and_stops():
    with Sandbox(SandboxConfig(reservations=10)) as box:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v1\.3", box.base_url)
        assert box.base_url.startswith(box.root_url)
        assert box.api_key.startswith("cbat_")
        body = requests.get(
            f"{box.base_url}/getHotels", headers={"x-api-key": box.api_key}, timeout=10
        ).json()
        assert body["data"][0]["propertyID"] == box.property_id
        root = box.root_url
    try:
        requests.get(f"{root}/_sandbox/state", timeout=2)
    except requests.ConnectionError:
        pass
    else:  # pragma: no cover - the port must be closed after stop()
        raise AssertionError("the sandbox still answers after stop()")


def test_two_sandboxes_run_side_by_side(sandbox_factory):
    a, b = sandbox_factory(reservations=5), sandbox_factory(reservations=5, seed=7)
    assert a.port != b.port
    assert a.property_id != b.property_id
    assert a.api_key != b.api_key


def test_every_response_has_a_unique_request_id(api):
    seen = set()
    for resp in (
        api.get("getHotels"),
        api.get("getHotels"),
        api.get("nope"),
        Api(api.box).get("getHotels"),
        requests.get(f"{api.box.root_url}/_sandbox/state", timeout=10),
    ):
        rid = resp.headers.get("X-Request-ID")
        assert rid and rid not in seen
        seen.add(rid)
    assert api.get("getHotels").headers["Content-Type"].startswith("application/json")


def test_v12_serves_the_same_methods(api):
    v12 = requests.get(
        api.box.root_url + "/api/v1.2/getHotels", headers={"x-api-key": api.box.api_key}, timeout=10
    )
    assert v12.status_code == 200
    assert v12.json() == api.ok("getHotels")


def test_unknown_method_or_version_is_404(api):
    assert api.get("getUnicorns").status_code == 404
    old = requests.get(
        api.box.root_url + "/api/v1.1/getHotels", headers={"x-api-key": api.box.api_key}, timeout=10
    )
    assert old.status_code == 404
    assert old.json()["success"] is False


def test_wrong_http_verb_is_refused(api):
    resp = api.post("getReservations")
    assert resp.status_code == 405
    assert "GET" in resp.json()["message"]


def test_config_repr_hides_secrets():
    cfg = SandboxConfig(reservations=1)
    text = repr(cfg)
    assert cfg.api_key not in text and cfg.client_secret not in text
    box = Sandbox(cfg)
    assert cfg.api_key not in repr(box)
