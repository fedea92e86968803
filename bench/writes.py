"""The database write path and its two baselines, each timed on an empty, freshly set-up database.

- ``upsert``: what a full sync does with each page of 100 reservations: upsert the guests (their
  ids back), the reservations (pointing at their guests, ids back) and the rooms (pointing at their
  reservations), one transaction per page. Uses the sync engine's own writer when it is merged
  (``pms.sync``), else ``pms.db.upsert.upsert_rows`` as the sync would call it.
- ``bare``: the database's own bulk insert of the same rows: one ``executemany`` INSERT per table
  (SQLAlchemy Core, which hands the list to the driver's ``executemany``), ids assigned up front
  so nothing is read back, one transaction. The floor no writer can beat.
- ``orm``: the row-by-row ORM baseline: per row, look it up by natural key through an ORM session,
  add or update it, flush to learn its id (the way a first hand-written sync usually looks).
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from bench.rows import RowSet

__all__ = ["prepare", "write_bare", "write_orm", "write_upsert"]


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
            r = upsert_rows(conn, reservasi, res_rows, key=("property_id", "cloudbed_reservation_id"),
                            return_ids=True)
            room_rows = []
            for i, room in r_rows:
                res = rows.reservations[i]
                room_rows.append({**room, "reservasi_id": r.ids[(res["property_id"], res["cloudbed_reservation_id"])]})
            m = upsert_rows(conn, reservasi_room, room_rows, key=("property_id", "sub_reservation_id"))
            for part in (g, r, m):
                for k, v in part.as_dict().items():
                    counts[k] += v
    return {"seconds": time.perf_counter() - start, **counts}


def write_bare(engine: sa.Engine, rows: RowSet) -> dict[str, Any]:
    """One executemany INSERT per table into the empty tables, ids assigned up front."""
    from pms.db.schema import guest, reservasi, reservasi_room

    guest_ids = {g["cloudbed_guest_id"]: n for n, g in enumerate(rows.guests, 1)}
    g_rows = [{**g, "id": n} for n, g in enumerate(rows.guests, 1)]
    r_rows = [{**r, "id": n, "guest_id": guest_ids[r["cloudbed_guest_id"]]}
              for n, r in enumerate(rows.reservations, 1)]
    m_rows = [{**m, "reservasi_id": p + 1} for m, p in zip(rows.rooms, rows.parent_of, strict=True)]
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(guest.insert(), g_rows)
        conn.execute(reservasi.insert(), r_rows)
        conn.execute(reservasi_room.insert(), m_rows)
    return {"seconds": time.perf_counter() - start, "created": len(g_rows) + len(r_rows) + len(m_rows)}


def _orm_classes():
    from pms.db.schema import guest, reservasi, reservasi_room

    registry = orm.registry()

    class Guest:
        pass

    class Reservation:
        pass

    class Room:
        pass

    registry.map_imperatively(Guest, guest)
    registry.map_imperatively(Reservation, reservasi)
    registry.map_imperatively(Room, reservasi_room)
    return Guest, Reservation, Room


def _orm_put(session: orm.Session, cls, key: dict[str, Any], row: dict[str, Any]):
    obj = session.scalars(sa.select(cls).filter_by(**key)).first()
    if obj is None:
        obj = cls()
        session.add(obj)
    for name, value in row.items():
        setattr(obj, name, value)
    session.flush()
    return obj


def write_orm(engine: sa.Engine, rows: RowSet, limit: int | None = None) -> dict[str, Any]:
    """Row by row through an ORM session (look up by natural key, add/update, flush for the id)."""
    Guest, Reservation, Room = _orm_classes()
    n = len(rows.reservations) if limit is None else min(limit, len(rows.reservations))
    guests_by_res: dict[str, list[dict]] = {}
    for g in rows.guests:
        guests_by_res.setdefault(g["cloudbed_reservation_id"], []).append(g)
    rooms_by_res: dict[int, list[dict]] = {}
    for room, parent in zip(rows.rooms, rows.parent_of, strict=True):
        rooms_by_res.setdefault(parent, []).append(room)
    written = 0
    start = time.perf_counter()
    with orm.Session(engine) as session, session.begin():
        for i in range(n):
            res = rows.reservations[i]
            guest_ids = {}
            for g in guests_by_res[res["cloudbed_reservation_id"]]:
                obj = _orm_put(session, Guest, {"property_id": g["property_id"],
                                                "cloudbed_guest_id": g["cloudbed_guest_id"]}, g)
                guest_ids[g["cloudbed_guest_id"]] = obj.id
                written += 1
            r = _orm_put(session, Reservation, {"property_id": res["property_id"],
                                                "cloudbed_reservation_id": res["cloudbed_reservation_id"]},
                         {**res, "guest_id": guest_ids[res["cloudbed_guest_id"]]})
            written += 1
            for room in rooms_by_res[i]:
                _orm_put(session, Room, {"property_id": room["property_id"],
                                         "sub_reservation_id": room["sub_reservation_id"]},
                         {**room, "reservasi_id": r.id})
                written += 1
    return {"seconds": time.perf_counter() - start, "reservations": n, "created": written}
