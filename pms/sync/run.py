"""Plan and run a sync: the order of the steps, the lease, the log, the cursors.

``plan_sync`` and ``run_sync`` share ``execute``; the difference is whether batches are written.
A run holds the property's lease, opens its ``cloudbed_sync_log`` row, pushes first (so what was
just sent is read back), pulls the catalogue, bookings, guests, rates and availability, and closes
the log. Each page is one transaction; a cursor moves only in the transaction of the last page it
covers; a failure stops the run with what was committed kept and the cursor where it was.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa

from pms.db.engine import reader
from pms.db.leases import Lease
from pms.errors import CloudbedsError, PMSError
from pms.i18n import Said
from pms.sync import frontdesk as front_desk
from pms.sync import sources
from pms.sync.catalog import pull_catalog
from pms.sync.guard import OutboundGuard, tap
from pms.sync.guests import process_guest_page
from pms.sync.payments_push import push_payments
from pms.sync.plan import SyncPlan
from pms.sync.push import push_reservations
from pms.sync.push_edits import expire_edits, push_guests
from pms.sync.ratepush import follow_jobs, push_rates
from pms.sync.rates import pull_rates
from pms.sync.request import SyncContext, SyncRequest
from pms.sync.reservations import mark_vanished, process_page, warn_unmapped
from pms.sync.result import SyncResult
from pms.sync.roomblocks import pull_room_blocks
from pms.sync.roomblocks_push import push_room_blocks
from pms.sync.runstate import RunState, load_settings, property_zone
from pms.sync.state import (
    cursor_at,
    cursor_name,
    ids_in,
    read_cursor,
    read_rows,
    write_cursor,
    write_ids,
    write_mark,
)
from pms.sync.synclog import close_log, open_log

__all__ = ["error_message", "execute", "held_run", "new_run", "plan_sync", "run_sync", "transaction"]

log = logging.getLogger("pms.sync")


def new_run(ctx: SyncContext, req: SyncRequest, *, apply: bool) -> RunState:
    run = RunState(ctx=ctx, req=req, apply=apply, settings=load_settings(ctx.engine))
    run.result = SyncResult(
        mode=req.mode,
        direction=req.direction,
        trigger=req.trigger,
        entities=req.entities,
        started_at=run.started_at,
    )
    run.plan = SyncPlan(description=req.describe())
    return run


@contextlib.contextmanager
def transaction(run: RunState, *, fence: bool = False) -> Iterator[sa.Connection]:
    """A write transaction (apply, lease renewed at most once a minute, or always with ``fence``:
    the transaction that moves a cursor) or a read that is rolled back (preview)."""
    if run.apply:
        with run.engine.begin() as conn:
            if run.lease is not None:
                run.lease.renew(conn, force=fence)
            yield conn
    else:
        with reader(run.engine).connect() as conn:
            yield conn
            conn.rollback()


def error_message(exc: BaseException) -> str:
    """A manager-readable line for what stopped a run (no SQL, no secrets)."""
    if isinstance(exc, PMSError):
        return str(exc)
    if isinstance(exc, sa.exc.SQLAlchemyError):
        orig = getattr(exc, "orig", None)
        return (
            f"database error ({type(orig or exc).__name__}): {str(orig or exc).splitlines()[0][:300]}; "
            "nothing of the failed batch was kept: run the sync again"
        )
    return f"internal error ({type(exc).__name__}): {exc}"


def _next_cursor(run: RunState, old: datetime | None, entity: str) -> datetime:
    """Where the next incremental starts: the newest change read, never later than this run's start
    (a change made while pages were being read is re-read next time), never earlier than before."""
    newest = run.newest_seen.get(entity)
    candidate = min(run.started_at, newest) if newest is not None else (old or run.started_at)
    return max(candidate, old) if old is not None else candidate


def _pull_reservations(run: RunState, with_guests: bool) -> None:
    req, client = run.req, run.client
    mode = req.mode
    old = None
    if mode == "incremental":
        old = cursor_at(run.at_start.get(cursor_name("reservations")))
        if old is None:
            mode = "full"
            run.result.mode = "full"
            run.warn("reservations", "", Said("sync.warn.no_cursor"))
    if run.apply:
        _retry_earlier_failures(run, with_guests)
    if mode == "full":
        pages = sources.full_pages(client)
    elif mode == "incremental":
        pages = sources.modified_pages(client, old - timedelta(minutes=run.settings.overlap_minutes))
    else:
        pages = sources.window_pages(client, req.date_from, req.date_to)
    with contextlib.closing(sources.prefetch(pages)) as fetched:
        for page in sources.with_last(fetched):
            with transaction(run, fence=page.last) as conn:
                process_page(conn, run, page.items, with_guests=with_guests, full=mode == "full")
                if page.last:
                    _close_pull(conn, run, mode, old, with_guests, complete=pages.complete)
            run.progress(page.total, "reservations")


RETRY = "retry:reservations"


def _retry_earlier_failures(run: RunState, with_guests: bool) -> None:
    """Bookings an earlier run could not store are read again first (one call per 100)."""
    ids = ids_in(run.at_start.get(RETRY))  # read at the start with the lookups
    if not ids:
        return
    run.force = True
    try:
        for page in sources.id_pages(run.client, ids):
            with transaction(run) as conn:
                process_page(conn, run, page.items, with_guests=with_guests)
    finally:
        run.force = False


def _close_pull(
    conn: sa.Connection, run: RunState, mode: str, old: datetime | None, with_guests: bool, *, complete: bool
) -> None:
    """In the last page's transaction: vanished bookings (full), the cursors, what to retry."""
    pid = run.property_id
    if run.apply and (run.failed_ids or ids_in(run.at_start.get(RETRY))):  # nothing to say: no write
        write_ids(conn, pid, RETRY, sorted(run.failed_ids))
    if not complete and mode in ("full", "incremental"):
        run.warn(
            "reservations",
            "",
            "Cloudbeds' list ended before the total it reported: nothing was marked "
            "deleted and the cursor was not moved; the next run reads again",
        )
        return
    if mode == "full":
        mark_vanished(conn, run)
        if run.apply:
            write_mark(conn, pid, "last_full:reservations", run.started_at)
    if mode in ("full", "incremental") and run.apply:
        note = f"{mode} run at {run.started_at:%Y-%m-%d %H:%M}"
        write_cursor(conn, pid, "reservations", _next_cursor(run, old, "reservations"), note=note)
        if with_guests and mode == "full":  # the guests came with their bookings
            guests = _next_cursor(run, read_cursor(conn, pid, "guests"), "reservations")
            write_cursor(conn, pid, "guests", guests, note="read with reservations")


