"""The hotel's front desk, created by the tests from the facts the hotel's repository documents.

Two variants, each on MariaDB and SQLite:

- ``documented``: the schema file's shape: utf8mb4, ENUM statuses, NOT NULL columns, foreign keys,
  ``ota_source_detail`` present (CHECK ... IN stands in for ENUM on SQLite).
- ``production``: the shape a production database grew into over the years: latin1 tables
  (``settings`` included), VARCHAR statuses, nullable ``guest_id``/``room_id``/prices, no foreign
  keys, ``actual_checkin_time``/``actual_checkout_time`` instead of ``actual_check_in``/``_out``,
  an extra ``guest_count``, no ``ota_source_detail``, extra columns in ``booking_payments``, room
  types named in capitals.

Written here as DDL on purpose, independent of the code under test: the integration must cope with
whatever the hotel has, not with what our own package would have created.
"""

from __future__ import annotations

import sqlalchemy as sa

VARIANTS = ("documented", "production")

_ENUMS = {
    "room_status": ("available", "occupied", "cleaning", "maintenance", "blocked"),
    "id_card_type": ("ktp", "passport", "sim"),
    "booking_status": ("pending", "confirmed", "checked_in", "checked_out", "cancelled"),
    "payment_status": ("unpaid", "partial", "paid"),
    "booking_source": ("walk_in", "phone", "online", "ota"),
    "payment_method": ("cash", "card", "transfer", "qris", "ota"),
}


def _enum(mysql: bool, column: str, kind: str, default: str | None = None) -> str:
    values = ", ".join(f"'{v}'" for v in _ENUMS[kind])
    tail = f" DEFAULT '{default}'" if default else ""
    if mysql:
        return f"{column} ENUM({values}){tail}"
    width = max(len(v) for v in _ENUMS[kind])
    return f"{column} VARCHAR({width}){tail} CHECK ({column} IN ({values}))"


def _ddl(variant: str, mysql: bool) -> list[str]:
    documented = variant == "documented"
    pk = "INT AUTO_INCREMENT PRIMARY KEY" if mysql else "INTEGER PRIMARY KEY AUTOINCREMENT"
    ts = "TIMESTAMP DEFAULT CURRENT_TIMESTAMP"
    upd = ts + (" ON UPDATE CURRENT_TIMESTAMP" if mysql else "")
    table_opts = ""
    if mysql:
        table_opts = " ENGINE=InnoDB DEFAULT CHARSET=" + (
            "utf8mb4 COLLATE utf8mb4_unicode_ci" if documented else "latin1"
        )

    def status(column: str, kind: str, default: str | None, length: int = 20) -> str:
        if documented:
            return _enum(mysql, column, kind, default)
        return f"{column} VARCHAR({length})" + (f" DEFAULT '{default}'" if default else "")

    def fk(column: str, target: str, extra: str = "") -> str:
        return f", FOREIGN KEY ({column}) REFERENCES {target}(id){extra}" if documented else ""

    nn = " NOT NULL" if documented else ""
    out = [
        f"CREATE TABLE users (id {pk}, username VARCHAR(50) NOT NULL, full_name VARCHAR(100)){table_opts}",
        (
            f"CREATE TABLE room_types (id {pk}, type_name VARCHAR(100) NOT NULL, "
            "base_price DECIMAL(12,2) NOT NULL DEFAULT 0, max_occupancy INT NOT NULL DEFAULT 2, "
            f"description TEXT, amenities TEXT, color_code VARCHAR(7) DEFAULT '#6366f1', created_at {ts}, "
            f"updated_at {upd}){table_opts}"
        ),
        (
            f"CREATE TABLE rooms (id {pk}, room_number VARCHAR(20) NOT NULL UNIQUE, room_type_id INT{nn}, "
            f"floor_number INT NOT NULL DEFAULT 1, {status('status', 'room_status', 'available')}, "
            "notes TEXT, "
            f"position_x INT, position_y INT, created_at {ts}, updated_at {upd}"
            f"{fk('room_type_id', 'room_types')}){table_opts}"
        ),
        (
            f"CREATE TABLE guests (id {pk}, guest_name VARCHAR(200) NOT NULL, "
            f"{status('id_card_type', 'id_card_type', 'ktp', 20)}, id_card_number VARCHAR(50) NOT NULL, "
            "phone VARCHAR(20), email VARCHAR(100), address TEXT, "
            "nationality VARCHAR(50) DEFAULT 'Indonesia', "
            f"created_at {ts}, updated_at {upd}){table_opts}"
        ),
    ]
    actual = (
        "actual_check_in DATETIME, actual_check_out DATETIME"
        if documented
        else "actual_checkin_time DATETIME, actual_checkout_time DATETIME, guest_count INT DEFAULT 1"
    )
    ota = "ota_source_detail VARCHAR(50) NULL, " if documented else ""
    out.append(
        f"CREATE TABLE bookings (id {pk}, booking_code VARCHAR(20) NOT NULL UNIQUE, guest_id INT{nn}, "
        f"room_id INT{nn}, check_in_date DATE NOT NULL, check_out_date DATE NOT NULL, {actual}, "
        "adults INT NOT NULL DEFAULT 1, children INT NOT NULL DEFAULT 0, "
        f"room_price DECIMAL(12,2){nn}, total_nights INT{nn}, total_price DECIMAL(12,2){nn}, "
        f"discount DECIMAL(12,2) DEFAULT 0, final_price DECIMAL(12,2){nn}, "
        f"{status('status', 'booking_status', 'pending')}, "
        f"{status('payment_status', 'payment_status', 'unpaid')}, "
        f"paid_amount DECIMAL(12,2) DEFAULT 0, {status('booking_source', 'booking_source', 'walk_in', 30)}, "
        f"{ota}special_request TEXT, notes TEXT, created_by INT, created_at {ts}, updated_at {upd}"
        f"{fk('guest_id', 'guests')}{fk('room_id', 'rooms')}"
        f"{fk('created_by', 'users', ' ON DELETE SET NULL')})"
        f"{table_opts}"
    )
    extra_pay = (
        "" if documented else ", created_by INT, synced_to_cashbook TINYINT DEFAULT 0, cashbook_id INT"
    )
    out.append(
        f"CREATE TABLE booking_payments (id {pk}, booking_id INT NOT NULL, "
        f"payment_date DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, amount DECIMAL(12,2) NOT NULL, "
        f"{status('payment_method', 'payment_method', 'cash')}, reference_number VARCHAR(100), notes TEXT, "
        f"processed_by INT, created_at {ts}{extra_pay}"
        f"{fk('booking_id', 'bookings', ' ON DELETE CASCADE')}{fk('processed_by', 'users')}){table_opts}"
    )
    out.append(
        f"CREATE TABLE settings (id {pk}, setting_key VARCHAR(100) NOT NULL UNIQUE, setting_value TEXT, "
        f"setting_type VARCHAR(20) DEFAULT 'text', description TEXT, updated_at {upd}){table_opts}"
    )
    return out


