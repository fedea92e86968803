"""The database write path and its baseline, each timed on an empty, freshly set-up database.

- ``upsert``: what a full sync does with each page of 100 reservations: upsert the guests (their
  ids back), the reservations (pointing at their guests, ids back) and the rooms (pointing at their
  reservations), one transaction per page. Uses the sync engine's own writer when it is merged
  (``pms.sync``), else ``pms.db.upsert.upsert_rows`` as the sync would call it.
- ``bare``: the database's own bulk insert of the same rows: one ``executemany`` INSERT per table
  (SQLAlchemy Core, which hands the list to the driver's ``executemany``), ids assigned up front
  so nothing is read back, one transaction. The floor no writer can beat.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from bench.rows import RowSet

__all__ = ["prepare", "with_ids", "write_bare", "write_upsert"]


def prepare(url: str) -> sa.Engine:
    """An engine on ``url`` with the product's schema installed (not timed)."""
    from pms.db.engine import make_engine
    from pms.db.setup import ensure_schema

    engine = make_engine(url)
    ensure_schema(engine)
    return engine


def _pages(rows: RowSet, page: int):
    """Per page: (reservation indexes, guest rows, room rows with their parent indexes)."""
    guests_by_res: dict[str, list[dict]] = {}
    for g in rows.guests:
        guests_by_res.setdefault(g["cloudbed_reservation_id"], []).append(g)
    rooms_by_res: dict[int, list[dict]] = {}
    for room, parent in zip(rows.rooms, rows.parent_of, strict=True):
        rooms_by_res.setdefault(parent, []).append(room)
    for start in range(0, len(rows.reservations), page):
        idx = range(start, min(start + page, len(rows.reservations)))
        g = [x for i in idx for x in guests_by_res[rows.reservations[i]["cloudbed_reservation_id"]]]
        r = [(i, x) for i in idx for x in rooms_by_res[i]]
        yield idx, g, r


def write_upsert(engine: sa.Engine, rows: RowSet, page: int = 100) -> dict[str, Any]:
    """Upsert the rows page by page the way a full sync writes them; returns seconds and counts."""
    from pms.db.schema import guest, reservasi, reservasi_room
    from pms.db.upsert import upsert_rows

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    start = time.perf_counter()
    for idx, g_rows, r_rows in _pages(rows, page):
        with engine.begin() as conn:
            g = upsert_rows(conn, guest, g_rows, key=("property_id", "cloudbed_guest_id"), return_ids=True)
            res_rows = []
            for i in idx:
                row = dict(rows.reservations[i])
                row["guest_id"] = g.ids[(row["property_id"], row["cloudbed_guest_id"])]
                res_rows.append(row)
            r = upsert_rows(
                conn, reservasi, res_rows, key=("property_id", "cloudbed_reservation_id"), return_ids=True
            )
            room_rows = []
            for i, room in r_rows:
                res = rows.reservations[i]
                room_rows.append(
                    {**room, "reservasi_id": r.ids[(res["property_id"], res["cloudbed_reservation_id"])]}
                )
            m = upsert_rows(conn, reservasi_room, room_rows, key=("property_id", "sub_reservation_id"))
            for part in (g, r, m):
                for k, v in part.as_dict().items():
                    counts[k] += v
    return {"seconds": time.perf_counter() - start, **counts}


def with_ids(rows: RowSet) -> tuple[list[dict], list[dict], list[dict]]:
    """The rows with primary keys and foreign keys filled in, as the bare insert writes them."""
    guest_ids = {g["cloudbed_guest_id"]: n for n, g in enumerate(rows.guests, 1)}
    g_rows = [{**g, "id": n} for n, g in enumerate(rows.guests, 1)]
    r_rows = [
        {**r, "id": n, "guest_id": guest_ids.get(r["cloudbed_guest_id"])}
        for n, r in enumerate(rows.reservations, 1)
    ]
    m_rows = [{**m, "reservasi_id": p + 1} for m, p in zip(rows.rooms, rows.parent_of, strict=True)]
    return g_rows, r_rows, m_rows


def write_bare(
    engine: sa.Engine, guests: list[dict], reservations: list[dict], rooms: list[dict]
) -> dict[str, Any]:
    """One executemany INSERT per table into the empty tables; rows carry their ids already."""
    from pms.db.schema import guest, reservasi, reservasi_room

    start = time.perf_counter()
    with engine.begin() as conn:
        for table, rows in ((guest, guests), (reservasi, reservations), (reservasi_room, rooms)):
            if rows:
                conn.execute(table.insert(), rows)
    return {"seconds": time.perf_counter() - start, "created": len(guests) + len(reservations) + len(rooms)}
