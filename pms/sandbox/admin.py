"""The admin API under ``/_sandbox/``: inspect, script and reset the sandbox over HTTP.

Kept clearly outside Cloudbeds' paths, never rate limited and never counted as API requests. Tests
of other packages drive the sandbox only through these routes (JSON in, JSON out):

    GET  /_sandbox/state                 counters, sizes, faults, clock
    POST /_sandbox/reset                 {"counters_only": false}
    GET|POST|DELETE /_sandbox/faults     list / script {"endpoint","kind","times",...} / clear
    GET|POST /_sandbox/config            run-time settings (rate_limit, token_ttl, webhook_*, rate_job_delay,
                                         readings: {"errors": "status_codes", ...})
    POST /_sandbox/clock                 {"advance": seconds}
    POST /_sandbox/api-keys              {"scopes": [...], "label": "..."} → a limited API key
    POST /_sandbox/expire-tokens         every OAuth access token expires now
    GET  /_sandbox/reservations          the truth, canonical form (?reservationID=a,b&offset=&limit=)
    POST /_sandbox/mutate                {"count": n, "kinds": [...]} → changed reservation ids
    GET  /_sandbox/webhook-deliveries    what was sent where, with status and attempts
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pms.sandbox import frontdesk
from pms.sandbox.backend import Backend
from pms.sandbox.clock import format_utc
from pms.sandbox.faults import Fault
from pms.sandbox.responses import json_response

__all__ = ["ADMIN_ROUTES", "truth"]


def _json(body: Any, status: int = 200) -> Response:
    return json_response(body, status)


def _error(message: str, status: int = 400) -> Response:
    return _json({"error": message}, status)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValueError("the body must be JSON") from None
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def _backend(request: Request) -> Backend:
    return request.app.state.backend


async def state(request: Request) -> Response:
    return _json(_backend(request).state())


async def reset(request: Request) -> Response:
    try:
        body = await _body(request)
    except ValueError as exc:
        return _error(str(exc))
    backend = _backend(request)
    backend.reset(counters_only=bool(body.get("counters_only")))
    return _json({"ok": True, "counters_only": bool(body.get("counters_only")), "state": backend.state()})


async def faults(request: Request) -> Response:
    backend = _backend(request)
    if request.method == "GET":
        return _json({"pending": backend.faults.pending(), "served": backend.faults.served})
    if request.method == "DELETE":
        backend.faults.clear(counters=False)
        return _json({"ok": True})
    try:
        body = await _body(request)
        specs = body.get("faults", [body])
        parsed = [Fault.from_json(spec) for spec in specs]
    except (ValueError, TypeError) as exc:
        return _error(str(exc))
    for fault in parsed:
        backend.faults.add(fault)
    return _json({"ok": True, "pending": backend.faults.pending()})


async def config(request: Request) -> Response:
    backend = _backend(request)
    if request.method == "GET":
        return _json(backend.apply_config({}))
    try:
        return _json(backend.apply_config(await _body(request)))
    except (ValueError, TypeError) as exc:
        return _error(str(exc))


async def clock(request: Request) -> Response:
    backend = _backend(request)
    try:
        body = await _body(request)
        backend.clock.advance(float(body.get("advance", 0)))
    except (ValueError, TypeError) as exc:
        return _error(f"advance must be a number of seconds ({exc})")
    return _json(
        {
            "now_utc": backend.clock.now().strftime("%Y-%m-%d %H:%M:%S"),
            "today": backend.clock.today().isoformat(),
            "offset_seconds": backend.clock.offset_seconds,
        }
    )


async def api_keys(request: Request) -> Response:
    backend = _backend(request)
    try:
        body = await _body(request)
        scopes = body.get("scopes", [])
        if not isinstance(scopes, list):
            raise ValueError('scopes must be a list such as ["read:hotel"]')
        cred = backend.auth.add_api_key(set(scopes), label=str(body.get("label") or "limited"))
    except ValueError as exc:
        return _error(str(exc))
    return _json({"api_key": cred.secret, "scopes": sorted(cred.scopes), "label": cred.label})


async def expire_tokens(request: Request) -> Response:
    return _json({"expired": _backend(request).auth.expire_tokens()})


def truth(
    backend: Backend, ids: list[str] | None = None, offset: int = 0, limit: int | None = None
) -> list[dict]:
    """Every reservation in a canonical form, for "the sync equals the sandbox" assertions."""
    store = backend.store
    with store.lock:
        rows = (
            [store.reservations[i] for i in ids if i in store.reservations]
            if ids
            else list(store.reservations.values())
        )
        rows = rows[offset : None if limit is None else offset + limit]
        out = []
        for res in rows:
            out.append(
                {
                    "reservationID": res.reservation_id,
                    "status": res.status,
                    "isDeleted": res.is_deleted,
                    "sourceID": res.source_id,
                    "thirdPartyIdentifier": res.third_party_id,
                    "startDate": res.start.isoformat(),
                    "endDate": res.end.isoformat(),
                    "dateCreatedUTC": format_utc(res.created),
                    "dateModifiedUTC": format_utc(res.modified),
                    "dateCancelledUTC": format_utc(res.cancelled),
                    "subTotal": res.sub_total,
                    "taxesFees": res.taxes_fees,
                    "additionalItems": res.additional_items,
                    "grandTotal": res.grand_total,
                    "paid": res.paid,
                    "balance": res.balance,
                    "guests": [
                        {
                            "guestID": g.guest_id,
                            "firstName": g.first_name,
                            "lastName": g.last_name,
                            "email": g.email,
                            "phone": g.phone,
                            "country": g.country,
                            "isMainGuest": g.is_main,
                            "dateModifiedUTC": format_utc(g.modified),
                        }
                        for g in store.reservation_guests(res)
                    ],
                    "rooms": [
                        {
                            "subReservationID": r.sub_reservation_id,
                            "roomTypeID": r.room_type_id,
                            "roomID": r.room_id,
                            "rateID": r.rate_id,
                            "checkIn": r.check_in.isoformat(),
                            "checkOut": r.check_out.isoformat(),
                            "adults": r.adults,
                            "children": r.children,
                            "roomTotal": r.total,
                            "nightlyRates": {
                                n.isoformat(): v for n, v in zip(r.nights(), r.rates, strict=False)
                            },
                        }
                        for r in res.rooms
                    ],
                }
            )
        return out


async def reservations(request: Request) -> Response:
    q = request.query_params
    try:
        ids = [i for i in (q.get("reservationID") or "").split(",") if i] or None
        offset = int(q.get("offset") or 0)
        limit = int(q["limit"]) if q.get("limit") else None
    except ValueError:
        return _error("offset and limit must be integers")
    rows = truth(_backend(request), ids, offset, limit)
    return _json({"count": len(rows), "data": rows})


async def mutate(request: Request) -> Response:
    try:
        body = await _body(request)
        kinds = body.get("kinds")
        if kinds is not None and (not isinstance(kinds, list) or not kinds):
            raise ValueError('kinds must be a non-empty list, e.g. ["create", "cancel"]')
        result = frontdesk.mutate(_backend(request).store, int(body.get("count", 1)), kinds)
    except (ValueError, TypeError) as exc:
        return _error(str(exc))
    return _json(result)


async def webhook_deliveries(request: Request) -> Response:
    backend = _backend(request)
    return _json({"summary": backend.webhooks.summary(), "deliveries": backend.webhooks.report()})


ADMIN_ROUTES = [
    Route("/state", state, methods=["GET"]),
    Route("/reset", reset, methods=["POST"]),
    Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/config", config, methods=["GET", "POST"]),
    Route("/clock", clock, methods=["POST"]),
    Route("/api-keys", api_keys, methods=["POST"]),
    Route("/expire-tokens", expire_tokens, methods=["POST"]),
    Route("/reservations", reservations, methods=["GET"]),
    Route("/mutate", mutate, methods=["POST"]),
    Route("/webhook-deliveries", webhook_deliveries, methods=["GET"]),
]
