"""Changes made on the hotel side (the dashboard's forms), stored the way the push expects.

The dashboard never talks to Cloudbeds to create a walk-in or fix a guest's phone number: it
writes the hotel's own rows and marks them for the push (``origin='local'`` for new rows,
``sync_status='pending'`` and ``local_modified_at`` for every change). The push decides what is
sent, and when (docs/domain.md: only what changed after push was switched on; an edit that keeps
failing expires). ``reservations`` (new bookings), ``guests`` (contact data), ``rates`` (nightly
rates) and ``fields`` (the checks they share).
"""

from __future__ import annotations

from pms.edits.fields import GUEST_FIELDS, MAX_NIGHTS, MAX_ROOMS
from pms.edits.guests import update_guest
from pms.edits.rates import RateEdit, set_rates
from pms.edits.reservations import NewReservation, RoomRequest, create_local_reservation
from pms.errors import EditError

__all__ = [
    "GUEST_FIELDS",
    "MAX_NIGHTS",
    "MAX_ROOMS",
    "EditError",
    "NewReservation",
    "RateEdit",
    "RoomRequest",
    "create_local_reservation",
    "set_rates",
    "update_guest",
]
