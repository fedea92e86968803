"""Which reservations a guest belongs to, found in batches, for guests the database does not know.

Real ``guest/created`` and ``guest/details_changed`` webhooks carry the guest id only (the
``guest_webhook`` reading ``guest_only``), and a guest row is only complete, and linked, when it
is read with its reservation. So for guests the database has never seen, the reservations are
found with as few calls as a burst allows:

1. one ``getGuestsModified`` listing from the burst's earliest event time (minus the overlap),
   whose rows name each changed guest's reservation (usually one call for the whole burst);
2. for any guest still unplaced, ``getReservations`` with the documented ``guestID`` filter (one
   call per guest, at most ``MAX_LOOKUPS`` per burst).

The reservations found are then re-read by id like any webhook burst (100 per call), which stores
the guests with their links.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pms.sync.runstate import RunState

__all__ = ["MAX_LOOKUPS", "reservations_of_guests"]

MAX_LOOKUPS = 20


def _from_modified_list(run: RunState, wanted: set[str], since: datetime) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    start = since - timedelta(minutes=run.settings.overlap_minutes)
    for guest in run.client.get_guests_modified(results_from=start):
        if guest.guest_id in wanted and guest.reservation_id:
            found.setdefault(guest.guest_id, set()).add(guest.reservation_id)
    return found


def reservations_of_guests(
    run: RunState, guest_ids: Iterable[str], *, since: datetime | None = None
) -> dict[str, set[str]]:
    """The reservation ids of each guest in ``guest_ids`` that Cloudbeds could place.

    Args:
        since: when the burst's earliest change happened (its webhook's timestamp); without it
            the modified list cannot be bounded, so only the per-guest look-up is used.
    """
    wanted = set(guest_ids)
    found = _from_modified_list(run, wanted, since) if since is not None and wanted else {}
    for gid in sorted(wanted - set(found))[:MAX_LOOKUPS]:
        ids = {r.reservation_id for r in run.client.get_reservations(guest_id=gid) if r.reservation_id}
        if ids:
            found[gid] = ids
    return found
