"""Helpers for the sync tests: the sandbox's admin API over HTTP, database reads, truth comparison.

Nothing is mocked: the sandbox is a real HTTP server on 127.0.0.1 and the database is real
(SQLite, and MariaDB through the ``engine`` fixture). "The database equals the sandbox" is checked
field by field against ``/_sandbox/reservations``, the sandbox's canonical truth.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import requests
import sqlalchemy as sa

from pms.cloudbeds import ApiKeyAuth, CloudbedsClient, RetryPolicy, no_jitter
from pms.db import schema
from pms.sync import SyncContext


class Admin:
    """``/_sandbox/*`` of one sandbox."""

    def __init__(self, box) -> None:
        self.box = box
        self.url = f"{box.root_url}/_sandbox"

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        resp = requests.request(method, f"{self.url}/{path}", json=body, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def state(self) -> dict:
        return self._call("GET", "state")

    def calls(self) -> dict[str, int]:
        return dict(self.state()["endpoints"])

    def requests_made(self) -> int:
        return int(self.state()["requests"])

    def reset_counters(self) -> None:
        self._call("POST", "reset", {"counters_only": True})

    def fault(self, endpoint: str, kind: str, times: int = 1, **extra: Any) -> None:
        self._call("POST", "faults", {"endpoint": endpoint, "kind": kind, "times": times, **extra})

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def config(self, **changes: Any) -> dict:
        return self._call("POST", "config", changes)

    def mutate(self, count: int, kinds: list[str] | None = None) -> dict:
        body: dict[str, Any] = {"count": count}
        if kinds:
            body["kinds"] = kinds
        return self._call("POST", "mutate", body)

    def truth(self, ids: list[str] | None = None) -> list[dict]:
        params = {"reservationID": ",".join(ids)} if ids else {}
        resp = requests.get(f"{self.url}/reservations", params=params, timeout=60)
        assert resp.status_code == 200, resp.text
        return resp.json()["data"]


def make_client(box, **kw: Any) -> CloudbedsClient:
    kw.setdefault("property_id", box.property_id)
    kw.setdefault("rate_limit", 1000.0)
    kw.setdefault("retry", RetryPolicy(jitter=no_jitter, base=0.01, cap=0.05))
    kw.setdefault("timeout", 10.0)
    auth = kw.pop("auth", None) or ApiKeyAuth(kw.pop("api_key", None) or box.api_key)
    return CloudbedsClient(box.base_url, auth, **kw)


def make_ctx(engine, box, **kw: Any) -> SyncContext:
    return SyncContext(engine, make_client(box, **kw))


def rows(engine, table: sa.Table, *where) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(table).where(*where)).mappings()]


def count(engine, table: sa.Table, *where) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar())


def reservation(engine, cloudbed_id: str) -> dict | None:
    found = rows(engine, schema.reservasi, schema.reservasi.c.cloudbed_reservation_id == cloudbed_id)
    return found[0] if found else None


def _utc(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def mismatches(engine, property_id: str, truth: list[dict], *, check_guests: bool = True) -> list[str]:
    """Every difference between the database and the sandbox's truth (empty when they agree)."""
    r, room, g = schema.reservasi, schema.reservasi_room, schema.guest
    out: list[str] = []
    by_id = {x["cloudbed_reservation_id"]: x for x in rows(engine, r, r.c.property_id == property_id)}
    rooms: dict[str, list[dict]] = {}
    for x in rows(engine, room, room.c.property_id == property_id, room.c.is_deleted.is_(False)):
        rooms.setdefault(x["cloudbed_reservation_id"], []).append(x)
    guests = {x["cloudbed_guest_id"]: x for x in rows(engine, g, g.c.property_id == property_id)}
    for t in truth:
        rid = t["reservationID"]
        row = by_id.get(rid)
        if row is None:
            out.append(f"{rid}: missing")
            continue
        expect = {
            "status": t["status"],
            "is_deleted": t["isDeleted"],
            "source_id": t["sourceID"],
            "third_party_id": t["thirdPartyIdentifier"] or None,
            "check_in": date.fromisoformat(t["startDate"]),
            "check_out": date.fromisoformat(t["endDate"]),
            "cloudbed_updated_at": _utc(t["dateModifiedUTC"]),
            "cloudbed_created_at": _utc(t["dateCreatedUTC"]),
            "sub_total": _money(t["subTotal"]),
            "taxes_fees": _money(t["taxesFees"]),
            "total": _money(t["grandTotal"]),
            "paid": _money(t["paid"]),
            "balance": _money(t["balance"]),
        }
        for col, want in expect.items():
            have = row[col]
            if isinstance(have, Decimal) or isinstance(want, Decimal):
                have = _money(have)
            if isinstance(want, bool):
                have = bool(have)
            if have != want:
                out.append(f"{rid}: {col} is {have!r}, Cloudbeds has {want!r}")
        mine = {x["sub_reservation_id"]: x for x in rooms.get(rid, [])}
        theirs = {x["subReservationID"]: x for x in t["rooms"]}
        if set(mine) != set(theirs):
            out.append(f"{rid}: rooms {sorted(mine)} here, {sorted(theirs)} in Cloudbeds")
        for sub, want in theirs.items():
            have = mine.get(sub)
            if have is None:
                continue
            for col, value in (
                ("cloudbed_room_type_id", want["roomTypeID"]),
                ("room_id", want["roomID"]),
                ("check_in", date.fromisoformat(want["checkIn"])),
                ("check_out", date.fromisoformat(want["checkOut"])),
                ("adults", want["adults"]),
                ("children", want["children"]),
                ("room_total", _money(want["roomTotal"])),
            ):
                got = _money(have[col]) if col == "room_total" else have[col]
                if got != value:
                    out.append(f"{rid} room {sub}: {col} is {got!r}, Cloudbeds has {value!r}")
        if check_guests:
            for want in t["guests"]:
                have = guests.get(want["guestID"])
                if have is None:
                    out.append(f"{rid}: guest {want['guestID']} missing")
                    continue
                for col, key in (
                    ("first_name", "firstName"),
                    ("last_name", "lastName"),
                    ("email", "email"),
                    ("phone", "phone"),
                    ("country", "country"),
                ):
                    if (have[col] or "") != (want[key] or ""):
                        out.append(
                            f"{rid} guest {want['guestID']}: {col} is {have[col]!r}, Cloudbeds has "
                            f"{want[key]!r}"
                        )
    return out


def set_reservation(engine, cloudbed_id: str, **values: Any) -> None:
    """Change a stored booking as the hotel system would (for arranging a test)."""
    r = schema.reservasi
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(r).where(r.c.cloudbed_reservation_id == cloudbed_id).values(**values)
        ).rowcount
    assert done == 1, cloudbed_id


def pick(
    truth: list[dict],
    today: date,
    n: int,
    *,
    status: str = "confirmed",
    rooms: int | None = None,
    source_suffix: str | None = None,
) -> list[dict]:
    """``n`` upcoming live bookings with ``status`` (and optionally a room count or source kind)."""
    found = [
        t
        for t in truth
        if not t["isDeleted"]
        and t["status"] == status
        and date.fromisoformat(t["startDate"]) > today
        and (rooms is None or len(t["rooms"]) == rooms)
        and (source_suffix is None or t["sourceID"].endswith(source_suffix))
    ]
    assert len(found) >= n, f"the sandbox has only {len(found)} such bookings"
    return found[:n]


def today_of(admin: Admin) -> date:
    return date.fromisoformat(admin.state()["today"])
