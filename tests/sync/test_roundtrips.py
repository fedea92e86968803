"""Round-trip budgets: what a page of 100 bookings costs the database, counted, never timed.

The hotel's MySQL is often a web host 5-30 ms away, so the sync's speed there is its number of
round trips. On both databases the statements, commits and rollbacks are counted with SQLAlchemy's
events; on MariaDB every command the driver sends (a query, a ping, a COMMIT, a ROLLBACK) is
counted as well, which is what a round trip is. Budgets: docs/architecture.md.
"""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.sync import SyncRequest, sources
from pms.sync.reservations import process_page
from pms.sync.run import held_run, transaction
from pms.sync.runstate import property_zone

from .helpers import count, make_ctx

PAGE_BUDGET = 6


@pytest.fixture
def sandbox_config() -> dict:
    return {"reservations": 100}


class Counter:
    """Statements + commits + rollbacks (events), and the driver's commands (MariaDB)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.on = False
        self.events: list[str] = []
        self.commands = 0
        sa.event.listen(engine, "before_cursor_execute", self._stmt)
        sa.event.listen(engine, "commit", lambda c: self._add("COMMIT"))
        sa.event.listen(engine, "rollback", lambda c: self._add("ROLLBACK"))
        sa.event.listen(engine, "connect", self._wrap)
        engine.dispose()  # connections made from now on are counted at the driver too

    def _add(self, what: str) -> None:
        if self.on:
            self.events.append(what)

    def _stmt(self, conn, cursor, statement, params, context, executemany) -> None:
        self._add(" ".join(statement.split())[:60])

    def _wrap(self, dbapi_conn, _record) -> None:
        send = getattr(dbapi_conn, "_execute_command", None)
        if send is None:  # SQLite: in-process, its statements are the events above
            return

        def counted(command, sql):
            if self.on:
                self.commands += 1
            return send(command, sql)

        dbapi_conn._execute_command = counted

    @contextlib.contextmanager
    def counting(self):
        self.events.clear()
        self.commands = 0
        self.on = True
        try:
            yield self
        finally:
            self.on = False


def _page_of_100(ctx):
    return next(iter(sources.full_pages(ctx.client))).items


def _one_page(ctx, counter: Counter, records) -> Counter:
    with held_run(ctx, SyncRequest(mode="full", entities="reservations,guests")) as run:
        run.zone = property_zone(ctx.engine, ctx.client, ctx.property_id)
        with ctx.engine.connect() as conn:
            run.load_lookups(conn)
        with counter.counting(), transaction(run) as conn:
            process_page(conn, run, records, with_guests=True, full=True)
    assert run.result.status == "completed", run.result.error
    return counter


def _assert_budget(counter: Counter, mysql: bool) -> None:
    # SQLite's BEGIN is a statement of its own; MariaDB's transactions begin with the first one.
    sent = [e for e in counter.events if not e.startswith("BEGIN")]
    assert len(sent) <= PAGE_BUDGET, "\n".join(counter.events)
    if mysql:
        assert 0 < counter.commands <= PAGE_BUDGET, (counter.commands, counter.events)


def test_a_page_of_100_new_then_unchanged_then_changed_bookings_stays_within_budget(db, box, admin):
    ctx = make_ctx(db, box)
    mysql = db.dialect.name != "sqlite"
    counter = Counter(db)
    records = _page_of_100(ctx)
    assert len(records) == 100

    _one_page(ctx, counter, records)  # all new: read, guests, bookings, rooms, commit
    assert count(db, schema.reservasi) == 100
    assert any(e.startswith("INSERT INTO reservasi ") for e in counter.events)
    assert not any(e.startswith("SELECT reservasi.property_id") for e in counter.events)  # no read-back
    _assert_budget(counter, mysql)

    _one_page(ctx, counter, records)  # unchanged: read, stamp, commit
    assert not any(e.startswith("INSERT") for e in counter.events)
    _assert_budget(counter, mysql)

    admin.mutate(30)
    records = _page_of_100(ctx)
    _one_page(ctx, counter, records)  # some changed, the rest stamped
    _assert_budget(counter, mysql)
    ctx.client.close()


def test_the_lease_is_renewed_at_most_once_a_minute_and_always_when_a_cursor_moves(sdb, box):
    ctx = make_ctx(sdb, box)
    counter = Counter(sdb)
    records = _page_of_100(ctx)
    with held_run(ctx, SyncRequest(mode="full", entities="reservations,guests")) as run:
        run.zone = property_zone(ctx.engine, ctx.client, ctx.property_id)
        with counter.counting():
            for fence in (False, False, True):
                with transaction(run, fence=fence) as conn:
                    process_page(conn, run, records, with_guests=True, full=True)
    renewals = [e for e in counter.events if e.startswith("UPDATE cloudbed_sync_state SET lease_expires_at")]
    assert len(renewals) == 1  # the fenced one; the lease was taken a moment ago
    ctx.client.close()
