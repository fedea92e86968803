"""The sync carries the hotel's front desk: every page of bookings ends in the same projection call.

Full, window and incremental pulls, retries and webhook re-reads all write the mirror page by page
(``reservations.process_page``); at the end of each page, in the same transaction, the page's stays
are projected into ADF (``pms.adf.projection``). A preview (``plan_sync``) projects the rows the
page would write, without writing anything, so the plan shows the front desk's actions too; an
apply writes them when ``adf_frontdesk_enabled`` is on, and does nothing for the front desk when
it is off (the preview and the Front desk page show what it would do).

At the end of a pull run (``finish``), the stays with a problem another run may solve (a room
assigned in Cloudbeds, a mapping saved, a room freed at the desk) are projected again from the
mirror, without a Cloudbeds call; the first run after writing was switched on projects every stay
in scope; a full run also follows the linked stays Cloudbeds no longer lists. Adaptations are
summed up as one warning per column and rule, and the counts go to the run's result and log.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from pms.db.engine import reader
from pms.db.types import utcnow
from pms.sync.runstate import RunState

__all__ = ["finish", "project_page"]

_BATCH = 200


@contextlib.contextmanager
def _transaction(run: RunState) -> Iterator[sa.Connection]:
    if run.apply:
        with run.engine.begin() as conn:
            if run.lease is not None:
                run.lease.renew(conn)
            yield conn
    else:
        with reader(run.engine).connect() as conn:
            yield conn
            conn.rollback()


def _record(run: RunState, action: Any) -> None:
    if action.kind == "refresh":
        return
    key = action.reservation_id if action.sub_id == action.reservation_id else action.sub_id
    run.plan.add_front_desk(action.kind, key, action.summary)
    for warning in action.warnings:
        run.result.warn(f"front desk {action.reservation_id}: {warning}")


def _projection(run: RunState, conn: sa.Connection):
    """The run's projection, opened on first use; None without a front desk, or when an apply
    finds writing switched off."""
    if run.front_desk_opened:
        return run.front_desk
    run.front_desk_opened = True
    from pms.adf.projection import Projection

    enabled = run.settings.front_desk_enabled  # read with the run's other settings
    run.front_desk_enabled = enabled
    if run.apply and not enabled:
        return None
    run.front_desk = Projection.open(
        conn, run.property_id, write=run.apply, today=run.today, on_action=lambda a: _record(run, a)
    )
    return run.front_desk


def project_page(
    conn: sa.Connection,
    run: RunState,
    ids: list[str],
    fresh: dict[str, dict],
    bookings: Iterable[Any],
    existing_ids: dict[str, int],
    guests: Iterable[dict],
) -> None:
    """Project the page's stays, as the mirror holds them after this page, in its transaction.

    The rows the page computed stand in for stored ones where they are exactly what the mirror
    holds: in a preview (nothing was written) every booking the page would write, in an apply the
    bookings it created (their rows are the ones just inserted). The rest is read back.
    """
    fd = _projection(run, conn)
    if fd is None or not ids:
        return
    from pms.adf.state import load_stays, stays_from_rows
    from pms.sync.records import room_rows

    trusted = {
        rid
        for rid, row in fresh.items()
        if not run.apply
        or (rid not in existing_ids and row.get("cloudbed_guest_id") not in run.pending_guests)
    }
    rooms = [
        room
        for r in bookings
        if r.reservation_id in trusted
        for room in room_rows(
            r, run.property_id, existing_ids.get(r.reservation_id), mapping=run.mapping, unmapped={}
        )
    ]
    made = {
        s.reservation_id: s for s in stays_from_rows([fresh[i] for i in ids if i in trusted], rooms, guests)
    }
    rest = [i for i in ids if i not in made]
    stored = {s.reservation_id: s for s in load_stays(conn, run.property_id, rest)} if rest else {}
    fd.page(conn, stays=[x for i in ids if (x := made.get(i) or stored.get(i)) is not None])


def _project_ids(run: RunState, fd, ids: list[str]) -> None:
    for start in range(0, len(ids), _BATCH):
        with _transaction(run) as conn:
            fd.page(conn, ids[start : start + _BATCH])


def _scope(run: RunState, fd) -> None:
    from pms.adf.projection import scope_ids

    after = 0
    while True:
        with _transaction(run) as conn:
            rows = scope_ids(conn, run.property_id, run.today, after=after, limit=_BATCH)
            if not rows:
                return
            fd.page(conn, [r[1] for r in rows if r[1] not in fd.done])
            after = rows[-1][0]


def _linked_not_seen(run: RunState, fd) -> list[str]:
    from pms.db import schema

    link = schema.cloudbed_booking_link
    with reader(run.engine).connect() as conn:
        ids = conn.execute(
            sa.select(link.c.cloudbed_reservation_id)
            .where(link.c.property_id == run.property_id, link.c.state == "active")
            .distinct()
        ).scalars()
        return sorted(set(ids) - fd.done)


def finish(run: RunState, *, retry: bool, full: bool = False) -> None:
    """Close the run's front-desk work (see the module's docstring); ``retry`` on pull runs only."""
    from pms.adf.projection import retry_ids
    from pms.adf.switch import RECONCILED
    from pms.sync.state import read_mark, write_mark

    with reader(run.engine).connect() as conn:
        fd = _projection(run, conn)
        reconciled = read_mark(conn, run.property_id, RECONCILED) if fd is not None else None
    if fd is None:
        if retry and run.apply and run.front_desk_opened and not run.front_desk_enabled:
            _forget_reconciled(run)
        return
    if retry:
        if reconciled is None and not full:
            _scope(run, fd)  # writing was switched on since the last run: everything in scope
        else:
            if full:
                _project_ids(run, fd, _linked_not_seen(run, fd))
            with reader(run.engine).connect() as conn:
                again = [i for i in retry_ids(conn, run.property_id, run.today) if i not in fd.done]
            _project_ids(run, fd, again)
        if run.apply and reconciled is None and run.result.status != "failed":
            with run.engine.begin() as conn:
                write_mark(conn, run.property_id, RECONCILED, utcnow(), note=f"{run.req.mode} run")
    for line in fd.tally.adaptation_lines():
        run.warn("front_desk", "", line)
    for reason in fd.tally.failed[:3]:
        run.warn("front_desk", "", f"the hotel's database refused a write ({reason}): retried next run")
    run.result.front_desk = fd.tally.as_dict()


def _forget_reconciled(run: RunState) -> None:
    """Writing is off: the next switch-on must write every stay in scope again."""
    from pms.adf.switch import RECONCILED
    from pms.db import schema

    state = schema.cloudbed_sync_state
    with run.engine.begin() as conn:
        conn.execute(
            sa.delete(state).where(state.c.property_id == run.property_id, state.c.name == RECONCILED)
        )
