"""Endpoint methods for guests: the two list views, one guest, add a guest, update a guest.

Mixed into ``CloudbedsClient``. ``post_guest`` adds a guest to a reservation and Cloudbeds does
not deduplicate it, so when its outcome is unknown the client first looks at the reservation's
guests for the same name and email, and only sends it again when that guest is not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pms.cloudbeds import normalize
from pms.cloudbeds.methods_catalog import id_list
from pms.cloudbeds.models import Guest
from pms.cloudbeds.pagination import OnPage, Paged

if TYPE_CHECKING:
    from pms.cloudbeds.client import CloudbedsClient

__all__ = ["GuestMethods"]

# Python names of guest fields → Cloudbeds' names in postGuest/putGuest bodies.
_GUEST_FIELDS = {
    "first_name": "guestFirstName",
    "last_name": "guestLastName",
    "email": "guestEmail",
    "phone": "guestPhone",
    "cell_phone": "guestCellPhone",
    "gender": "guestGender",
    "country": "guestCountry",
    "address1": "guestAddress1",
    "address2": "guestAddress2",
    "city": "guestCity",
    "state": "guestState",
    "zip": "guestZip",
    "birth_date": "guestBirthDate",
    "document_type": "guestDocumentType",
    "document_number": "guestDocumentNumber",
    "company_name": "guestCompanyName",
    "tax_id": "guestTaxId",
}


def _guest_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    body = {}
    for name, value in fields.items():
        body[_GUEST_FIELDS.get(name, name)] = value
    return body


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


class GuestMethods:
    """getGuestList, getGuestsModified, getGuest, postGuest, putGuest."""

    def get_guest_list(
        self: CloudbedsClient,
        *,
        results_from: datetime | None = None,
        results_to: datetime | None = None,
        check_in_from: date | None = None,
        check_in_to: date | None = None,
        check_out_from: date | None = None,
        check_out_to: date | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        status: str | Iterable[str] | None = None,
        sort_by: str | None = None,
        include_guest_info: bool = True,
        exclude_secondary_guests: bool | None = None,
        property_ids: str | Iterable[str] | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[Guest]:
        """``getGuestList`` (its ``data`` is a map keyed by guest id; read as a list here)."""
        params = {
            "propertyIDs": self._group_ids(property_ids),
            "resultsFrom": results_from,
            "resultsTo": results_to,
            "checkInFrom": check_in_from,
            "checkInTo": check_in_to,
            "checkOutFrom": check_out_from,
            "checkOutTo": check_out_to,
            "guestFirstName": first_name,
            "guestLastName": last_name,
            "guestEmail": email,
            "status": id_list(status),
            "sortBy": sort_by,
            "includeGuestInfo": include_guest_info or None,
            "excludeSecondaryGuests": exclude_secondary_guests,
        }
        return self.paged(
            "getGuestList",
            params,
            lambda r, items: [normalize.guest(r, i) for i in items],
            page_size=page_size,
            on_page=on_page,
        )

    def get_guests_modified(
        self: CloudbedsClient,
        *,
        results_from: datetime | None = None,
        results_to: datetime | None = None,
        check_in_from: date | None = None,
        check_in_to: date | None = None,
        check_out_from: date | None = None,
        check_out_to: date | None = None,
        in_house: bool | None = None,
        property_ids: str | Iterable[str] | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[Guest]:
        """``getGuestsModified``: guests changed in a window (one row per guest per room).

        Without any window Cloudbeds returns only today's changes.
        """
        params = {
            "propertyIDs": self._group_ids(property_ids),
            "resultsFrom": results_from,
            "resultsTo": results_to,
            "checkInFrom": check_in_from,
            "checkInTo": check_in_to,
            "checkOutFrom": check_out_from,
            "checkOutTo": check_out_to,
            "inHouse": in_house,
        }
        return self.paged(
            "getGuestsModified",
            params,
            lambda r, items: [normalize.guest(r, i) for i in items],
            page_size=page_size,
            on_page=on_page,
        )

    def get_guest(
        self: CloudbedsClient,
        *,
        guest_id: str | None = None,
        reservation_id: str | None = None,
        property_id: str | None = None,
    ) -> Guest:
        """``getGuest`` by guest id, or the main guest of a reservation.

        Cloudbeds' answer has no guest id; the one asked for is filled in.
        """
        if not guest_id and not reservation_id:
            raise ValueError("get_guest needs guest_id or reservation_id")
        pid = self._pid(property_id)
        body = self.request(
            "getGuest",
            {"propertyID": pid, "guestID": guest_id, "reservationID": reservation_id},
            property_id=pid,
        )
        guest = normalize.guest(self.reader(), body.get("data"), guest_id=guest_id)
        if guest.reservation_id is None and reservation_id:
            guest = replace(guest, reservation_id=str(reservation_id))
        return guest

    def post_guest(
        self: CloudbedsClient,
        reservation_id: str,
        *,
        first_name: str,
        last_name: str,
        email: str,
        country: str,
        property_id: str | None = None,
        custom_fields: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> str:
        """``postGuest``: add another guest to a reservation; returns the new guest's id.

        Further fields by Python name (``phone``, ``city``, ``birth_date`` ...) or Cloudbeds name.
        """
        pid = self._pid(property_id)
        params = {
            "propertyID": pid,
            "reservationID": reservation_id,
            **_guest_body(
                {"first_name": first_name, "last_name": last_name, "email": email, "country": country}
            ),
            **_guest_body(fields),
            "customFields": [
                {"customFieldName": k, "customFieldValue": v} for k, v in (custom_fields or {}).items()
            ]
            or None,
        }

        def check() -> str | None:
            booking = self.get_reservation(reservation_id, property_id=pid)
            for guest in booking.guests:
                if (
                    _same(guest.email, email)
                    and _same(guest.first_name, first_name)
                    and _same(guest.last_name, last_name)
                ):
                    return guest.guest_id
            return None

        result = self.request("postGuest", params, property_id=pid, check=check)
        if not isinstance(result, dict):
            return result.value
        guest_id = self.reader().id(result.get("guestID") or (result.get("data") or {}).get("guestID"))
        if not guest_id:
            self._warn(f"postGuest on reservation {reservation_id} returned no guest id")
        return guest_id or ""

    def put_guest(
        self: CloudbedsClient,
        guest_id: str,
        *,
        property_id: str | None = None,
        custom_fields: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> str | None:
        """``putGuest`` (HTTP PUT): change the given fields of a guest.

        Returns Cloudbeds' warning message when it sends one with a success (also kept in the
        client's ``warnings``), else None. Note Cloudbeds spells ``driver_licence`` here.
        """
        if not fields and not custom_fields:
            raise ValueError("put_guest needs at least one field to change")
        pid = self._pid(property_id)
        params = {
            "propertyID": pid,
            "guestID": guest_id,
            **_guest_body(fields),
            "guestCustomFields": [
                {"customFieldName": k, "customFieldValue": v} for k, v in (custom_fields or {}).items()
            ]
            or None,
        }
        body = self.request("putGuest", params, property_id=pid)
        message = body.get("message")
        if message:
            self._warn(f"putGuest {guest_id}: {message}")
            return self.redactor.text(str(message))
        return None