# The demo hotel's rooms (the sandbox's catalogue) as the hotel typed them into ADF: its own names
# for the types, plain digits for the rooms.
ROOM_TYPES = {
    "documented": ("Superior", "Deluxe", "Deluxe Pool View", "Family", "Junior Suite", "Villa"),
    "production": ("SUPERIOR TWIN", "DELUXE DOUBLE", "DELUXE POOL", "FAMILY ROOM", "JR SUITE", "JOGLO VILLA"),
}
ROOM_NUMBERS = (
    [str(n) for n in range(101, 109)],
    [str(n) for n in range(201, 211)],
    [str(n) for n in range(301, 307)],
    ["401", "402", "403", "404"],
    ["501", "502", "503"],
    ["601", "602"],
)
PRICES = (650_000, 850_000, 1_050_000, 1_350_000, 1_900_000, 3_200_000)


def create_front_desk(engine: sa.Engine, variant: str) -> None:
    """Create the hotel's tables (with its users, room types and rooms) in an empty database."""
    mysql = engine.dialect.name != "sqlite"
    with engine.begin() as conn:
        for ddl in _ddl(variant, mysql):
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql("INSERT INTO users (username, full_name) VALUES ('fo1', 'Front Office')")
        conn.exec_driver_sql(
            "INSERT INTO settings (setting_key, setting_value, setting_type, description) VALUES "
            "('hotel_name', 'Omah Sekar', 'text', 'Nama hotel')"
        )
        for i, (name, numbers, price) in enumerate(
            zip(ROOM_TYPES[variant], ROOM_NUMBERS, PRICES, strict=True), start=1
        ):
            conn.execute(
                sa.text("INSERT INTO room_types (id, type_name, base_price) VALUES (:id, :name, :price)"),
                {"id": i, "name": name, "price": price},
            )
            for number in numbers:
                conn.execute(
                    sa.text(
                        "INSERT INTO rooms (room_number, room_type_id, floor_number) VALUES (:n, :t, :f)"
                    ),
                    {"n": number, "t": i, "f": int(number[0])},
                )


def table_charsets(engine: sa.Engine) -> dict[str, str]:
    """The hotel tables' collations (MariaDB), to check that nothing converted them."""
    if engine.dialect.name == "sqlite":
        return {}
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE()"
        )
        return dict(rows.all())


def structure(
    engine: sa.Engine, tables=("room_types", "rooms", "guests", "bookings", "booking_payments", "settings")
):
    """Everything setup could alter on the hotel's tables: columns, types, indexes, keys, charsets."""
    insp = sa.inspect(engine)
    out = {}
    for name in tables:
        out[name] = (
            [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in insp.get_columns(name)
            ],
            sorted(
                (ix["name"] or "", tuple(ix["column_names"]), bool(ix["unique"]))
                for ix in insp.get_indexes(name)
            ),
            sorted(str(fk["referred_table"]) for fk in insp.get_foreign_keys(name)),
        )
    out["charsets"] = {k: v for k, v in table_charsets(engine).items() if k in tables}
    return out
