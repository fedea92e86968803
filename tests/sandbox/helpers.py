"""A tiny raw-HTTP caller for the sandbox's own tests.

These tests speak raw HTTP with ``requests`` on purpose: they check the wire format the real
client will meet, independent of that client.
"""

from __future__ import annotations

import requests


class Api:
    """Raw calls to one sandbox with one credential."""

    def __init__(self, box, key: str | None = None, bearer: str | None = None) -> None:
        self.box = box
        self.session = requests.Session()
        if key is not None:
            self.session.headers["x-api-key"] = key
        if bearer is not None:
            self.session.headers["Authorization"] = f"Bearer {bearer}"

    def get(self, method: str, **params) -> requests.Response:
        return self.session.get(f"{self.box.base_url}/{method}", params=params, timeout=30)

    def post(self, method: str, data=None, **kw) -> requests.Response:
        return self.session.post(f"{self.box.base_url}/{method}", data=data, timeout=30, **kw)

    def put(self, method: str, data=None) -> requests.Response:
        return self.session.put(f"{self.box.base_url}/{method}", data=data, timeout=30)

    def delete(self, method: str, **params) -> requests.Response:
        return self.session.delete(f"{self.box.base_url}/{method}", params=params, timeout=30)

    def ok(self, method: str, verb: str = "GET", **kw) -> dict:
        """Call and insist on HTTP 200 with success:true; returns the JSON body."""
        if verb == "GET":
            resp = self.get(method, **kw)
        elif verb == "DELETE":
            resp = self.delete(method, **kw)
        else:
            resp = getattr(self, verb.lower())(method, kw.pop("data", None))
        assert resp.status_code == 200, (method, resp.status_code, resp.text[:500])
        body = resp.json()
        assert body.get("success") is True, (method, body)
        return body

    def all_pages(self, method: str, page_size: int = 100, **params) -> list[dict]:
        items: list[dict] = []
        page = 1
        while True:
            body = self.ok(method, pageNumber=page, pageSize=page_size, **params)
            items += body["data"]
            if body["count"] == 0 or (page - 1) * page_size + body["count"] >= body["total"]:
                return items
            page += 1

    # --- admin ----------------------------------------------------------------------------------

    def admin(self, path: str, json=None, method: str | None = None) -> dict:
        verb = method or ("POST" if json is not None else "GET")
        resp = requests.request(verb, f"{self.box.root_url}/_sandbox/{path}", json=json, timeout=30)
        assert resp.status_code == 200, (path, resp.status_code, resp.text[:500])
        return resp.json()
