"""Rates and availability: getRatePlans, getRate, getAvailableRoomTypes, patchRate, putRate, getRateJobs.

Prices come from ``pricing`` (and rate-job overrides); availability counts the rooms that
occupying reservations leave free. Writes are asynchronous jobs (see ``rates``): the call checks
the request's shape (bracket-key ``rates[i][interval]...``, at most 30 intervals, no derived rate)
and returns a ``jobReferenceID`` at once. Whether an interval's ``endDate`` is its last night or
the day after is the ``rate_end_date`` reading. The spec types getRatePlans' ``roomTypeName`` as an
integer and ``individualRooms[].roomName`` as a number, and the extra-charge maps as arrays; we send
what they are (names and maps) and say so in docs/sandbox.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pms.sandbox.api_catalog import currency_list
from pms.sandbox.endpoint import Call, Endpoint, Refused
from pms.sandbox.forms import ParamError, Params, parse_bool, parse_date
from pms.sandbox.models import RatePlan
from pms.sandbox.pricing import EXTRA_ADULT, EXTRA_CHILD, night_restrictions
from pms.sandbox.queries import property_mismatch
from pms.sandbox.store import Store

__all__ = ["ENDPOINTS"]

DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
MAX_INTERVALS = 30
RESTRICTION_FIELDS = {
    "minLos": int,
    "maxLos": int,
    "cutOff": int,
    "lastMinuteBooking": int,
    "closedToArrival": bool,
    "closedToDeparture": bool,
    "blocked": bool,
}


def _stay(p: Params) -> list[date]:
    start, end = p.date("startDate", required=True), p.date("endDate", required=True)
    if end < start:
        raise ParamError("Parameter endDate must not be before startDate")
    if (end - start).days > 366:
        raise ParamError("The date range may span at most one year")
    return [start + timedelta(days=i) for i in range(max(1, (end - start).days))]


def _extra(store: Store, room_type_id: str, adults: int | None, children: int | None) -> int:
    rt = store.room_types[room_type_id]
    extra_adults = max(0, (adults or 0) - rt.adults_included)
    extra_children = max(0, (children or 0) - rt.children_included)
    return extra_adults * EXTRA_ADULT + extra_children * EXTRA_CHILD


def _plan_json(store: Store, plan: RatePlan, nights: list[date], p: Params) -> dict[str, Any]:
    adults, children = p.int("adults"), p.int("children")
    extra = _extra(store, plan.room_type_id, adults, children)
    prices = [store.price(plan.rate_id, n) for n in nights]
    available = [store.available(plan.room_type_id, n) for n in nights]
    rt = store.room_types[plan.room_type_id]
    item: dict[str, Any] = {
        "rateID": plan.rate_id,
        "isDerived": plan.is_derived,
        "roomRate": sum(prices),
        "totalRate": sum(prices) + extra * len(nights),
        "roomsAvailable": min(available),
        "roomTypeID": rt.room_type_id,
        "roomTypeName": rt.name,  # the spec says integer; it is the name (API.md §10.9)
        "propertyID": store.property.property_id,
        "ratePlanID": plan.rate_id,
        "ratePlanNamePublic": plan.name_public,
        "ratePlanNamePrivate": plan.name_private,
        "promoCode": None,
        "daysOfWeek": DAYS,
        "addOns": [],
    }
    if plan.is_derived:
        parent = store.rate_plans[plan.parent_rate_id or ""]
        item.update(
            {
                "derivedType": plan.derived_type,
                "derivedValue": plan.derived_value,
                "baseRate": sum(store.price(parent.rate_id, n) for n in nights),
                "parentRateID": parent.rate_id,
                "parentRatePlanID": parent.rate_id,
                "parentRatePlanNamePublic": parent.name_public,
                "parentRatePlanNamePrivate": parent.name_private,
            }
        )
    if p.bool("detailedRates"):
        item["roomRateDetailed"] = [
            {
                "date": n.isoformat(),
                "rateBase": price,
                "totalRate": price + extra,
                "roomsAvailable": avail,
                **night_restrictions(plan, n, store.rate_plans),
            }
            for n, price, avail in zip(nights, prices, available, strict=False)
        ]
    return item


def get_rate_plans(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyIDs")
    nights = _stay(p)
    rate_ids, types = p.id_list("rateIDs"), p.id_list("roomTypeID")
    if p.id_list("promoCode"):
        return {"success": True, "data": []}  # the demo property has no promotions
    plans = [
        pl
        for pl in store.rate_plans.values()
        if (rate_ids is None or pl.rate_id in rate_ids) and (types is None or pl.room_type_id in types)
    ]
    return {"success": True, "data": [_plan_json(store, pl, nights, p) for pl in plans]}


def get_rate(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    rt_id = p.str("roomTypeID", required=True)
    nights = _stay(p)
    if rt_id not in store.room_types:
        raise ParamError(f"Unknown roomTypeID {rt_id!r}")
    plan = store.rate_plans[store.base_rate_id(rt_id)]
    item = _plan_json(store, plan, nights, p)
    data = {
        k: item[k] for k in ("rateID", "isDerived", "roomRate", "totalRate", "roomsAvailable", "daysOfWeek")
    }
    if "roomRateDetailed" in item:
        data["roomRateDetailed"] = [
            {
                "date": d["date"],
                "rate": d["rateBase"],
                "totalRate": d["totalRate"],
                "roomsAvailable": d["roomsAvailable"],
                **{k: d[k] for k in ("closedToArrival", "closedToDeparture", "blocked", "minLos", "maxLos")},
            }
            for d in item["roomRateDetailed"]
        ]
    return {"success": True, "data": data}


def get_available_room_types(call: Call) -> dict[str, Any]:
    p, store = call.params, call.store
    property_mismatch(store, p, "propertyIDs")
    nights = _stay(p)
    rooms = p.int("rooms", default=1, minimum=1)
    adults = p.int("adults", default=1, minimum=1)
    children = p.int("children", default=0, minimum=0)
    detailed = p.bool("detailedRates")
    min_rate, max_rate = p.number("minRate"), p.number("maxRate")
    sort = p.enum("sort", ("room_name", "hotel_name", "room_price", "hotel_stars"))
    descending = p.enum("order", ("asc", "desc"), "asc") == "desc"
    page = p.page(20)
    offered = []
    for rt in store.room_types.values():
        if rt.max_guests < adults + children:
            continue
        available = min(store.available(rt.room_type_id, n) for n in nights)
        if available < rooms:
            continue
        plan = store.rate_plans[store.base_rate_id(rt.room_type_id)]
        prices = [store.price(plan.rate_id, n) for n in nights]
        total = sum(prices)
        if (min_rate is not None and total < min_rate) or (max_rate is not None and total > max_rate):
            continue
        free = store.free_rooms(rt.room_type_id, nights[0], nights[-1] + timedelta(days=1))
        item = {
            "roomTypeID": rt.room_type_id,
            "roomTypeName": rt.name,
            "roomTypeNameShort": rt.short,
            "roomTypeDescription": rt.description,
            "maxGuests": rt.max_guests,
            "adultsIncluded": rt.adults_included,
            "childrenIncluded": rt.children_included,
            "roomTypePhotos": [
                {
                    "thumb": f"https://images.omahsekar.example/{rt.short.lower()}_t.jpg",
                    "image": f"https://images.omahsekar.example/{rt.short.lower()}.jpg",
                }
            ],
            "roomTypeFeatures": rt.features,
            "roomRate": total,
            "roomRateID": plan.rate_id,
            "ratePlanNamePublic": plan.name_public,
            "ratePlanNamePrivate": plan.name_private,
            "roomsAvailable": available,
            # Typed as arrays in the spec, described (and sent) as maps: guests -> surcharge per night.
            "adultsExtraCharge": {
                str(n): (n - rt.adults_included) * EXTRA_ADULT
                for n in range(rt.adults_included + 1, rt.max_guests + 1)
            },
            "childrenExtraCharge": {
                str(n): n * EXTRA_CHILD for n in range(rt.children_included + 1, rt.max_guests)
            },
            "individualRooms": [{"roomID": r.room_id, "roomName": r.name, "dormRoomName": ""} for r in free],
        }
        if detailed:
            item["roomRateDetailed"] = [
                {"date": n.isoformat(), "rate": price} for n, price in zip(nights, prices, strict=False)
            ]
        offered.append(item)
    if sort == "room_name":
        offered.sort(key=lambda i: i["roomTypeName"], reverse=descending)
    elif sort == "room_price":
        offered.sort(key=lambda i: i["roomRate"], reverse=descending)
    prop = store.property
    number, size = page
    data = [
        {"propertyID": prop.property_id, "propertyCurrency": currency_list(prop), "propertyRooms": offered}
    ]
    data = data[(number - 1) * size : (number - 1) * size + size]
    return {"success": True, "data": data, "roomCount": len(offered), "count": len(data), "total": 1}


def _interval(store: Store, raw: dict, where: str, patch: bool, exclusive: bool) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ParamError(f"{where} must be an object ({where}[startDate]=...)")
    out: dict[str, Any] = {}
    for key in ("startDate", "endDate"):
        if not raw.get(key):
            raise ParamError(f"Parameter {where}[{key}] is required")
        out[key] = parse_date(raw[key], f"{where}[{key}]").isoformat()
    if out["endDate"] < out["startDate"]:
        raise ParamError(f"{where}: endDate is before startDate")
    if exclusive and out["endDate"] == out["startDate"]:
        # The ``rate_end_date`` reading "exclusive": the wording integrators report.
        raise ParamError(f"{where}: endDate should be greater than startDate")
    if raw.get("rate") in (None, ""):
        raise ParamError(f"Parameter {where}[rate] is required")
    try:
        rate = float(raw["rate"])
    except (TypeError, ValueError):
        raise ParamError(f"Parameter {where}[rate] must be a number, got {raw['rate']!r}") from None
    if rate < 0:
        raise ParamError(f"Parameter {where}[rate] must not be negative")
    out["rate"] = int(rate) if rate.is_integer() else rate
    allowed = RESTRICTION_FIELDS if patch else {"blocked": bool}
    for key, kind in allowed.items():
        if raw.get(key) in (None, ""):
            continue
        if kind is bool:
            out[key] = parse_bool(raw[key], f"{where}[{key}]")
        else:
            try:
                out[key] = int(str(raw[key]))
            except ValueError:
                raise ParamError(f"Parameter {where}[{key}] must be an integer") from None
    return out


def _rate_write(call: Call, patch: bool) -> dict[str, Any]:
    # The spec lists only ``rates`` in these bodies: anything else (``propertyID`` too) is ignored.
    p, store = call.params, call.store
    exclusive = call.backend.reading("rate_end_date") == "exclusive"
    updates: list[dict[str, Any]] = []
    for i, item in enumerate(p.objects("rates", required=True)):
        rate_id = str(item.get("rateID") or "")
        if not rate_id:
            raise ParamError(f"Parameter rates[{i}][rateID] is required")
        intervals = item.get("interval")
        if patch:
            if isinstance(intervals, list):
                raise ParamError(
                    f"patchRate takes one interval object per rate (rates[{i}][interval][startDate]=...)"
                )
            intervals = [intervals]
        elif not isinstance(intervals, list):
            raise ParamError(f"putRate takes an array of intervals (rates[{i}][interval][0][startDate]=...)")
        for j, raw in enumerate(intervals):
            where = f"rates[{i}][interval]" + ("" if patch else f"[{j}]")
            updates.append({"rateID": rate_id, **_interval(store, raw, where, patch, exclusive)})
        plan = store.rate_plans.get(rate_id)
        if plan is not None and plan.is_derived:
            raise Refused(
                f"Rate {rate_id} is derived from rate {plan.parent_rate_id}; update the parent rate instead"
            )
    if len(updates) > MAX_INTERVALS:
        raise ParamError(f"At most {MAX_INTERVALS} intervals per request, got {len(updates)}")
    job = call.backend.rate_jobs.submit(call.credential.owner_id, updates, end_exclusive=exclusive)
    return {"success": True, "jobReferenceID": job.job_id}


def patch_rate(call: Call) -> dict[str, Any]:
    return _rate_write(call, patch=True)


def put_rate(call: Call) -> dict[str, Any]:
    return _rate_write(call, patch=False)


def get_rate_jobs(call: Call) -> dict[str, Any]:
    p = call.params
    rate_jobs = call.backend.rate_jobs
    status = p.enum("status", rate_jobs.status_names())
    jobs = rate_jobs.visible(call.credential.owner_id, p.str("jobReferenceID"), status)
    tz = call.store.clock.tz
    data = [j.to_json(tz, rate_jobs.status_of(j)) for j in jobs]
    return {"success": True, "hasNextPage": False, "nextPage": None, "data": data}


ENDPOINTS = [
    Endpoint("getRatePlans", "GET", "read:rate", get_rate_plans),
    Endpoint("getRate", "GET", "read:rate", get_rate),
    Endpoint("getAvailableRoomTypes", "GET", "read:room", get_available_room_types),
    Endpoint("patchRate", "POST", "write:rate", patch_rate),
    Endpoint("putRate", "POST", "write:rate", put_rate),
    Endpoint("getRateJobs", "GET", "read:rate", get_rate_jobs),
]
