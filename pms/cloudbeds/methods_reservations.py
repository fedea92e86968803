"""Endpoint methods for reservations: the two list views, one booking, create and update.

Mixed into ``CloudbedsClient``. ``post_reservation`` is the one call here that Cloudbeds does not
deduplicate: give it a ``third_party_identifier`` (the hotel system's own reference) and a create
whose outcome is unknown (timeout, 5xx) is looked up by that identifier before it is sent again.
Without one the client cannot tell, and it says so instead of risking a double booking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pms.cloudbeds import normalize
from pms.cloudbeds.methods_catalog import id_list
from pms.cloudbeds.models import CreatedReservation, Reservation
from pms.cloudbeds.pagination import OnPage, Paged
from pms.errors import ValidationError

if TYPE_CHECKING:
    from pms.cloudbeds.client import CloudbedsClient

__all__ = ["ReservationMethods", "RoomChange", "RoomRequest"]


@dataclass(frozen=True)
class RoomRequest:
    """One room type asked for in postReservation: ``quantity`` rooms with these guests in each.

    Cloudbeds matches its parallel ``rooms[]``/``adults[]``/``children[]`` arrays by room type
    (and room), so give one request per room type, or per specific ``room_id``.
    """

    room_type_id: str
    adults: int
    children: int = 0
    quantity: int = 1
    room_id: str | None = None
    rate_id: str | None = None


@dataclass(frozen=True)
class RoomChange:
    """A room in putReservation: type, dates and guests are mandatory whenever rooms are sent."""

    room_type_id: str
    check_in: date
    check_out: date
    adults: int
    children: int = 0
    sub_reservation_id: str | None = None
    rate_id: str | None = None
    adjust_price: bool | None = None


def _custom_fields(fields: Mapping[str, Any] | None, name_key: str, value_key: str) -> list[dict] | None:
    if not fields:
        return None
    return [{name_key: k, value_key: v} for k, v in fields.items()]


def _room_arrays(rooms: Sequence[RoomRequest]) -> dict[str, list[dict]]:
    """postReservation's parallel arrays ``rooms[]``, ``adults[]``, ``children[]``."""
    if not rooms:
        raise ValueError("post_reservation needs at least one room")
    keys = [(r.room_type_id, r.room_id) for r in rooms]
    if len(set(keys)) != len(keys):
        raise ValueError(
            "post_reservation: one RoomRequest per room type (or per room_id); use quantity for "
            "several rooms of one type"
        )
    out: dict[str, list[dict]] = {"rooms": [], "adults": [], "children": []}
    for room in rooms:
        if room.quantity < 1 or room.adults < 1 or room.children < 0:
            raise ValueError("post_reservation: each room needs quantity >= 1, adults >= 1, children >= 0")
        base = {"roomTypeID": room.room_type_id, "roomID": room.room_id}
        out["rooms"].append({**base, "quantity": room.quantity, "roomRateID": room.rate_id})
        # The guest arrays count guests per room type, over all its rooms.
        out["adults"].append({**base, "quantity": room.adults * room.quantity})
        out["children"].append({**base, "quantity": room.children * room.quantity})
    return out


