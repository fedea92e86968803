"""Talk to a sandbox's admin API (plain HTTP on loopback; nothing is mocked)."""

from __future__ import annotations

from typing import Any

import requests

from pms.cloudbeds import ApiKeyAuth, CloudbedsClient, RetryPolicy, no_jitter


class Admin:
    """``/_sandbox/*`` of one sandbox: state, faults, config, clock, keys, tokens, truth."""

    def __init__(self, box) -> None:
        self.box = box
        self.url = f"{box.root_url}/_sandbox"

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        resp = requests.request(method, f"{self.url}/{path}", json=body, timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def state(self) -> dict:
        return self._call("GET", "state")

    def fault(self, endpoint: str, kind: str, times: int = 1, **extra: Any) -> None:
        self._call("POST", "faults", {"endpoint": endpoint, "kind": kind, "times": times, **extra})

    def config(self, **changes: Any) -> dict:
        return self._call("POST", "config", changes)

    def reset_counters(self) -> None:
        self._call("POST", "reset", {"counters_only": True})

    def advance(self, seconds: float) -> dict:
        return self._call("POST", "clock", {"advance": seconds})

    def api_key(self, scopes: list[str]) -> str:
        return self._call("POST", "api-keys", {"scopes": scopes, "label": "test"})["api_key"]

    def expire_tokens(self) -> int:
        return self._call("POST", "expire-tokens")["expired"]

    def truth(self, **query: Any) -> list[dict]:
        resp = requests.get(f"{self.url}/reservations", params=query, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()["data"]

    def mutate(self, count: int, kinds: list[str]) -> Any:
        return self._call("POST", "mutate", {"count": count, "kinds": kinds})


def make_client(box, fake_time=None, **kw: Any) -> CloudbedsClient:
    """A client for ``box``; with ``fake_time`` its limiter and backoff never really wait."""
    kw.setdefault("property_id", box.property_id)
    kw.setdefault("rate_limit", 1000.0)
    kw.setdefault("retry", RetryPolicy(jitter=no_jitter))
    kw.setdefault("timeout", 10.0)
    if fake_time is not None:
        kw.setdefault("clock", fake_time.clock)
        kw.setdefault("sleep", fake_time.sleep)
    auth = kw.pop("auth", None) or ApiKeyAuth(box.api_key)
    return CloudbedsClient(box.base_url, auth, **kw)
