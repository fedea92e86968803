"""The postal code a new booking is sent with: never empty.

Cloudbeds' postReservation requires ``guestZip`` (non-nullable in the spec) and integrators report
an empty one refused with "Invalid Parameters", while many walk-ins have no postal code. So the
code sent is the guest's, else the property's own (from getHotelDetails: one call, made only when a
guest lacks one, once per run), else the ``cloudbed_guest_zip_placeholder`` setting ("00000" by
default). Which one was used is not hidden: a fallback is reported as a warning on the run.
"""

from __future__ import annotations

import logging

from pms.db.settings import Settings
from pms.errors import CloudbedsError
from pms.sync.runstate import RunState

__all__ = ["PostalCodes"]

log = logging.getLogger(__name__)
_UNREAD = object()


class PostalCodes:
    """Chooses ``guestZip`` for the bookings of one run."""

    def __init__(self, run: RunState) -> None:
        self.run = run
        self._property: object = _UNREAD

    def property_zip(self) -> str | None:
        """The property's postal code from Cloudbeds (read once), or None."""
        if self._property is _UNREAD:
            try:
                details = self.run.client.get_hotel_details()
                self._property = (details.zip or "").strip() or None
            except CloudbedsError as exc:
                log.warning("could not read the property's postal code: %s", exc)
                self._property = None
        return self._property  # type: ignore[return-value]

    def for_guest(self, guest_zip: str | None, key: str = "") -> str:
        """The guest's postal code, else the property's, else the placeholder setting."""
        own = (guest_zip or "").strip()
        if own:
            return own
        fallback = self.property_zip()
        source = "the property's postal code"
        if not fallback:
            fallback = str(Settings(self.run.engine).get("cloudbed_guest_zip_placeholder"))
            source = "the placeholder postal code (cloudbed_guest_zip_placeholder)"
        self.run.warn("push", key, f"the guest has no postal code; sent {source} {fallback!r} instead")
        return fallback
