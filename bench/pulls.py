"""Pulls that need no sync engine: the client's own list pull, and the naive per-reservation baseline.

- ``list``: every reservation through ``getReservationsWithRateDetails``, 100 a page, the way the
  sync's full pull reads them; items are streamed and dropped (no database), so this is the
  floor the sync's calls, time and memory are compared with.
- ``naive``: the naive approach: list the reservations (``getReservations``, 100 a
  page) for their ids, then one ``getReservation`` per id for the details. Every call is really
  made and counted by the sandbox (``limit`` caps the detail calls; the remainder is then
  extrapolated from the measured calls per detail, and the row says so).
"""

from __future__ import annotations

import time
from typing import Any

import requests

__all__ = ["run"]


def _client(args: dict[str, Any]):
    from pms.cloudbeds import ApiKeyAuth, CloudbedsClient

    rate = args.get("rate_limit") or 1e6  # the client's bucket needs a positive rate; 1e6 = off
    return CloudbedsClient(
        args["base_url"],
        ApiKeyAuth(args["api_key"]),
        property_id=args["property_id"],
        rate_limit=float(rate),
        property_timezone="Asia/Jakarta",
    )


def _sandbox_state(args: dict[str, Any]) -> dict[str, Any]:
    return requests.get(args["base_url"].split("/api/")[0] + "/_sandbox/state", timeout=30).json()


def run(args: dict[str, Any]) -> dict[str, Any]:
    client = _client(args)
    before = _sandbox_state(args)
    start = time.perf_counter()
    out: dict[str, Any] = {}
    if args["mode"] == "list":
        n = 0
        for _ in client.get_reservations_with_rate_details():
            n += 1
        out["reservations"] = n
    elif args["mode"] == "naive":
        ids = [r.reservation_id for r in client.get_reservations()]
        limit = args.get("limit") or len(ids)
        for rid in ids[:limit]:
            client.get_reservation(rid)
        out["reservations"] = len(ids)
        out["details_fetched"] = min(limit, len(ids))
    else:
        raise ValueError(args["mode"])
    out["seconds"] = time.perf_counter() - start
    after = _sandbox_state(args)
    out["sandbox_requests"] = after["requests"] - before["requests"]
    out["sandbox_rate_limited"] = after["rate_limited"] - before["rate_limited"]
    out["endpoints"] = {k: v - before["endpoints"].get(k, 0) for k, v in after["endpoints"].items()}
    out["client"] = client.stats.as_dict()
    client.close()
    return out
