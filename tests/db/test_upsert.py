"""Bulk upserts report created/updated/unchanged truthfully and leave unchanged rows untouched."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pms.db import schema
from pms.db.upsert import upsert_rows

KEY = ("property_id", "cloudbed_reservation_id")


def _rows(n, **over):
    return [
        {
            "property_id": "254042",
            "cloudbed_reservation_id": str(10_000_000_000 + i),
            "status": "confirmed",
            "check_in": date(2026, 12, 20),
            "check_out": date(2026, 12, 23),
            "total": Decimal("1815000.00"),
            "guest_name": f"Tamu {i}",
            **over,
        }
        for i in range(n)
    ]


def test_counts_are_truthful_across_batches(db):
    rows = _rows(1234)
    with db.begin() as conn:
        first = upsert_rows(conn, schema.reservasi, rows, key=KEY, batch_size=200)
    assert first.as_dict() == {"created": 1234, "updated": 0, "unchanged": 0}
    rows[3]["total"] = Decimal(2000000)
    rows[700]["status"] = "canceled"
    rows.append(_rows(1235)[-1])
    with db.begin() as conn:
        second = upsert_rows(conn, schema.reservasi, rows, key=KEY, batch_size=200)
    assert second.as_dict() == {"created": 1, "updated": 2, "unchanged": 1232}
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() == 1235
        total = conn.execute(
            sa.select(schema.reservasi.c.total).where(
                schema.reservasi.c.cloudbed_reservation_id == rows[3]["cloudbed_reservation_id"]
            )
        ).scalar()
    assert total == Decimal("2000000.00")


def test_unchanged_rows_are_not_rewritten(db):
    rows = _rows(5)
    with db.begin() as conn:
        upsert_rows(conn, schema.reservasi, rows, key=KEY)
        old = datetime(2020, 1, 1, tzinfo=UTC)
        conn.execute(sa.update(schema.reservasi).values(updated_at=old, sync_status="pending"))
    rows[0]["guest_name"] = "Tamu baru"
    with db.begin() as conn:
        result = upsert_rows(conn, schema.reservasi, rows, key=KEY)
    assert result.as_dict() == {"created": 0, "updated": 1, "unchanged": 4}
    with db.connect() as conn:
        got = {r.cloudbed_reservation_id: r for r in conn.execute(sa.select(schema.reservasi))}
    changed = got[rows[0]["cloudbed_reservation_id"]]
    assert changed.updated_at > old + timedelta(days=365)
    for r in rows[1:]:
        assert got[r["cloudbed_reservation_id"]].updated_at == old
    # A column the caller did not give (sync_status) is never reset to its default by an update.
    assert {r.sync_status for r in got.values()} == {"pending"}


def test_equal_values_in_other_representations_count_as_unchanged(db):
    with db.begin() as conn:
        upsert_rows(conn, schema.reservasi, _rows(3, total=Decimal(100)), key=KEY)
    with db.begin() as conn:
        again = upsert_rows(conn, schema.reservasi, _rows(3, total=Decimal("100.00")), key=KEY)
    assert again.unchanged == 3


def test_duplicate_keys_in_one_call_are_one_row(db):
    rows = [*_rows(2), dict(_rows(1)[0], guest_name="Tamu terakhir")]
    with db.begin() as conn:
        result = upsert_rows(conn, schema.reservasi, rows, key=KEY, return_ids=True)
    assert result.created == 2
    assert len(result.ids) == 2
    with db.connect() as conn:
        names = {r[0] for r in conn.execute(sa.select(schema.reservasi.c.guest_name))}
    assert names == {"Tamu terakhir", "Tamu 1"}


def test_return_ids_gives_primary_keys_for_new_and_existing_rows(db):
    with db.begin() as conn:
        first = upsert_rows(conn, schema.reservasi, _rows(3), key=KEY, return_ids=True)
        second = upsert_rows(conn, schema.reservasi, _rows(4), key=KEY, return_ids=True)
    assert set(first.ids.items()) <= set(second.ids.items())
    assert len(set(second.ids.values())) == 4


def test_rollback_leaves_nothing_behind(db):
    with pytest.raises(RuntimeError), db.begin() as conn:
        upsert_rows(conn, schema.reservasi, _rows(50), key=KEY)
        raise RuntimeError("killed mid-batch")
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() == 0


def test_rows_must_share_columns_and_carry_the_key(db):
    with db.begin() as conn:
        with pytest.raises(ValueError, match="key column"):
            upsert_rows(conn, schema.reservasi, [{"property_id": "1"}], key=KEY)
        with pytest.raises(ValueError, match="same columns"):
            upsert_rows(conn, schema.reservasi, [_rows(1)[0], {**_rows(2)[1], "adults": 2}], key=KEY)
        with pytest.raises(ValueError, match="unknown column"):
            upsert_rows(conn, schema.reservasi, [{**_rows(1)[0], "nope": 1}], key=KEY)


NAMES = [
    "Dewi Lestari Ayuningtyas",
    "Ni Luh Putu Sekar",
    "王小明",
    "محمد عبد الله",
    "Zoë O'Brien-Łukasz",
    "Budi 🌴🏝️ Santoso",
    "Nguyễn Thị Hương",
]


def test_non_ascii_text_round_trips(db):
    rows = [dict(r, guest_name=NAMES[i]) for i, r in enumerate(_rows(len(NAMES)))]
    with db.begin() as conn:
        upsert_rows(conn, schema.reservasi, rows, key=KEY)
        upsert_rows(
            conn,
            schema.guest,
            [
                {"property_id": "254042", "cloudbed_guest_id": str(i), "first_name": n, "last_name": n[::-1]}
                for i, n in enumerate(NAMES)
            ],
            key=("property_id", "cloudbed_guest_id"),
        )
    with db.connect() as conn:
        stored = [
            r[0]
            for r in conn.execute(
                sa.select(schema.reservasi.c.guest_name).order_by(schema.reservasi.c.cloudbed_reservation_id)
            )
        ]
        guests = [
            r[0] for r in conn.execute(sa.select(schema.guest.c.first_name).order_by(schema.guest.c.id))
        ]
    assert stored == NAMES
    assert guests == NAMES


def test_a_dry_run_counts_what_the_write_would_and_writes_nothing(db):
    with db.begin() as conn:
        upsert_rows(conn, schema.reservasi, _rows(10), key=KEY)
    rows = _rows(12)
    rows[2]["total"] = Decimal("1")
    with db.begin() as conn:
        preview = upsert_rows(conn, schema.reservasi, rows, key=KEY, dry_run=True)
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.reservasi)).scalar() == 10
    with db.begin() as conn:
        applied = upsert_rows(conn, schema.reservasi, rows, key=KEY)
    assert preview.as_dict() == applied.as_dict() == {"created": 2, "updated": 1, "unchanged": 9}
    assert preview.changed_keys == applied.changed_keys
