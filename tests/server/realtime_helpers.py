"""Comparing the hotel database with the sandbox's truth, for the end-to-end real-time tests."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader


def truth(root_url: str, ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        body = requests.get(
            f"{root_url}/_sandbox/reservations",
            params={"reservationID": ",".join(chunk), "limit": 1000},
            timeout=30,
        ).json()
        found.update({r["reservationID"]: r for r in body["data"]})
    return found


def local(engine: sa.Engine, ids: list[str]) -> dict[str, sa.Row]:
    r = schema.reservasi
    with reader(engine).connect() as conn:
        rows = conn.execute(sa.select(r).where(r.c.cloudbed_reservation_id.in_(ids))).all()
    return {row.cloudbed_reservation_id: row for row in rows}


def differences(engine: sa.Engine, root_url: str, ids: list[str]) -> list[str]:
    """What differs between reservasi and the sandbox for these bookings (empty: converged)."""
    want, have = truth(root_url, ids), local(engine, ids)
    out = []
    for rid in ids:
        t, h = want.get(rid), have.get(rid)
        if t is None:
            continue
        if h is None:
            if not t["isDeleted"]:
                out.append(f"{rid}: missing")
            continue
        if bool(h.is_deleted) != bool(t["isDeleted"]):
            out.append(f"{rid}: deleted {h.is_deleted} != {t['isDeleted']}")
        elif _refused_cancel(h, t):
            continue  # domain rule 6: a paid booking cancelled in Cloudbeds is flagged, not cancelled here
        elif not t["isDeleted"] and (h.status, h.check_in.isoformat(), h.check_out.isoformat()) != (
            t["status"],
            t["startDate"],
            t["endDate"],
        ):
            out.append(
                f"{rid}: {h.status} {h.check_in}..{h.check_out} != {t['status']} "
                f"{t['startDate']}..{t['endDate']}"
            )
    return out


def _refused_cancel(row, truth_row) -> bool:
    return (
        truth_row["status"] in ("canceled", "no_show")
        and row.sync_status == "error"
        and "canceled in Cloudbeds" in (row.sync_error or "")
    )


def webhook_api_calls(engine: sa.Engine) -> int:
    log = schema.cloudbed_sync_log
    with reader(engine).connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(log.c.api_calls), 0)).where(log.c.trigger == "webhook")
            ).scalar()
        )


def reservation_count(engine: sa.Engine) -> int:
    with reader(engine).connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar()
