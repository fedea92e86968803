"""Rows for reporting tests, written into a real database the way the sync writes them.

Each helper inserts a small, known world so the aggregates under test have answers a reader can
check by hand.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from pms.db import schema

PID = "254042"
OTHER = "999001"
_ids = itertools.count(1)
NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # 12:00 in Jakarta
TODAY = date(2026, 11, 25)


def catalogue(conn, pid: str = PID, *, demo: bool = True, rooms: int = 10) -> None:
    conn.execute(
        sa.insert(schema.cloudbed_properties).values(
            property_id=pid,
            name="Omah Sekar Boutique Hotel" if pid == PID else "Other Hotel",
            timezone="Asia/Jakarta",
            currency_code="IDR",
            is_demo=demo,
        )
    )
    conn.execute(
        sa.insert(schema.cloudbed_room_types),
        [
            {
                "property_id": pid,
                "room_type_id": "rt-1",
                "name": "Deluxe Double",
                "max_guests": 2,
                "units": rooms // 2,
            },
            {
                "property_id": pid,
                "room_type_id": "rt-2",
                "name": "Family Room",
                "max_guests": 4,
                "units": rooms - rooms // 2,
            },
        ],
    )
    conn.execute(
        sa.insert(schema.cloudbed_rooms),
        [
            {
                "property_id": pid,
                "room_id": f"r{i}",
                "room_name": f"Room {100 + i}",
                "room_type_id": "rt-1" if i % 2 else "rt-2",
            }
            for i in range(rooms)
        ],
    )
    conn.execute(
        sa.insert(schema.cloudbed_sources),
        [
            {
                "property_id": pid,
                "source_id": "s-2",
                "name": "Walk-In",
                "category": "direct",
                "is_third_party": False,
                "payment_collect": "hotel",
            },
            {
                "property_id": pid,
                "source_id": "ss-101-1",
                "name": "Booking.com",
                "category": "ota",
                "is_third_party": True,
                "payment_collect": "channel",
            },
        ],
    )


def reservation(
    conn,
    check_in: date,
    nights: int,
    *,
    pid: str = PID,
    status: str = "confirmed",
    rooms: int = 1,
    source: str = "Walk-In",
    collect: str = "hotel",
    total: int = 1_000_000,
    guest_name: str = "Budi Santoso",
    sync_status: str = "synced",
    origin: str = "cloudbeds",
    deleted: bool = False,
) -> int:
    n = next(_ids)
    rid = conn.execute(
        sa.insert(schema.reservasi).values(
            property_id=pid,
            cloudbed_reservation_id=f"{9000000 + n}",
            status=status,
            check_in=check_in,
            check_out=check_in + timedelta(days=nights),
            guest_name=guest_name,
            source_name=source,
            payment_collect=collect,
            total=Decimal(total),
            currency="IDR",
            sync_status=sync_status,
            origin=origin,
            is_deleted=deleted,
        )
    ).inserted_primary_key[0]
    for k in range(rooms):
        conn.execute(
            sa.insert(schema.reservasi_room).values(
                reservasi_id=rid,
                property_id=pid,
                sub_reservation_id=f"{9000000 + n}-{k}",
                cloudbed_room_type_id="rt-1",
                room_type_name="Deluxe Double",
                check_in=check_in,
                check_out=check_in + timedelta(days=nights),
            )
        )
    return rid


def sync_run(
    conn,
    started: datetime,
    *,
    pid: str = PID,
    status: str = "completed",
    processed: int = 10,
    failed: int = 0,
    api_calls: int = 3,
) -> None:
    conn.execute(
        sa.insert(schema.cloudbed_sync_log).values(
            property_id=pid,
            sync_type="reservations",
            mode="incremental",
            status=status,
            started_at=started,
            finished_at=started + timedelta(seconds=5),
            duration_ms=5000,
            processed=processed,
            successful=processed - failed,
            failed=failed,
            api_calls=api_calls,
        )
    )


def api_call(
    conn,
    at: datetime,
    *,
    pid: str = PID,
    endpoint: str = "getReservations",
    status: int | None = 200,
    error: str | None = None,
) -> None:
    conn.execute(
        sa.insert(schema.cloudbed_api_log).values(
            property_id=pid,
            endpoint=endpoint,
            method="GET",
            http_status=status,
            duration_ms=120,
            created_at=at,
            error=error,
            request_id=f"req-{next(_ids)}",
        )
    )
