"""Reservation, room and guest rows shaped like ``pms.db.schema``, generated deterministically.

Used by the write-path benchmark before (and besides) the sync engine's own mapping: the same
rows go through the product's upsert, a bare ``executemany`` INSERT and a row-by-row ORM baseline,
so the three timings differ only in the write path. Sizes follow the sandbox's demo data: about
12 % multi-room groups (2-4 rooms) and about one booking in five with a second guest.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

__all__ = ["RowSet", "make_rows"]

PROPERTY_ID = "254042"
_FIRST = [
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Wayan",
    "Putu",
    "Hiroshi",
    "Mei",
    "Ahmad",
    "Élodie",
    "张伟",
    "김민준",
]
_LAST = ["Santoso", "Rahayu", "Wijaya", "Lestari", "Tanaka", "Chen", "Al-Farsi", "Dubois", "Kusuma", "이"]
_TYPES = [
    ("101", "Superior Twin"),
    ("102", "Deluxe Double"),
    ("103", "Deluxe Pool View"),
    ("104", "Family Room"),
    ("105", "Junior Suite"),
    ("106", "Joglo Villa"),
]
_STATUSES = ["checked_out", "checked_out", "checked_out", "confirmed", "canceled", "checked_in", "no_show"]
_SOURCES = [
    ("s-1", "Website/Booking Engine", "direct", "hotel"),
    ("ss-101-1", "Booking.com", "ota", "hotel"),
    ("ss-102-0", "Agoda", "ota", "channel"),
    ("s-2", "Walk-In", "direct", "hotel"),
]


@dataclass
class RowSet:
    """Rows for the three tables; ``guest_of`` / ``parent_of`` link children to their parents' keys."""

    guests: list[dict]
    reservations: list[dict]
    rooms: list[dict]
    guest_of: list[str]  # per reservation: its main guest's cloudbed_guest_id
    parent_of: list[int]  # per room: index of its reservation

    def __len__(self) -> int:
        return len(self.reservations)


def make_rows(n: int, seed: int = 8, property_id: str = PROPERTY_ID) -> RowSet:
    """``n`` reservations with their rooms and guests (ids as strings above 2^32, money as Decimal)."""
    rnd = random.Random(seed)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    guests: list[dict] = []
    reservations: list[dict] = []
    rooms: list[dict] = []
    guest_of: list[str] = []
    parent_of: list[int] = []
    for i in range(n):
        res_id = str(5_200_000_000 + i)
        created = base + timedelta(minutes=97 * i)
        check_in = date(2024, 1, 1) + timedelta(days=i * 1000 // max(n, 1) + rnd.randrange(0, 30))
        nights = rnd.choice([1, 1, 2, 2, 3, 4, 7])
        n_guests = 2 if rnd.random() < 0.2 else 1
        first_gid = None
        for _ in range(n_guests):
            gid = str(6_100_000_000 + len(guests))
            first_gid = first_gid or gid
            fn, ln = rnd.choice(_FIRST), rnd.choice(_LAST)
            guests.append(
                {
                    "property_id": property_id,
                    "cloudbed_guest_id": gid,
                    "cloudbed_reservation_id": res_id,
                    "first_name": fn,
                    "last_name": ln,
                    "email": f"guest{len(guests)}@example.com",
                    "phone": f"+62812{rnd.randrange(10**7, 10**8)}",
                    "cell_phone": None,
                    "gender": rnd.choice(["M", "F", "N/A"]),
                    "country": rnd.choice(["ID", "SG", "JP", "AU", "FR"]),
                    "address1": f"Jl. Mawar No. {rnd.randrange(1, 200)}",
                    "address2": None,
                    "city": "Yogyakarta",
                    "state": "DI Yogyakarta",
                    "zip": "55153",
                    "birth_date": None,
                    "document_type": None,
                    "document_number": None,
                    "is_anonymized": False,
                    "cloudbed_updated_at": created,
                    "origin": "cloudbeds",
                    "sync_status": "synced",
                    "last_sync_at": created,
                }
            )
        n_rooms = rnd.choice([2, 2, 3, 4]) if rnd.random() < 0.12 else 1
        sub_total = Decimal(0)
        adults_total = 0
        for r in range(n_rooms):
            type_id, type_name = rnd.choice(_TYPES)
            room_total = Decimal(rnd.randrange(130, 640) * 5000 * nights)
            sub_total += room_total
            adults = rnd.choice([1, 2, 2])
            adults_total += adults
            rooms.append(
                {
                    "property_id": property_id,
                    "cloudbed_reservation_id": res_id,
                    "sub_reservation_id": f"{res_id}-{r + 1}",
                    "cloudbed_room_type_id": type_id,
                    "room_type_name": type_name,
                    "adf_room_type": type_name.upper()[:20],
                    "room_id": f"{type_id}-{rnd.randrange(1, 11)}",
                    "room_name": f"Room {rnd.randrange(101, 611)}",
                    "check_in": check_in,
                    "check_out": check_in + timedelta(days=nights),
                    "adults": adults,
                    "children": 0,
                    "room_total": room_total,
                    "rate_id": f"r-{type_id}-1",
                    "rate_name": "Standard Rate",
                    "room_status": "normal",
                    "is_deleted": False,
                }
            )
            parent_of.append(i)
        taxes = (sub_total * Decimal("0.21")).quantize(Decimal(1))
        total = sub_total + taxes
        status = rnd.choice(_STATUSES)
        src = rnd.choice(_SOURCES)
        paid = total if status == "checked_out" or src[3] == "channel" else Decimal(0)
        reservations.append(
            {
                "property_id": property_id,
                "cloudbed_reservation_id": res_id,
                "status": status,
                "check_in": check_in,
                "check_out": check_in + timedelta(days=nights),
                "adults": adults_total,
                "children": 0,
                "cloudbed_guest_id": first_gid,
                "guest_name": f"{guests[-n_guests]['first_name']} {guests[-n_guests]['last_name']}",
                "source_id": src[0],
                "source_name": src[1],
                "source_category": src[2],
                "payment_collect": src[3],
                "currency": "IDR",
                "total": total,
                "sub_total": sub_total,
                "taxes_fees": taxes,
                "paid": paid,
                "balance": total - paid,
                "cloudbed_total": total,
                "third_party_id": None,
                "booking_origin": src[1].lower(),
                "estimated_arrival": "14:00",
                "cancelled_at": created if status == "canceled" else None,
                "cloudbed_created_at": created,
                "cloudbed_updated_at": created + timedelta(hours=3),
                "origin": "cloudbeds",
                "sync_status": "synced",
                "last_sync_at": created,
            }
        )
        guest_of.append(first_gid)
    return RowSet(guests, reservations, rooms, guest_of, parent_of)
