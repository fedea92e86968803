"""The demo property's fixed catalogue: the hotel, its room types, rooms, sources and rate plans.

A boutique hotel in Yogyakarta's Prawirotaman quarter, priced in rupiah. Room names carry their
numbers in the different ways hotels write them ("Room 101", "201 - Deluxe", "D301", "Suite 501",
"Villa Melati 601"), because the sync matches rooms across systems on those digits. Sources cover
direct channels and the four OTAs Indonesian hotels live on, each in a hotel-collect and a
channel-collect variant (``ss-{id}-1`` / ``ss-{id}-0``).
"""

from __future__ import annotations

from pms.sandbox.models import Property, RatePlan, Room, RoomType, Source

__all__ = ["build_property", "build_rate_plans", "build_room_types", "build_sources"]

TIMEZONE = "Asia/Jakarta"


def build_property(property_id: str) -> Property:
    return Property(
        property_id=property_id,
        organization_id=str(int(property_id) // 10 + 7000),
        name="Omah Sekar Boutique Hotel",
        type="Hotel",
        description="33-room boutique hotel with a garden pool, a short walk from the Kraton of Yogyakarta.",
        timezone=TIMEZONE,
        currency_code="IDR",
        currency_symbol="Rp",
        phone="+62 274 380 128",
        email="reservasi@omahsekar.example",
        address1="Jl. Prawirotaman No. 28",
        address2="Brontokusuman, Mergangsan",
        city="Yogyakarta",
        state="Daerah Istimewa Yogyakarta",
        zip="55153",
        country="ID",
        latitude="-7.8193",
        longitude="110.3672",
        check_in_time="14:00:00",
        check_out_time="12:00:00",
        amenities=["wifi", "swimming_pool", "restaurant", "airport_shuttle", "breakfast", "spa", "parking"],
        tax_id="01.234.567.8-541.000",
        legal_name="PT Omah Sekar Nusantara",
        tax_rate_pct=21,  # 10 % PB1 hotel tax + 11 % service, the usual "++" on Indonesian rates
    )


# (id suffix, name, short, description, max guests, adults incl., children incl., base rate, rooms)
_ROOM_TYPES = (
    (
        "01",
        "Superior Twin",
        "SUP",
        "Two single beds, garden view",
        2,
        2,
        0,
        650_000,
        [f"Room {n}" for n in range(101, 109)],
    ),
    (
        "02",
        "Deluxe Double",
        "DLX",
        "Queen bed, balcony over the garden",
        2,
        2,
        0,
        850_000,
        [f"{n} - Deluxe" for n in range(201, 211)],
    ),
    (
        "03",
        "Deluxe Pool View",
        "DPV",
        "King bed, private terrace facing the pool",
        3,
        2,
        0,
        1_050_000,
        [f"D{n}" for n in range(301, 307)],
    ),
    (
        "04",
        "Family Room",
        "FAM",
        "King bed and bunk beds for two children",
        4,
        2,
        2,
        1_350_000,
        ["401", "402", "403", "404"],
    ),
    (
        "05",
        "Junior Suite",
        "JS",
        "Separate lounge, bathtub, Javanese teak furniture",
        3,
        2,
        1,
        1_900_000,
        ["Suite 501", "Suite 502", "Suite 503"],
    ),
    (
        "06",
        "Joglo Villa",
        "VIL",
        "Traditional joglo house with plunge pool",
        4,
        2,
        2,
        3_200_000,
        ["Villa Melati 601", "Villa Kenanga 602"],
    ),
)


def _extra_room_names(total: int | None) -> list[list[str]]:
    """Names of the rooms beyond the catalogue's, per room type in turn (``SUP 1001``, ``DLX 1002``...)."""
    extra: list[list[str]] = [[] for _ in _ROOM_TYPES]
    have = sum(len(t[-1]) for t in _ROOM_TYPES)
    for i in range(max(0, (total or have) - have)):
        slot = i % len(_ROOM_TYPES)
        extra[slot].append(f"{_ROOM_TYPES[slot][2]} {1001 + i}")
    return extra


def build_room_types(
    property_id: str, rooms: int | None = None
) -> tuple[dict[str, RoomType], dict[str, Room]]:
    """The room types and their rooms; ``rooms`` above the catalogue's 33 adds rooms in turn."""
    base = int(property_id) * 100
    extra = _extra_room_names(rooms)
    room_types: dict[str, RoomType] = {}
    rooms: dict[str, Room] = {}
    for slot, (suffix, name, short, desc, max_guests, adults_inc, children_inc, rate, names) in enumerate(
        _ROOM_TYPES
    ):
        rt_id = str(base + int(suffix))
        rt = RoomType(
            rt_id,
            name,
            short,
            desc,
            max_guests,
            adults_inc,
            children_inc,
            rate,
            features=["air_conditioning", "wifi", "hot_shower", "tv"],
        )
        for i, room_name in enumerate([*names, *extra[slot]], start=1):
            room = Room(
                room_id=f"{rt_id}-{i}",
                name=room_name,
                room_type_id=rt_id,
                doorlock_id=f"DL{rt_id[-2:]}{i:02d}",
            )
            rooms[room.room_id] = room
            rt.room_ids.append(room.room_id)
        room_types[rt_id] = rt
    return room_types, rooms


# (source number, brand, commission %, origin)
_OTAS = (
    (101, "Booking.com", 15.0, "booking.com"),
    (102, "Agoda", 17.0, "agoda"),
    (103, "Traveloka", 15.0, "traveloka"),
    (104, "Expedia", 18.0, "expedia"),
)


def build_sources() -> dict[str, Source]:
    sources = [
        Source("s-1", "Website/Booking Engine", "Website", False, 0.0, "hotel", "Direct", "booking_engine"),
        Source("s-2", "Walk-In", "Walk-In", False, 0.0, "hotel", "Direct", "front_desk"),
        Source("s-3", "Phone", "Phone", False, 0.0, "hotel", "Direct", "front_desk"),
    ]
    for number, brand, commission, origin in _OTAS:
        sources.append(
            Source(
                f"ss-{number}-1", f"{brand} (Hotel Collect)", brand, True, commission, "hotel", "OTA", origin
            )
        )
        sources.append(
            Source(
                f"ss-{number}-0",
                f"{brand} (Channel Collect)",
                brand,
                True,
                commission,
                "channel",
                "OTA",
                origin,
            )
        )
    return {s.source_id: s for s in sources}


def build_rate_plans(room_types: dict[str, RoomType]) -> dict[str, RatePlan]:
    """A base "Best Available Rate" per room type, and a derived non-refundable plan 10 % cheaper."""
    plans: dict[str, RatePlan] = {}
    for n, rt in enumerate(room_types.values(), start=1):
        base_id = str(780000 + n * 10)
        plans[base_id] = RatePlan(base_id, rt.room_type_id, "Standard Rate", "BAR")
        derived_id = str(780000 + n * 10 + 1)
        plans[derived_id] = RatePlan(
            derived_id,
            rt.room_type_id,
            "Non-Refundable",
            "NRF",
            is_derived=True,
            parent_rate_id=base_id,
            derived_type="percentage",
            derived_value=-10.0,
        )
    return plans
