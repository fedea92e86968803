"""Work that the fault tests interrupt: a bulk upsert of guests in one transaction.

Run as a module (``python -m reliability.victims URL ROWS VERSION KILL_AT``, from ``tests/``) it
SIGKILLs its own process just before the ``KILL_AT``-th SQL statement, which is what a crash, an
OOM kill or a power cut does to a sync in the middle of a batch.
"""

from __future__ import annotations

import os
import signal
import sys

import sqlalchemy as sa

from pms.db import schema
from pms.db.upsert import upsert_rows

__all__ = ["PROPERTY", "guest_rows", "read_guests", "upsert_guests"]

PROPERTY = "31337"
KEY = ("property_id", "cloudbed_guest_id")


def guest_rows(n: int, version: int) -> list[dict]:
    """``n`` guests; every ``version`` changes each row's name and e-mail."""
    return [
        {
            "property_id": PROPERTY,
            "cloudbed_guest_id": str(100000 + i),
            "first_name": f"Gäst {i}",
            "last_name": f"Nom-{i}-v{version}",
            "email": f"g{i}.v{version}@example.com",
        }
        for i in range(n)
    ]


def upsert_guests(engine: sa.Engine, rows: list[dict], before_statement=None) -> None:
    """One transaction, batches of 100; ``before_statement(n)`` runs before the n-th statement."""
    with engine.connect() as conn:
        if before_statement is not None:
            count = {"n": 0}

            def hook(*_args):
                count["n"] += 1
                before_statement(count["n"])

            sa.event.listen(conn, "before_cursor_execute", hook)
        with conn.begin():
            upsert_rows(conn, schema.guest, rows, key=KEY, batch_size=100)


def read_guests(engine: sa.Engine) -> list[tuple]:
    """Every guest row of the test property as (guest id, last name, e-mail), duplicates included."""
    t = schema.guest
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(t.c.cloudbed_guest_id, t.c.last_name, t.c.email).where(t.c.property_id == PROPERTY)
            )
        ]


def _main(url: str, n: int, version: int, kill_at: int) -> None:
    from pms.db.engine import make_engine

    def die(statement_no: int) -> None:
        if statement_no == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    upsert_guests(make_engine(url), guest_rows(n, version), die)


if __name__ == "__main__":
    _main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