def _pull_guests(run: RunState) -> None:
    """Guests on their own: changes since the guest cursor (incremental) or the guest list."""
    req, pid, client = run.req, run.property_id, run.client
    old = None
    if req.mode == "incremental":
        with run.engine.connect() as conn:
            old = read_cursor(conn, pid, "guests") or read_cursor(conn, pid, "reservations")
        since = (old or run.started_at) - timedelta(minutes=run.settings.overlap_minutes)
        pages = sources.guest_pages(client, since)
    elif req.mode == "window":
        pages = sources.guest_list_pages(client, check_in_to=req.date_to, check_out_from=req.date_from)
    else:
        pages = sources.guest_list_pages(client)
    with contextlib.closing(sources.prefetch(pages)) as fetched:
        for page in sources.with_last(fetched):
            with transaction(run, fence=page.last) as conn:
                process_guest_page(conn, run, page.items)
                if page.last and req.mode != "window" and run.apply and pages.complete:
                    write_cursor(
                        conn,
                        pid,
                        "guests",
                        _next_cursor(run, old, "guests"),
                        note=f"{req.mode} run at {run.started_at:%Y-%m-%d %H:%M}",
                    )
            run.progress(page.total, "guests")


def _push(run: RunState) -> None:
    """Send what the request names: reservations and guests only when asked for (a "send rates"
    run must not send walk-ins); rate edits with every push, as the worker's runs rely on."""
    guard = OutboundGuard(run)
    wanted = set(run.req.entities)
    if wanted & {"reservations", "guests"}:
        expire_edits(run)
    if "reservations" in wanted:
        push_reservations(run, guard)
    if wanted & {"reservations", "guests"}:
        push_guests(run, guard)
    if "reservations" in wanted:  # a "send rates" run sends rates only
        from pms.sync.adfpush import push_front_desk  # (pms.adf imports pms.sync: loaded on use)

        push_front_desk(run, guard)  # what staff typed at the hotel's front desk (ADF)
        push_payments(run, guard)  # after the bookings, so a booking sent this run takes its payments
        push_room_blocks(run, guard)
    push_rates(run, guard)


