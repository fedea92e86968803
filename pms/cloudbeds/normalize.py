"""Wire → typed records: the property, its catalogue, rates, availability, webhooks and user.

Each function takes a ``Reader`` (which knows the property's time zone and where to report odd
values) and one decoded wire object, and returns a record from ``models``. Nested per-property
answers (getRooms, getAvailableRoomTypes) are flattened here. Booking records live in
``normalize_bookings`` and are re-exported, so callers import every normaliser from this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pms.cloudbeds.models import (
    AvailableRoomType,
    Currency,
    DailyRate,
    DateRate,
    Hotel,
    HotelDetails,
    RateJob,
    RateJobUpdate,
    RatePlan,
    Room,
    RoomType,
    Source,
    SourceCharge,
    UserInfo,
    WebhookSubscription,
)
from pms.cloudbeds.normalize_bookings import (
    GUEST_STATUSES,
    PAYMENT_COLLECT,
    RESERVATION_STATUSES,
    ROOM_STATUSES,
    created_reservation,
    custom_fields,
    guest,
    payment_collect,
    reservation,
    reservation_guest,
    reservation_room,
)
from pms.cloudbeds.wire import Fields, Reader

__all__ = [
    "GUEST_STATUSES",
    "PAYMENT_COLLECT",
    "RATE_JOB_STATUSES",
    "RESERVATION_STATUSES",
    "ROOM_STATUSES",
    "Reader",
    "available_room_types",
    "created_reservation",
    "currency",
    "custom_fields",
    "guest",
    "hotel",
    "hotel_details",
    "payment_collect",
    "rate_job",
    "rate_plan",
    "reservation",
    "reservation_guest",
    "reservation_room",
    "room_type",
    "rooms",
    "source",
    "user_info",
    "webhook",
]

RATE_JOB_STATUSES = frozenset({"in_progress", "completed", "error"})
RATE_JOB_ACTIONS = frozenset({"in_progress", "updated", "created", "error"})


def currency(r: Reader, value: Any) -> Currency | None:
    """``propertyCurrency``: an array in getHotels, an object in getHotelDetails, or a bare code."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, Mapping)), None)
    if isinstance(value, str):
        return Currency(code=value)
    if not isinstance(value, Mapping):
        return None
    return Currency(
        code=r.text(value.get("currencyCode")),
        symbol=r.text(value.get("currencySymbol")),
        position=r.text(value.get("currencyPosition")),
        decimal_separator=r.text(value.get("currencyDecimalSeparator")),
        thousands_separator=r.text(value.get("currencyThousandsSeparator")),
    )


def hotel(r: Reader, raw: Any) -> Hotel:
    f = Fields(raw)
    return Hotel(
        property_id=r.id(f.get("propertyID")) or "",
        name=r.text(f.get("propertyName")),
        timezone=r.text(f.get("propertyTimezone")),
        currency=currency(r, f.get("propertyCurrency")),
        organization_id=r.id(f.get("organizationID")),
        description=r.text(f.get("propertyDescription")),
        image=r.text(f.get("propertyImage")),
        extra=f.rest(),
    )


