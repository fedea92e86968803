"""``python -m pms <argv>`` in this process, with its database round trips told apart.

Run as a bench child (``python -m bench.child cli``) behind ``bench.delayproxy``: the proxy counts
every round trip; this module asks it how many had passed when the command made its first
Cloudbeds call (the command's fixed cost), and counts the statements that wrote the API log (each
a round trip, with its COMMIT). The command itself is the product's, unchanged.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from typing import Any

import requests
import sqlalchemy as sa

from bench.delayproxy import DelayProxy

__all__ = ["run"]


def run(args: dict[str, Any]) -> dict[str, Any]:
    from pms.cli import main

    proxy = DelayProxy("", 0, 0)
    proxy.control = int(args["control"])
    first: dict[str, Any] = {}
    api_log = {"statements": 0}
    send = requests.Session.send

    def tapped(self, request, **kw):
        if not first:
            first["round_trips"] = proxy.stats()["round_trips"]
            first["at_s"] = time.perf_counter() - t0
        return send(self, request, **kw)

    def on_statement(conn, cursor, statement, params, context, executemany) -> None:
        if "cloudbed_api_log" in statement and statement.lstrip().upper().startswith("INSERT"):
            api_log["statements"] += 1

    requests.Session.send = tapped  # type: ignore[method-assign]
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", on_statement)
    proxy.reset()
    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = main(list(args["argv"]))
    wall = time.perf_counter() - t0
    total = proxy.stats()["round_trips"]
    lines = [line for line in out.getvalue().splitlines() if line.startswith("{")]
    return {
        "returncode": code,
        "wall_s": wall,
        "round_trips": total,
        "before_first_call": first.get("round_trips"),
        "first_call_at_s": first.get("at_s"),
        "api_log_round_trips": 2 * api_log["statements"],  # the INSERT and its COMMIT
        "output": json.loads(lines[-1]) if lines else {},
    }