class ReservationMethods:
    """getReservations, getReservationsWithRateDetails, getReservation, postReservation, putReservation,
    postRoomAssign."""

    def get_reservations(
        self: CloudbedsClient,
        *,
        status: str | None = None,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        results_from: datetime | None = None,
        results_to: datetime | None = None,
        check_in_from: date | None = None,
        check_in_to: date | None = None,
        check_out_from: date | None = None,
        check_out_to: date | None = None,
        dates_query_mode: str | None = None,
        room_id: str | None = None,
        room_name: str | None = None,
        room_type_id: str | None = None,
        source_id: str | None = None,
        source_reservation_id: str | None = None,
        rate_plan_id: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        guest_id: str | None = None,
        allotment_block_code: str | None = None,
        group_code: str | None = None,
        include_guests_details: bool = False,
        include_guest_requirements: bool = False,
        include_custom_fields: bool = False,
        include_all_rooms: bool = False,
        sort_by_recent: bool | None = None,
        property_id: str | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[Reservation]:
        """``getReservations``: the list view, with guest details and rooms on request.

        ``modified_from`` is the incremental-sync filter; its zone is undocumented, so it is sent
        to hold under both readings (``encoding.filter_datetime``). Only documented filters are
        offered: a server may ignore an unknown one and answer with every reservation.
        """
        pid = self._pid(property_id)
        params = {
            "propertyID": pid,
            "status": status,
            "modifiedFrom": modified_from,
            "modifiedTo": modified_to,
            "resultsFrom": results_from,
            "resultsTo": results_to,
            "checkInFrom": check_in_from,
            "checkInTo": check_in_to,
            "checkOutFrom": check_out_from,
            "checkOutTo": check_out_to,
            "datesQueryMode": dates_query_mode,
            "roomID": room_id,
            "roomName": room_name,
            "roomTypeID": room_type_id,
            "sourceId": source_id,
            "sourceReservationId": source_reservation_id,
            "ratePlanId": rate_plan_id,
            "firstName": first_name,
            "lastName": last_name,
            "guestID": guest_id,
            "allotmentBlockCode": allotment_block_code,
            "groupCode": group_code,
            "includeGuestsDetails": include_guests_details or None,
            "includeGuestRequirements": include_guest_requirements or None,
            "includeCustomFields": include_custom_fields or None,
            "includeAllRooms": include_all_rooms or None,
            "sortByRecent": sort_by_recent,
        }
        return self.paged(
            "getReservations",
            params,
            lambda r, items: [normalize.reservation(r, i) for i in items],
            property_id=pid,
            page_size=page_size,
            on_page=on_page,
        )

    def get_reservations_with_rate_details(
        self: CloudbedsClient,
        *,
        reservation_ids: str | Iterable[str] | None = None,
        modified_from: datetime | None = None,
        modified_to: datetime | None = None,
        results_from: datetime | None = None,
        results_to: datetime | None = None,
        check_out_from: date | None = None,
        check_out_to: date | None = None,
        include_deleted: bool = False,
        exclude_statuses: str | Iterable[str] | None = None,
        guest_id: str | None = None,
        include_guests_details: bool = False,
        include_guest_requirements: bool = False,
        include_custom_fields: bool = False,
        sort_by_recent: bool | None = None,
        property_id: str | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[Reservation]:
        """``getReservationsWithRateDetails``: totals, rooms, nightly rates, payment collect, UTC times.

        The sync's main list: one call per 100 reservations carries everything a revenue figure
        needs. ``include_deleted`` also returns bookings deleted in Cloudbeds (``is_deleted``).
        """
        pid = self._pid(property_id)
        params = {
            "propertyID": pid,
            "reservationID": id_list(reservation_ids),
            "modifiedFrom": modified_from,
            "modifiedTo": modified_to,
            "resultsFrom": results_from,
            "resultsTo": results_to,
            "reservationCheckOutFrom": check_out_from,
            "reservationCheckOutTo": check_out_to,
            "includeDeleted": include_deleted or None,
            "excludeStatuses": id_list(exclude_statuses),
            "guestID": guest_id,
            "includeGuestsDetails": include_guests_details or None,
            "includeGuestRequirements": include_guest_requirements or None,
            "includeCustomFields": include_custom_fields or None,
            "sortByRecent": sort_by_recent,
        }
        return self.paged(
            "getReservationsWithRateDetails",
            params,
            lambda r, items: [normalize.reservation(r, i) for i in items],
            property_id=pid,
            page_size=page_size,
            on_page=on_page,
        )

    def get_reservation(
        self: CloudbedsClient,
        reservation_id: str,
        *,
        include_guest_requirements: bool = False,
        property_id: str | None = None,
    ) -> Reservation:
        """``getReservation``: the richest view of one booking (guests, rooms, daily rates)."""
        pid = self._pid(property_id)
        body = self.request(
            "getReservation",
            {
                "propertyID": pid,
                "reservationID": reservation_id,
                "includeGuestRequirements": include_guest_requirements or None,
            },
            property_id=pid,
        )
        return normalize.reservation(self.reader(), body.get("data"))

    def find_reservation_by_third_party_id(
        self: CloudbedsClient,
        third_party_identifier: str,
        *,
        check_in: date | None = None,
        created_since: datetime | None = None,
        property_id: str | None = None,
    ) -> Reservation | None:
        """The reservation carrying ``thirdPartyIdentifier``, or None.

        Cloudbeds documents no filter on that field, and a server that ignores an unknown filter
        would answer with every reservation, so the search uses documented filters only: the
        arrival day (``checkInFrom``/``checkInTo``, usually one call) when ``check_in`` is given,
        else the bookings created since ``created_since`` (``resultsFrom``, default two days ago).
        The identifier is then matched exactly on each returned row's ``thirdPartyIdentifier``.
        """
        wanted = str(third_party_identifier)
        if check_in is not None:
            candidates = self.get_reservations(
                check_in_from=check_in, check_in_to=check_in, property_id=property_id
            )
        else:
            since = created_since or datetime.now(UTC) - timedelta(days=2)
            candidates = self.get_reservations(results_from=since, property_id=property_id)
        for found in candidates:
            if found.third_party_identifier == wanted:
                return found
        return None

    def post_reservation(
        self: CloudbedsClient,
        *,
        start_date: date,
        end_date: date,
        guest_first_name: str,
        guest_last_name: str,
        guest_email: str,
        guest_country: str,
        rooms: Sequence[RoomRequest],
        payment_method: str = "cash",
        guest_zip: str | None = None,
        guest_phone: str | None = None,
        guest_gender: str | None = None,
        source_id: str | None = None,
        third_party_identifier: str | None = None,
        estimated_arrival_time: str | None = None,
        custom_fields: Mapping[str, Any] | None = None,
        date_created: datetime | None = None,
        send_email_confirmation: bool = False,
        property_id: str | None = None,
        **extra: Any,
    ) -> CreatedReservation:
        """``postReservation``: create a booking (it arrives in Cloudbeds as made through the API).

        ``send_email_confirmation`` defaults to False here (Cloudbeds' default would email the
        guest). ``extra`` takes further Cloudbeds fields by their wire names (``promoCode`` ...).
        ``guest_zip`` is required and never sent empty: Cloudbeds marks it non-nullable and
        integrators report an empty one refused with "Invalid Parameters", so a blank one is
        refused here, before anything is sent (the sync supplies the guest's postal code, else the
        property's, else the ``cloudbed_guest_zip_placeholder`` setting).
        """
        if not (guest_zip or "").strip():
            raise ValidationError(
                "postReservation needs the guest's postal code (guestZip), and Cloudbeds refuses an empty "
                "one: give the guest's, or the property's postal code.",
                endpoint="postReservation",
            )
        pid = self._pid(property_id)
        params: dict[str, Any] = {
            "propertyID": pid,
            "startDate": start_date,
            "endDate": end_date,
            "guestFirstName": guest_first_name,
            "guestLastName": guest_last_name,
            "guestEmail": guest_email,
            "guestCountry": guest_country,
            "guestZip": guest_zip.strip(),  # type: ignore[union-attr]  (checked above)
            "guestPhone": guest_phone,
            "guestGender": guest_gender,
            "paymentMethod": payment_method,
            "sourceID": source_id,
            "thirdPartyIdentifier": third_party_identifier,
            "estimatedArrivalTime": estimated_arrival_time,
            "customFields": _custom_fields(custom_fields, "fieldName", "fieldValue"),
            "dateCreated": date_created,
            "sendEmailConfirmation": send_email_confirmation,
            **_room_arrays(rooms),
            **extra,
        }

        check = None
        if third_party_identifier:

            def check() -> CreatedReservation | None:
                found = self.find_reservation_by_third_party_id(
                    third_party_identifier, check_in=start_date, property_id=pid
                )
                if found is None:
                    return None
                full = self.get_reservation(found.reservation_id, property_id=pid)
                return CreatedReservation(
                    reservation_id=full.reservation_id,
                    status=full.status,
                    guest_id=full.guest_id,
                    check_in=full.check_in,
                    check_out=full.check_out,
                    created_at=full.created_at,
                    grand_total=full.total,
                    rooms=full.rooms,
                    third_party_identifier=full.third_party_identifier,
                    recovered=True,
                )

        result = self.request("postReservation", params, property_id=pid, check=check)
        if not isinstance(result, dict):
            return result.value
        created = normalize.created_reservation(self.reader(), result)
        if created.third_party_identifier is None and third_party_identifier:
            created = replace(created, third_party_identifier=third_party_identifier)
        return created

    def put_reservation(
        self: CloudbedsClient,
        reservation_id: str,
        *,
        status: str | None = None,
        checkout_date: date | None = None,
        estimated_arrival_time: str | None = None,
        custom_fields: Mapping[str, Any] | None = None,
        rooms: Sequence[RoomChange] | None = None,
        send_status_change_email: bool | None = None,
        property_id: str | None = None,
        **extra: Any,
    ) -> Reservation | None:
        """``putReservation`` (HTTP PUT): change status, dates, rooms or fields of one booking.

        Only the fields given change. Returns the updated booking when Cloudbeds sends it back.
        """
        pid = self._pid(property_id)
        room_rows = None
        if rooms:
            room_rows = [
                {
                    "subReservationID": r.sub_reservation_id,
                    "roomTypeID": r.room_type_id,
                    "checkinDate": r.check_in,
                    "checkoutDate": r.check_out,
                    "adults": r.adults,
                    "children": r.children,
                    "rateID": r.rate_id,
                    "adjustPrice": r.adjust_price,
                }
                for r in rooms
            ]
        params = {
            "propertyID": pid,
            "reservationID": reservation_id,
            "status": status,
            "checkoutDate": checkout_date,
            "estimatedArrivalTime": estimated_arrival_time,
            "customFields": _custom_fields(custom_fields, "customFieldName", "customFieldValue"),
            "rooms": room_rows,
            "sendStatusChangeEmail": send_status_change_email,
            **extra,
        }
        body = self.request("putReservation", params, property_id=pid)
        if body.get("message"):
            self._warn(f"putReservation {reservation_id}: {body['message']}")
        data = body.get("data")
        return normalize.reservation(self.reader(), data) if isinstance(data, Mapping) and data else None

    def post_room_assign(
        self: CloudbedsClient,
        reservation_id: str,
        *,
        sub_reservation_id: str,
        new_room_id: str,
        room_type_id: str,
        old_room_id: str | None = None,
        adjust_price: bool = False,
        property_id: str | None = None,
    ) -> None:
        """``postRoomAssign``: put one booked room (``sub_reservation_id``) into ``new_room_id``.

        ``old_room_id`` names the room assigned now (Cloudbeds needs it to reassign);
        ``adjust_price`` False keeps the booked rate, as a room move at the desk does.
        """
        pid = self._pid(property_id)
        self.request(
            "postRoomAssign",
            {
                "propertyID": pid,
                "reservationID": reservation_id,
                "subReservationID": sub_reservation_id,
                "newRoomID": new_room_id,
                "roomTypeID": room_type_id,
                "oldRoomID": old_room_id,
                "adjustPrice": adjust_price,
            },
            property_id=pid,
        )
