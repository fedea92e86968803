"""A tiny raw-HTTP caller for the sandbox's own tests.

These tests speak raw HTTP with ``requests`` on purpose: they check the wire format the real
client will meet, independent of that client.
"""

from __future__ import annotations

import requests

# The status of each refusal whose status Cloudbeds leaves open, per ``errors`` reading
# (docs/sandbox.md): the guide's 400 / HTTP 200 with success:false, or REST's 404 / 403.
REFUSAL_STATUS = {
    "documented": {"not_found": 400, "forbidden": 200},
    "status_codes": {"not_found": 404, "forbidden": 403},
}


def refusal_status(box, kind: str) -> int:
    """What the sandbox answers an unknown id (``not_found``) or a missing scope (``forbidden``)."""
    return REFUSAL_STATUS[box.config.readings["errors"]][kind]


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

    def refused(self, resp: requests.Response, kind: str) -> dict:
        """Insist on the ``errors`` reading's answer to an unknown id or a missing scope."""
        assert resp.status_code == refusal_status(self.box, kind), (resp.status_code, resp.text[:300])
        body = resp.json()
        assert body["success"] is False and body["message"], body
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


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02):
    """Poll ``predicate`` until it returns something truthy (background work: deliveries, jobs)."""
    import time

    from conftest import WAIT_SCALE  # the root tests/conftest.py

    deadline = time.monotonic() + timeout * WAIT_SCALE
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def oauth_code(
    box, scope: str | None = None, redirect_uri: str = "https://pms.example/cb", state: str = "xyz"
) -> str:
    """Run the auto-approving consent page and return the one-time code from the redirect."""
    from urllib.parse import parse_qs, urlsplit

    params = {
        "client_id": box.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "state": state,
    }
    if scope is not None:
        params["scope"] = scope
    resp = requests.get(f"{box.base_url}/oauth", params=params, allow_redirects=False, timeout=30)
    assert resp.status_code == 302, resp.text
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


def token_request(box, **form) -> requests.Response:
    form.setdefault("client_id", box.client_id)
    form.setdefault("client_secret", box.client_secret)
    return requests.post(f"{box.base_url}/access_token", data=form, timeout=30)


class Receiver:
    """A tiny webhook receiver on a free loopback port; records every POSTed JSON body.

    ``script`` holds the HTTP statuses to answer with, one per request (then 200), and
    ``delay`` seconds to wait before answering (to provoke the sender's timeout).
    """

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.bodies: list[dict] = []
        self.script: list[int] = []
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import time

                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                status = receiver.script.pop(0) if receiver.script else 200
                if receiver.delay:
                    time.sleep(receiver.delay)
                receiver.bodies.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/t0k3n"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def events(self, name: str) -> list[dict]:
        return [b for b in self.bodies if b.get("event") == name]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
