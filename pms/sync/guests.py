"""Guests: the safety net for guest edits that did not move their reservation's ``dateModified``.

Full and window pulls read guests with their reservations (the rate-details list's guest list, at
no extra call). Incremental runs add one ``getGuestsModified`` call from the guest cursor minus the
overlap, so a changed phone number arrives even when Cloudbeds did not touch the booking. Guest
edits waiting to be pushed win over the pull until they expire (domain rule 17).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from pms.db import schema
from pms.sync.compare import write
from pms.sync.records import GUEST_COMPARE, guest_row_from_guest
from pms.sync.runstate import RunState

__all__ = ["guest_rows", "process_guest_page"]

_KEY = ("property_id", "cloudbed_guest_id")


def guest_rows(run: RunState, guests: Iterable) -> list[dict]:
    """Rows for guest records, one per guest (getGuestsModified repeats a guest per room)."""
    rows: dict[str, dict] = {}
    for g in guests:
        run.seen("guests", g.modified_at)
        if not g.guest_id or g.guest_id in run.pending_guests:
            continue
        rows[g.guest_id] = guest_row_from_guest(g, run.property_id, run.started_at)
    return list(rows.values())


def process_guest_page(conn: sa.Connection, run: RunState, guests: Iterable) -> None:
    """Compare and (when applying) upsert one page of guest records."""
    rows = guest_rows(run, guests)
    run.done += len(rows)
    res = write(conn, schema.guest, rows, key=_KEY, compare=GUEST_COMPARE, apply=run.apply)
    counts = run.result.entity("guests")
    counts.created += res.created
    counts.updated += res.updated
    counts.unchanged += res.unchanged
    for key in res.changed_keys[:3]:
        run.action("update", "guests", key[1], "guest details changed in Cloudbeds")