def execute(run: RunState) -> None:
    """The steps of a run, in order; raises what stops it."""
    req = run.req
    wanted = set(req.entities)
    catalog_first = req.pulls and "catalog" in wanted
    if catalog_first:  # it reads the time zone too, so no separate call is needed for it
        pull_catalog(run)
    # One read connection for what the run needs before its pages (each round trip counts when
    # the database is a web host away): the zone, the lookups, the cursor and the retries.
    with reader(run.engine).connect() as conn:
        if not catalog_first:
            run.zone = property_zone(run.engine, run.client, run.property_id, save=run.apply, conn=conn)
        run.load_lookups(conn)
        run.at_start = read_rows(conn, run.property_id, [cursor_name("reservations"), RETRY])
    if req.pushes:
        _push(run)
    if req.pulls:
        if "reservations" in wanted:
            _pull_reservations(run, with_guests="guests" in wanted)
        if "guests" in wanted and ("reservations" not in wanted or req.mode == "incremental"):
            _pull_guests(run)
        if "reservations" in wanted:
            front_desk.finish(run, retry=True, full=run.result.mode == "full")
            if run.result.mode == "full":
                pull_room_blocks(run)
        if wanted & {"rates", "availability"}:
            pull_rates(run, rates="rates" in wanted, availability="availability" in wanted)
        warn_unmapped(run)
    if req.pushes and run.apply:
        follow_jobs(run)


def _finish(run: RunState, calls0, t0: float) -> None:
    stats = run.client.stats
    run.result.api_calls = stats.calls - calls0.calls
    run.result.rate_limited = stats.rate_limited - calls0.rate_limited
    run.result.duration_s = time.perf_counter() - t0
    run.result.finish_status()


def plan_sync(ctx: SyncContext, req: SyncRequest) -> SyncPlan:
    """Fetch and compare as ``run_sync`` would, write nothing, and return the typed actions."""
    run = new_run(ctx, req, apply=False)
    calls0, t0 = ctx.client.stats, time.perf_counter()
    try:
        execute(run)
    except (PMSError, sa.exc.SQLAlchemyError) as exc:
        run.result.status, run.result.error = "failed", error_message(exc)
        run.result.error_kind = type(exc).__name__
    _finish(run, calls0, t0)
    plan = run.plan
    plan.entities = run.result.counts
    plan.api_calls, plan.rate_limited = run.result.api_calls, run.result.rate_limited
    plan.duration_s, plan.status, plan.error = run.result.duration_s, run.result.status, run.result.error
    return plan


@contextlib.contextmanager
def held_run(
    ctx: SyncContext, req: SyncRequest, *, log_mode: str | None = None, purpose: str | None = None
) -> Iterator[RunState]:
    """A run that holds the lease and is logged; the body's failure is recorded, not raised.

    ``SyncLockedError`` from taking the lease is raised (nothing ran, nothing is logged).
    """
    run = new_run(ctx, req, apply=True)
    lease = Lease(ctx.engine, run.property_id, purpose or f"{req.trigger} {log_mode or req.mode} sync")

    def start_log(conn: sa.Connection) -> None:  # in the lease's own transaction
        run.result.sync_log_id = open_log(
            conn, run.property_id, req, mode=log_mode, started_at=run.started_at, close_interrupted=True
        )

    lease.acquire(wait=req.wait_for_lease, timeout=req.lease_timeout_s, then=start_log)
    run.lease = lease
    calls0, t0 = ctx.client.stats, time.perf_counter()
    try:
        try:
            yield run
        except Exception as exc:  # recorded in the log and the result; the caller gets status=failed
            if not isinstance(exc, (PMSError, sa.exc.SQLAlchemyError)):
                log.exception("sync of property %s stopped by an unexpected error", run.property_id)
            elif not isinstance(exc, CloudbedsError):
                log.warning("sync of property %s failed: %s", run.property_id, error_message(exc))
            run.result.status, run.result.error = "failed", error_message(exc)
            run.result.error_kind = type(exc).__name__
        _finish(run, calls0, t0)
        if log_mode:
            run.result.mode = log_mode
        try:
            close_log(ctx.engine, run.result.sync_log_id, run.result)
        except sa.exc.SQLAlchemyError:
            log.warning("could not close sync log row %s", run.result.sync_log_id, exc_info=True)
        hook = tap(ctx.client)
        with contextlib.suppress(Exception):
            hook.flush()
    finally:
        lease.release()


def run_sync(ctx: SyncContext, req: SyncRequest) -> SyncResult:
    """Run a sync: recompute, apply in batches, log it, holding the property's lease.

    Raises:
        SyncLockedError: another sync holds the property (unless ``req.wait_for_lease``).

    Returns:
        The result; ``status`` is ``failed`` when the run stopped early (its ``error`` says why).
    """
    with held_run(ctx, req) as run:
        execute(run)
    return run.result