def hotel_details(r: Reader, raw: Any) -> HotelDetails:
    f = Fields(raw)
    address = r.mapping(f.get("propertyAddress"))
    policy = r.mapping(f.get("propertyPolicy"))
    extra = f.rest()
    leftover_policy = {
        k: v for k, v in policy.items() if k not in ("propertyCheckInTime", "propertyCheckOutTime")
    }
    if leftover_policy:
        extra["propertyPolicy"] = leftover_policy
    return HotelDetails(
        property_id=r.id(f.get("propertyID")) or "",
        name=r.text(f.get("propertyName")),
        currency=currency(r, f.get("propertyCurrency")),
        property_type=r.text(f.get("propertyType")),
        organization_id=r.id(f.get("organizationID")),
        description=r.text(f.get("propertyDescription")),
        language=r.text(f.get("propertyPrimaryLanguage")),
        phone=r.text(f.get("propertyPhone")),
        email=r.text(f.get("propertyEmail")),
        address1=r.text(address.get("propertyAddress1")),
        address2=r.text(address.get("propertyAddress2")),
        city=r.text(address.get("propertyCity")),
        state=r.text(address.get("propertyState")),
        zip=r.text(address.get("propertyZip")),
        country=r.text(address.get("propertyCountry")),
        latitude=r.decimal(address.get("propertyLatitude"), "propertyLatitude"),
        longitude=r.decimal(address.get("propertyLongitude"), "propertyLongitude"),
        check_in_time=r.time_of_day(policy.get("propertyCheckInTime"), "propertyCheckInTime"),
        check_out_time=r.time_of_day(policy.get("propertyCheckOutTime"), "propertyCheckOutTime"),
        amenities=tuple(str(a) for a in r.items(f.get("propertyAmenities"))),
        tax_id=r.text(f.get("taxID")),
        legal_name=r.text(f.get("companyLegalName")),
        extra=extra,
    )


def room_type(r: Reader, raw: Any) -> RoomType:
    f = Fields(raw)
    rid = r.id(f.get("roomTypeID")) or ""
    what = f"room type {rid}"
    return RoomType(
        room_type_id=rid,
        property_id=r.id(f.get("propertyID")),
        name=r.text(f.get("roomTypeName")),
        short_name=r.text(f.get("roomTypeNameShort")),
        description=r.text(f.get("roomTypeDescription")),
        is_private=r.boolean(f.get("isPrivate"), f"{what} isPrivate"),
        max_guests=r.integer(f.get("maxGuests"), f"{what} maxGuests"),
        adults_included=r.integer(f.get("adultsIncluded"), f"{what} adultsIncluded"),
        children_included=r.integer(f.get("childrenIncluded"), f"{what} childrenIncluded"),
        extra=f.rest(),
    )


def _room(r: Reader, raw: Any, property_id: str | None) -> Room:
    f = Fields(raw)
    rid = r.id(f.get("roomID")) or ""
    what = f"room {rid}"
    return Room(
        room_id=rid,
        property_id=r.id(f.get("propertyID")) or property_id,
        name=r.text(f.get("roomName")),
        room_type_id=r.id(f.get("roomTypeID")),
        room_type_name=r.text(f.get("roomTypeName")),
        room_type_short_name=r.text(f.get("roomTypeNameShort")),
        description=r.text(f.get("roomDescription")),
        dorm_room_name=r.text(f.get("dormRoomName")),
        max_guests=r.integer(f.get("maxGuests"), f"{what} maxGuests"),
        is_private=r.boolean(f.get("isPrivate"), f"{what} isPrivate"),
        is_virtual=r.boolean(f.get("isVirtual"), f"{what} isVirtual"),
        blocked=r.boolean(f.get("roomBlocked"), f"{what} roomBlocked"),
        doorlock_id=r.text(f.get("doorlockID")),
        linked_room_ids=tuple(str(x) for x in r.items(f.get("linkedRoomIDs"))),
        extra=f.rest(),
    )


def rooms(r: Reader, outer: Any) -> list[Room]:
    """getRooms' per-property wrapper ``{propertyID, rooms[]}`` flattened into rooms."""
    f = Fields(outer)
    property_id = r.id(f.get("propertyID"))
    return [_room(r, row, property_id) for row in r.items(f.get("rooms"))]


def _charge(r: Reader, raw: Any, id_field: str) -> SourceCharge:
    f = Fields(raw)
    return SourceCharge(
        charge_id=r.id(f.get(id_field)),
        name=r.text(f.get("name")),
        amount=r.decimal(f.get("amount"), f"{id_field} amount"),
        amount_type=r.text(f.get("amountType")),
        type=r.text(f.get("type")),
    )


