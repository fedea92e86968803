"""The writer on both engines and variants: new guests in one statement with the right ids."""

from __future__ import annotations

import sqlalchemy as sa

from pms.adf.introspect import describe, reflect_tables
from pms.adf.write import _insert_guests

from .schemas import create_front_desk


def test_new_guests_get_the_ids_of_their_own_rows(engine, variant):
    create_front_desk(engine, variant)
    with engine.begin() as conn:
        guests = reflect_tables(conn, describe(conn))["guests"]
        conn.execute(sa.insert(guests).values(guest_name="Tamu Lama", id_card_number="KTP-1"))
        rows = [{"guest_name": f"Tamu {i}", "id_card_number": f"CB-{i}"} for i in range(7)]
        ids = _insert_guests(conn, guests, rows)
        stored = dict(
            conn.execute(sa.select(guests.c.id, guests.c.guest_name).where(guests.c.id.in_(ids))).all()
        )
    assert [stored[i] for i in ids] == [r["guest_name"] for r in rows]
    assert len(set(ids)) == 7
