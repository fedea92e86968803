"""Endpoint methods for the property and its catalogue: hotels, details, room types, rooms, sources.

Mixed into ``CloudbedsClient``. Each method documents the Cloudbeds method it calls; parameters
are Python-named and keyword-only, ``None`` means "not sent". ``get_hotels`` also teaches the
client its property's time zone, which the normalisers need for property-local timestamps.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from pms.cloudbeds import normalize
from pms.cloudbeds.models import Hotel, HotelDetails, Room, RoomType, Source, UserInfo
from pms.cloudbeds.pagination import OnPage, Paged
from pms.errors import ConfigurationError

if TYPE_CHECKING:
    from pms.cloudbeds.client import CloudbedsClient

__all__ = ["CatalogMethods", "id_list"]


def id_list(value: str | Iterable[Any] | None) -> list[str] | None:
    """Ids as a list for comma-encoding; a single id or an already comma-joined string is kept."""
    if value is None:
        return None
    if isinstance(value, (str, int)):
        return [str(value)]
    return [str(v) for v in value]


class CatalogMethods:
    """The property, its room types, rooms and booking sources, and the user behind the credential."""

    def _group_ids(self: CloudbedsClient, property_ids: str | Iterable[str] | None) -> list[str] | None:
        ids = id_list(property_ids)
        if ids is None and self.property_id:
            ids = [self.property_id]
        return ids

    def userinfo(self: CloudbedsClient, *, role_details: bool = False) -> UserInfo:
        """``GET /userinfo``: who the credential belongs to (no scope needed)."""
        body = self.request(
            "userinfo", {"property_id": self.property_id, "role_details": role_details or None}
        )
        return normalize.user_info(self.reader(), body)

    def get_hotels(
        self: CloudbedsClient,
        *,
        property_ids: str | Iterable[str] | None = None,
        name: str | None = None,
        city: str | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[Hotel]:
        """``getHotels``: the properties this credential reaches, with their time zones.

        Without ``property_ids`` every property is listed (group accounts have several). When the
        client has no time zone yet, it takes its own property's zone from the answer.
        """
        params = {"propertyIDs": id_list(property_ids), "propertyName": name, "propertyCity": city}

        def convert(reader, items):
            hotels = [normalize.hotel(reader, item) for item in items]
            for hotel in hotels:
                ours = hotel.property_id == self.property_id or (
                    self.property_id is None and len(hotels) == 1
                )
                if self.property_timezone is None and hotel.timezone and ours:
                    try:
                        self.property_timezone = hotel.timezone
                    except ConfigurationError:  # an unknown zone name is reported, not fatal
                        self._warn(f"property {hotel.property_id}: unknown time zone {hotel.timezone!r}")
            return hotels

        return self.paged("getHotels", params, convert, page_size=page_size, on_page=on_page)

    def load_property_timezone(self: CloudbedsClient) -> str | None:
        """Ask Cloudbeds for the property's time zone (one getHotels call) and remember it."""
        for hotel in self.get_hotels(property_ids=self._group_ids(None)):
            if self.property_id is None or hotel.property_id == self.property_id:
                if hotel.timezone:
                    self.property_timezone = hotel.timezone
                return hotel.timezone
        return None

    def get_hotel_details(self: CloudbedsClient, *, property_id: str | None = None) -> HotelDetails:
        """``getHotelDetails``: name, currency, address, check-in/out times of one property."""
        pid = self._pid(property_id)
        body = self.request("getHotelDetails", {"propertyID": pid}, property_id=pid)
        return normalize.hotel_details(self.reader(), body.get("data"))

    def get_room_types(
        self: CloudbedsClient,
        *,
        room_type_ids: str | Iterable[str] | None = None,
        property_ids: str | Iterable[str] | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        adults: int | None = None,
        children: int | None = None,
        detailed_rates: bool | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[RoomType]:
        """``getRoomTypes`` (no ``total`` in its answer: paging stops on a short page)."""
        params = {
            "propertyIDs": self._group_ids(property_ids),
            "roomTypeIDs": id_list(room_type_ids),
            "startDate": start_date,
            "endDate": end_date,
            "adults": adults,
            "children": children,
            "detailedRates": detailed_rates,
        }
        return self.paged(
            "getRoomTypes",
            params,
            lambda r, items: [normalize.room_type(r, i) for i in items],
            page_size=page_size,
            on_page=on_page,
        )

    def get_rooms(
        self: CloudbedsClient,
        *,
        room_type_ids: str | Iterable[str] | None = None,
        property_ids: str | Iterable[str] | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        include_room_relations: bool = False,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[Room]:
        """``getRooms``: every room, or with both dates only the rooms free in that window.

        The rooms come nested in one object per property and are flattened, so ``on_page``'s item
        count is rooms. Whether pages cut the rooms or the properties, and what ``count``/``total``
        count, is undocumented: the list is walked by rooms until a page brings none not seen
        before, or the counters plainly count rooms and all have come (``pagination``). A
        150-room hotel loses no room under any of these readings.
        """
        if (start_date is None) != (end_date is None):
            raise ValueError("get_rooms needs both start_date and end_date, or neither")
        params = {
            "propertyIDs": self._group_ids(property_ids),
            "roomTypeID": id_list(room_type_ids),
            "startDate": start_date,
            "endDate": end_date,
            "includeRoomRelations": 1 if include_room_relations else None,
        }

        def convert(reader, items):
            return [room for outer in items for room in normalize.rooms(reader, outer)]

        return self.paged(
            "getRooms",
            params,
            convert,
            page_size=page_size,
            on_page=on_page,
            nested_key=lambda room: (room.property_id, room.room_id) if room.room_id else id(room),
        )

    def get_sources(
        self: CloudbedsClient, *, property_ids: str | Iterable[str] | None = None
    ) -> list[Source]:
        """``getSources``: booking sources with their payment collect (hotel or channel)."""
        body = self.request("getSources", {"propertyIDs": self._group_ids(property_ids)})
        reader = self.reader()
        return [normalize.source(reader, item) for item in reader.items(body.get("data"))]