def source(r: Reader, raw: Any) -> Source:
    f = Fields(raw)
    sid = r.id(f.get("sourceID")) or ""
    what = f"source {sid}"
    return Source(
        source_id=sid,
        property_id=r.id(f.get("propertyID")),
        name=r.text(f.get("sourceName")),
        is_third_party=r.boolean(f.get("isThirdParty"), f"{what} isThirdParty"),
        active=r.boolean(f.get("status"), f"{what} status"),
        commission=r.decimal(f.get("commission"), f"{what} commission"),
        payment_collect=payment_collect(r, f.get("paymentCollect"), f"{what} paymentCollect"),
        taxes=tuple(_charge(r, t, "taxID") for t in r.items(f.get("taxes"))),
        fees=tuple(_charge(r, t, "feeID") for t in r.items(f.get("fees"))),
        extra=f.rest(),
    )


def _daily_rate(r: Reader, raw: Any, what: str) -> DailyRate | None:
    f = Fields(raw)
    day = r.day(f.get("date"), f"{what} date")
    if day is None:
        return None
    return DailyRate(
        date=day,
        rate=r.decimal(f.get("rate", "rateBase"), f"{what} {day} rate"),
        total_rate=r.decimal(f.get("totalRate"), f"{what} {day} totalRate"),
        rooms_available=r.integer(f.get("roomsAvailable"), f"{what} {day} roomsAvailable"),
        closed_to_arrival=r.boolean(f.get("closedToArrival"), f"{what} closedToArrival"),
        closed_to_departure=r.boolean(f.get("closedToDeparture"), f"{what} closedToDeparture"),
        blocked=r.boolean(f.get("blocked"), f"{what} blocked"),
        min_los=r.integer(f.get("minLos"), f"{what} minLos"),
        max_los=r.integer(f.get("maxLos"), f"{what} maxLos"),
        cut_off=r.integer(f.get("cutOff"), f"{what} cutOff"),
        last_minute_booking=r.integer(f.get("lastMinuteBooking"), f"{what} lastMinuteBooking"),
    )


def rate_plan(r: Reader, raw: Any, *, room_type_id: str | None = None) -> RatePlan:
    """A getRatePlans row or getRate's object (which lacks the room type: pass it in)."""
    f = Fields(raw)
    rid = r.id(f.get("rateID")) or ""
    what = f"rate {rid}"
    daily = [_daily_rate(r, row, what) for row in r.items(f.get("roomRateDetailed"))]
    promo = f.get("promoCode")
    return RatePlan(
        rate_id=rid,
        room_type_id=r.id(f.get("roomTypeID")) or room_type_id,
        is_derived=r.boolean(f.get("isDerived"), f"{what} isDerived"),
        property_id=r.id(f.get("propertyID")),
        room_type_name=r.text(f.get("roomTypeName")),  # the spec types it int; it is a name
        rate_plan_id=r.id(f.get("ratePlanID")),
        name_public=r.text(f.get("ratePlanNamePublic")),
        name_private=r.text(f.get("ratePlanNamePrivate")),
        promo_code=None if isinstance(promo, bool) else r.text(promo),  # getRate types it bool
        room_rate=r.decimal(f.get("roomRate"), f"{what} roomRate"),
        total_rate=r.decimal(f.get("totalRate"), f"{what} totalRate"),
        rooms_available=r.integer(f.get("roomsAvailable"), f"{what} roomsAvailable"),
        derived_type=r.text(f.get("derivedType")),
        derived_value=r.decimal(f.get("derivedValue"), f"{what} derivedValue"),
        parent_rate_id=r.id(f.get("parentRateID")),
        days_of_week=tuple(str(d) for d in r.items(f.get("daysOfWeek"))),
        daily=tuple(d for d in daily if d is not None),
        extra=f.rest(),
    )


