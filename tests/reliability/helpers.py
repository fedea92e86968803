"""Small helpers shared by the reliability tests: the sandbox admin API and fake time.

Everything here talks HTTP to a real sandbox on 127.0.0.1; the only thing faked is waiting (the
client's backoff and limiter sleep on a clock that moves when slept on), so retry storms cost no
wall time.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import requests

from pms.cloudbeds import ApiKeyAuth, CloudbedsClient, RetryPolicy, no_jitter

__all__ = ["Admin", "FakeTime", "client_for", "record_diff"]


class FakeTime:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


class Admin:
    """``/_sandbox/*`` of one sandbox."""

    def __init__(self, box) -> None:
        self.url = f"{box.root_url}/_sandbox"

    def call(self, method: str, path: str, body: Any = None) -> Any:
        resp = requests.request(method, f"{self.url}/{path}", json=body, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def fault(self, endpoint: str, kind: str, **spec: Any) -> None:
        self.call("POST", "faults", {"endpoint": endpoint, "kind": kind, **spec})

    def clear_faults(self) -> None:
        self.call("DELETE", "faults")

    def served(self) -> dict[str, int]:
        return self.call("GET", "faults")["served"]

    def reset(self) -> None:
        self.call("POST", "reset", {})

    def truth(self) -> list[dict]:
        out, offset = [], 0
        while True:
            page = requests.get(
                f"{self.url}/reservations", params={"offset": offset, "limit": 1000}, timeout=60
            ).json()["data"]
            out += page
            if len(page) < 1000:
                return out
            offset += 1000


def client_for(box, fake: FakeTime | None = None, **kw: Any) -> CloudbedsClient:
    """A client for ``box``; with ``fake`` its backoff and limiter never really wait."""
    kw.setdefault("property_id", box.property_id)
    kw.setdefault("rate_limit", 1000.0)
    kw.setdefault("retry", RetryPolicy(jitter=no_jitter))
    kw.setdefault("timeout", 10.0)
    kw.setdefault("property_timezone", "Asia/Jakarta")  # the sandbox hotel's zone: no "zone unknown" warning
    if fake is not None:
        kw.setdefault("clock", fake.clock)
        kw.setdefault("sleep", fake.sleep)
    auth = kw.pop("auth", None) or ApiKeyAuth(box.api_key)
    return CloudbedsClient(box.base_url, auth, **kw)


def record_diff(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Fields where two typed records differ (``extra``, the unknown wire fields, is ignored)."""
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b) and type(a) is type(b):
        out = []
        for f in dataclasses.fields(a):
            if f.name not in ("extra", "raw"):
                out += record_diff(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
        return out
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=False)) for d in record_diff(x, y, f"{path}[{i}]")
        ]
    return [] if (a == b and type(a) is type(b)) else [(path, a, b)]
