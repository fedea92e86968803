"""Internal records → Cloudbeds wire shapes for the guest endpoints.

The guest endpoints name things differently from the reservation guest lists (API.md §10.7):
``guestAddress1`` and ``guestBirthDate`` here, unprefixed ``firstName``/``address`` in getGuest
(which also has no ``guestID``), and getGuestsModified's ``startDate``/``endDate`` are datetimes.
Unknown dates are null (Cloudbeds also sends ``""`` or ``0000-00-00``; clients must cope).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pms.sandbox.clock import format_local
from pms.sandbox.models import Guest, Reservation
from pms.sandbox.store import Store

__all__ = ["guest_detail", "guest_list_entry", "guest_modified_rows"]


def _d(day: date | None) -> str | None:
    return day.isoformat() if day else None


def guest_list_entry(store: Store, guest: Guest, res: Reservation, info: bool) -> dict[str, Any]:
    """One value of ``getGuestList``'s map."""
    tz = store.clock.tz
    entry: dict[str, Any] = {
        "reservationID": res.reservation_id,
        "guestName": guest.full_name,
        "guestEmail": guest.email,
        "guestID": guest.guest_id,
        "dateCreated": format_local(guest.created, tz),
        "dateModified": format_local(guest.modified, tz),
        "isMainGuest": guest.is_main,
        "isAnonymized": False,
        "status": res.status,
        "isMerged": False,
        "newGuestID": "",
    }
    if info:
        entry.update(_guest_fields(guest, "guestAddress1", "guestBirthDate"))
        entry["guestOptIn"] = guest.opt_in
        entry["guestNotes"] = [{"ID": "1", "note": guest.notes}] if guest.notes else []
    return entry


def _guest_fields(guest: Guest, address_key: str, birth_key: str) -> dict[str, Any]:
    return {
        "guestFirstName": guest.first_name,
        "guestLastName": guest.last_name,
        "guestGender": guest.gender,
        "guestPhone": guest.phone,
        "guestCellPhone": guest.cell_phone,
        address_key: guest.address1,
        "guestAddress2": guest.address2,
        "guestCity": guest.city,
        "guestState": guest.state,
        "guestCountry": guest.country,
        "guestZip": guest.zip,
        birth_key: _d(guest.birth_date),
        "guestDocumentType": guest.document_type,
        "guestDocumentNumber": guest.document_number,
        "guestDocumentIssueDate": _d(guest.document_issue_date),
        "guestDocumentIssuingCountry": guest.document_issuing_country,
        "guestDocumentExpirationDate": _d(guest.document_expiration_date),
        "taxID": guest.tax_id,
        "companyTaxID": guest.company_tax_id,
        "companyName": guest.company_name,
    }


def guest_modified_rows(store: Store, guest: Guest, res: Reservation) -> list[dict[str, Any]]:
    """``getGuestsModified`` rows: one per guest per room (duplicates per guest are normal)."""
    tz = store.clock.tz
    rooms = [r for r in res.rooms if r.guest_id == guest.guest_id] or res.rooms[:1]
    rows = []
    for room in rooms:
        row = {
            "guestID": guest.guest_id,
            "reservationID": res.reservation_id,
            "roomTypeID": room.room_type_id,
            "roomID": room.room_id or "",
            "roomName": store.rooms[room.room_id].name if room.room_id else "",
            "guestEmail": guest.email,
            **_guest_fields(guest, "guestAddress1", "guestBirthDate"),
            "startDate": f"{room.check_in.isoformat()} 00:00:00",
            "endDate": f"{room.check_out.isoformat()} 00:00:00",
            "guestRequirements": None,
            "customFields": [
                {"customFieldName": f["name"], "customFieldValue": f["value"]} for f in guest.custom_fields
            ],
            "dateModified": format_local(guest.modified, tz),
            "isAnonymized": False,
            "guestOptIn": guest.opt_in,
            "isMerged": False,
            "newGuestID": "",
        }
        rows.append(row)
    return rows


def guest_detail(store: Store, guest: Guest) -> dict[str, Any]:
    """``getGuest``'s ``data``: unprefixed names and no guestID, as in Cloudbeds."""
    return {
        "firstName": guest.first_name,
        "lastName": guest.last_name,
        "gender": guest.gender,
        "email": guest.email,
        "phone": guest.phone,
        "cellPhone": guest.cell_phone,
        "country": guest.country,
        "address": guest.address1,
        "address2": guest.address2,
        "city": guest.city,
        "zip": guest.zip,
        "state": guest.state,
        "birthDate": _d(guest.birth_date),
        "documentType": guest.document_type,
        "documentNumber": guest.document_number,
        "documentIssueDate": _d(guest.document_issue_date),
        "documentIssuingCountry": guest.document_issuing_country,
        "documentExpirationDate": _d(guest.document_expiration_date),
        "customFields": [
            {"customFieldName": f["name"], "customFieldValue": f["value"]} for f in guest.custom_fields
        ],
        "guestRequirements": None,
        "specialRequests": guest.notes,
        "taxID": guest.tax_id,
        "companyTaxID": guest.company_tax_id,
        "companyName": guest.company_name,
        "isAnonymized": False,
        "guestOptIn": guest.opt_in,
        "isMerged": False,
        "newGuestID": "",
    }