def rate_job(r: Reader, raw: Any) -> RateJob:
    f = Fields(raw)
    jid = r.id(f.get("jobReferenceID")) or ""
    what = f"rate job {jid}"
    updates = []
    for row in r.items(f.get("updates")):
        u = Fields(row)
        updates.append(
            RateJobUpdate(
                rate_id=r.id(u.get("rateID")),
                action=r.enum(u.get("action"), RATE_JOB_ACTIONS, f"{what} action"),
                start_date=r.day(u.get("startDate"), f"{what} startDate"),
                end_date=r.day(u.get("endDate"), f"{what} endDate"),
                rate=r.decimal(u.get("rate"), f"{what} rate"),
                message=r.text(u.get("message")),
                extra=u.rest(),
            )
        )
    return RateJob(
        job_reference_id=jid,
        status=r.enum(f.get("status"), RATE_JOB_STATUSES, f"{what} status"),
        created_at=r.local(f.get("dateCreated"), f"{what} dateCreated"),
        updates=tuple(updates),
        extra=f.rest(),
    )


def available_room_types(r: Reader, outer: Any) -> list[AvailableRoomType]:
    """getAvailableRoomTypes' per-property wrapper flattened into room types."""
    f = Fields(outer)
    property_id = r.id(f.get("propertyID"))
    cur = currency(r, f.get("propertyCurrency"))
    out = []
    for row in r.items(f.get("propertyRooms")):
        g = Fields(row)
        rid = r.id(g.get("roomTypeID")) or ""
        what = f"available room type {rid}"
        daily = []
        for night in r.items(g.get("roomRateDetailed")):
            n = Fields(night)
            day = r.day(n.get("date"), f"{what} date")
            if day is not None:
                daily.append(
                    DateRate(
                        day,
                        r.decimal(n.get("rate"), f"{what} {day} rate"),
                        r.integer(n.get("roomsAvailable"), f"{what} {day} roomsAvailable"),
                    )
                )
        individual = [x.get("roomID") for x in r.items(g.get("individualRooms")) if isinstance(x, Mapping)]
        out.append(
            AvailableRoomType(
                property_id=property_id,
                room_type_id=rid,
                name=r.text(g.get("roomTypeName")),
                rooms_available=r.integer(g.get("roomsAvailable"), f"{what} roomsAvailable"),
                room_rate=r.decimal(g.get("roomRate"), f"{what} roomRate"),
                rate_id=r.id(g.get("roomRateID")),
                rate_name_public=r.text(g.get("ratePlanNamePublic")),
                rate_name_private=r.text(g.get("ratePlanNamePrivate")),
                short_name=r.text(g.get("roomTypeNameShort")),
                max_guests=r.integer(g.get("maxGuests"), f"{what} maxGuests"),
                adults_included=r.integer(g.get("adultsIncluded"), f"{what} adultsIncluded"),
                children_included=r.integer(g.get("childrenIncluded"), f"{what} childrenIncluded"),
                currency=cur.code if cur else None,
                daily=tuple(sorted(daily, key=lambda d: d.date)),
                individual_room_ids=tuple(str(x) for x in individual if x is not None),
                extra=g.rest(),
            )
        )
    return out


def webhook(r: Reader, raw: Any) -> WebhookSubscription:
    f = Fields(raw)
    key = r.mapping(f.get("key"))
    event = r.mapping(f.get("event"))
    owner = r.mapping(f.get("owner"))
    data = r.mapping(f.get("subscriptionData"))
    return WebhookSubscription(
        subscription_id=r.id(f.get("id", "subscriptionID")) or "",
        object=r.text(event.get("entity") or event.get("object")),
        action=r.text(event.get("action")),
        endpoint_url=r.text(data.get("endpoint") or data.get("endpointUrl")),
        key_type=r.text(key.get("type")),
        key_id=r.id(key.get("id")),
        owner_type=r.text(owner.get("type")),
        owner_id=r.id(owner.get("id")),
        extra=f.rest(),
    )


def user_info(r: Reader, body: Any) -> UserInfo:
    f = Fields(body)
    f.get("success")
    roles = tuple(dict(x) for x in r.items(f.get("roles")) if isinstance(x, Mapping))
    return UserInfo(
        user_id=r.id(f.get("user_id", "userID")),
        first_name=r.text(f.get("first_name", "firstName")),
        last_name=r.text(f.get("last_name", "lastName")),
        email=r.text(f.get("email")),
        acl=tuple(str(x) for x in r.items(f.get("acl"))),
        roles=roles,
        extra=f.rest(),
    )
