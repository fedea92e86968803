"""Targeted re-reads and follow-ups: webhook batches, failed records, rate jobs, the catalogue.

- ``refresh_reservations``: the webhook processor's call. Re-reads a batch of bookings by id (100
  per call of getReservationsWithRateDetails) and applies each only when Cloudbeds' modification
  time is newer than what the database holds, so events arriving late or twice change nothing.
- ``refresh_guests``: guests re-read through their reservations (the guest list rides along);
  for a guest the database has never seen, its reservations are found in batches first
  (``guestlinks``: one getGuestsModified call per burst), since guest webhooks need not name one.
- ``retry_failed``: records whose last sync failed are read again (and unsent hotel edits are
  pushed again when push is on), whatever their timestamps say.
- ``follow_rate_jobs``: settle queued rate pushes from getRateJobs.
- ``refresh_catalog``: the catalogue alone (the Room mapping page's button).

Each holds the property's lease (waiting for a running sync rather than refusing) and writes its
own ``cloudbed_sync_log`` row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from pms.db import schema
from pms.i18n import Said
from pms.sync import frontdesk as front_desk
from pms.sync import sources
from pms.sync.guard import OutboundGuard
from pms.sync.guestlinks import reservations_of_guests
from pms.sync.push import push_reservations
from pms.sync.push_edits import push_guests
from pms.sync.ratepush import follow_jobs, push_rates
from pms.sync.request import SyncContext, SyncRequest
from pms.sync.reservations import process_page, warn_unmapped
from pms.sync.result import SyncResult
from pms.sync.run import execute, held_run, transaction
from pms.sync.runstate import RunState, property_zone

__all__ = ["follow_rate_jobs", "refresh_catalog", "refresh_guests", "refresh_reservations", "retry_failed"]


def _request(trigger: str, wait: bool, timeout: float, entities=("reservations", "guests")) -> SyncRequest:
    return SyncRequest(
        mode="incremental",
        entities=entities,
        direction="pull",
        trigger=trigger,
        wait_for_lease=wait,
        lease_timeout_s=timeout,
    )


def _prepare(run: RunState) -> None:
    run.zone = property_zone(run.engine, run.client, run.property_id)
    with run.engine.connect() as conn:
        run.load_lookups(conn)


def _reread(run: RunState, ids: list[str]) -> None:
    found: set[str] = set()
    for page in sources.id_pages(run.client, ids):
        found.update(r.reservation_id for r in page.items)
        with transaction(run) as conn:
            process_page(conn, run, page.items, with_guests=True)
        run.progress(len(ids), "reservations")
    missing = [i for i in ids if i not in found]
    for rid in missing[:20]:
        run.warn("reservations", rid, Said("sync.warn.not_found"))
    if len(missing) > 20:
        run.warn("reservations", "", Said("sync.warn.more_not_found", {"n": len(missing) - 20}))
    front_desk.finish(run, retry=False)
    warn_unmapped(run)


def refresh_reservations(
    ctx: SyncContext,
    reservation_ids: Iterable[str],
    *,
    trigger: str = "webhook",
    wait_for_lease: bool = True,
    lease_timeout_s: float = 60.0,
) -> SyncResult:
    """Re-read bookings by id; apply each only if Cloudbeds changed it after what we hold."""
    ids = list(dict.fromkeys(str(i).strip() for i in reservation_ids if i and str(i).strip()))
    with held_run(ctx, _request(trigger, wait_for_lease, lease_timeout_s), log_mode="refresh") as run:
        run.refresh = True
        _prepare(run)
        _reread(run, ids)
    return run.result


def refresh_guests(
    ctx: SyncContext,
    guest_ids: Iterable[str],
    *,
    reservation_ids: Iterable[str] = (),
    since: datetime | None = None,
    trigger: str = "webhook",
    wait_for_lease: bool = True,
    lease_timeout_s: float = 60.0,
) -> SyncResult:
    """Re-read guests through their reservations: known ones from the database, the others found
    in batches (``guestlinks``; ``since`` is the burst's earliest change), all linked on storing."""
    wanted = list(dict.fromkeys(str(i).strip() for i in guest_ids if i and str(i).strip()))
    res_ids = [str(i) for i in reservation_ids if i]
    with held_run(ctx, _request(trigger, wait_for_lease, lease_timeout_s), log_mode="refresh") as run:
        run.refresh = True
        _prepare(run)
        g = schema.guest
        with run.engine.connect() as conn:
            known = {
                r.cloudbed_guest_id: r.cloudbed_reservation_id
                for r in conn.execute(
                    sa.select(g.c.cloudbed_guest_id, g.c.cloudbed_reservation_id).where(
                        g.c.property_id == run.property_id, g.c.cloudbed_guest_id.in_(wanted or [""])
                    )
                )
            }
        res_ids += [rid for rid in known.values() if rid]
        if res_ids:
            _reread(run, list(dict.fromkeys(res_ids)))
        missing = _absent(run, wanted)
        if missing:  # never seen, and not in the bookings re-read: find their bookings in batches
            placed = reservations_of_guests(run, missing, since=since)
            more = [rid for gid in missing for rid in sorted(placed.get(gid, ())) if rid not in res_ids]
            if more:
                _reread(run, list(dict.fromkeys(more)))
            for gid in _absent(run, missing)[:20]:
                run.warn("guests", gid, "no reservation of this guest found in Cloudbeds (nothing stored)")
    return run.result


def _absent(run: RunState, guest_ids: list[str]) -> list[str]:
    """Those of ``guest_ids`` the database holds no row for."""
    g = schema.guest
    with run.engine.connect() as conn:
        present = {
            row[0]
            for row in conn.execute(
                sa.select(g.c.cloudbed_guest_id).where(
                    g.c.property_id == run.property_id, g.c.cloudbed_guest_id.in_(guest_ids or [""])
                )
            )
        }
    return [gid for gid in guest_ids if gid not in present]


def retry_failed(ctx: SyncContext, *, trigger: str = "manual") -> SyncResult:
    """Read again every booking whose sync failed, and push unsent hotel edits again (push on)."""
    with held_run(ctx, _request(trigger, True, 60.0), log_mode="retry") as run:
        run.force = True
        _prepare(run)
        r = schema.reservasi
        with run.engine.connect() as conn:
            ids = [
                row.cloudbed_reservation_id
                for row in conn.execute(
                    sa.select(r.c.cloudbed_reservation_id)
                    .where(
                        r.c.property_id == run.property_id,
                        r.c.sync_status == "error",
                        r.c.cloudbed_reservation_id.is_not(None),
                    )
                    .order_by(r.c.id)
                    .limit(5000)
                )
            ]
        if run.settings.push_enabled:
            guard = OutboundGuard(run)
            push_reservations(run, guard)
            push_guests(run, guard)
            push_rates(run, guard)
        if ids:
            _reread(run, ids)
    return run.result


def follow_rate_jobs(
    ctx: SyncContext, *, wait_s: float = 0.0, poll_s: float = 1.0, trigger: str = "auto"
) -> SyncResult:
    """Settle queued rate pushes (``getRateJobs``); with ``wait_s``, poll until they finish."""
    req = _request(trigger, True, 60.0, entities=("rates",))
    with held_run(ctx, req, log_mode="rate_jobs") as run:
        run.result.direction = "push"
        follow_jobs(run, wait_s=wait_s, poll_s=poll_s)
    return run.result


def refresh_catalog(ctx: SyncContext, *, trigger: str = "manual") -> SyncResult:
    """The Cloudbeds catalogue alone: property, room types, rooms, sources (5 calls)."""
    req = SyncRequest(
        mode="full",
        entities=("catalog",),
        direction="pull",
        trigger=trigger,
        wait_for_lease=True,
        lease_timeout_s=60.0,
    )
    with held_run(ctx, req) as run:
        execute(run)
    return run.result
