"""What the hotel's front desk looks like in this database, read once per run and frozen.

ADF databases differ from one hotel to the next and from the documented schema: latin1 tables,
VARCHAR where the documentation says ENUM, nullable columns, renamed or missing optional columns,
no foreign keys. Nothing in this package assumes one variant: every writer asks the description
made here which tables and columns exist, what they may hold (length, allowed values, character
set) and which of them must be given a value. The description is read with the database's own
inspector (plus ``information_schema`` on MySQL/MariaDB for character sets) and never changes
anything in the database.

On SQLite, where there is no ENUM type, a ``CHECK (column IN (...))`` constraint plays its part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

__all__ = [
    "ALIASES",
    "FRONT_DESK_TABLES",
    "REQUIRED_TABLES",
    "ColumnInfo",
    "FrontDesk",
    "TableInfo",
    "describe",
    "reflect_tables",
]

# The tables ADF's front desk reads; the first four are needed to place a booking on the calendar.
FRONT_DESK_TABLES = ("room_types", "rooms", "guests", "bookings", "booking_payments")
REQUIRED_TABLES = ("room_types", "rooms", "guests", "bookings")

# Columns a writer names by their documented name, with the other names hotels gave them.
ALIASES = {
    "bookings": {
        "actual_check_in": ("actual_checkin_time",),
        "actual_check_out": ("actual_checkout_time",),
    },
}
# Optional columns whose absence (or presence, for extras) changes what a writer does.
OPTIONAL_COLUMNS = {"bookings": ("ota_source_detail", "actual_check_in", "actual_check_out", "notes")}
EXTRA_COLUMNS = {"bookings": ("guest_count",)}

_CHECK_IN = re.compile(
    r"^\s*\(?\s*[\"`\[]?(\w+)[\"`\]]?\s+IN\s*\((.*)\)\s*\)?\s*$", re.IGNORECASE | re.DOTALL
)
_QUOTED = re.compile(r"'((?:[^']|'')*)'")


@dataclass(frozen=True)
class ColumnInfo:
    """One column as the database declares it.

    Attributes:
        kind: ``text``, ``int``, ``decimal``, ``date``, ``datetime``, ``bool`` or ``other``.
        length: the maximum number of characters of a text column (None: unbounded, e.g. TEXT).
        choices: the values an ENUM (or a CHECK ... IN) allows, else empty.
        required: NOT NULL without a default and not filled by the database: a writer must give it.
        charset: the column's character set on MySQL/MariaDB (``latin1``, ``utf8mb4``), else None.
    """

    name: str
    kind: str
    length: int | None = None
    choices: tuple[str, ...] = ()
    nullable: bool = True
    default: str | None = None
    autoincrement: bool = False
    charset: str | None = None
    precision: int | None = None
    scale: int | None = None

    @property
    def required(self) -> bool:
        return not self.nullable and self.default is None and not self.autoincrement

    @property
    def choice_default(self) -> str | None:
        """The default of an ENUM column as a plain value (``'pending'`` → ``pending``)."""
        if self.default is None:
            return None
        text = str(self.default).strip()
        if len(text) >= 2 and text[0] == text[-1] == "'":
            text = text[1:-1].replace("''", "'")
        return text if not self.choices or text in self.choices else None


@dataclass(frozen=True)
class TableInfo:
    """One table: its columns by name, its character set and primary key."""

    name: str
    columns: dict[str, ColumnInfo] = field(default_factory=dict)
    charset: str | None = None
    primary_key: tuple[str, ...] = ()
    foreign_keys: int = 0

    def has(self, column: str) -> bool:
        return column in self.columns

    def col(self, column: str) -> ColumnInfo | None:
        return self.columns.get(column)

    def first(self, *names: str) -> str | None:
        """The first of ``names`` this table has (a column and its alternative spellings)."""
        return next((n for n in names if n in self.columns), None)

    def resolve(self, column: str) -> str | None:
        """The name ``column`` (a documented name) has in this table, or None when it is missing."""
        return self.first(column, *ALIASES.get(self.name, {}).get(column, ()))


@dataclass(frozen=True)
class FrontDesk:
    """The front desk found in a database (``found`` false: none, everything else works as before).

    Attributes:
        tables: the front-desk tables present, by name.
        notes: facts worth telling a manager (variant, character sets, missing optional columns).
    """

    found: bool
    tables: dict[str, TableInfo] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    dialect: str = ""

    def table(self, name: str) -> TableInfo:
        return self.tables[name]

    def has(self, table: str, column: str | None = None) -> bool:
        info = self.tables.get(table)
        return info is not None and (column is None or info.has(column))

    def to_json(self) -> dict[str, Any]:
        """The ``front_desk`` object of ``pms setup --json``."""
        return {"found": self.found, "tables": sorted(self.tables), "notes": list(self.notes)}


def _kind(type_: sa.types.TypeEngine) -> str:
    if isinstance(type_, sa.Boolean):
        return "bool"
    if isinstance(type_, sa.Integer):
        return "int"
    if isinstance(type_, sa.Numeric):
        return "decimal"
    if isinstance(type_, sa.DateTime):
        return "datetime"
    if isinstance(type_, sa.Date):
        return "date"
    if isinstance(type_, (sa.String, sa.Text, sa.Enum)):
        return "text"
    name = type(type_).__name__.upper()
    if "TIMESTAMP" in name:
        return "datetime"
    return "other"


def _check_choices(conn: sa.Connection, table: str) -> dict[str, tuple[str, ...]]:
    """``CHECK (col IN ('a', 'b'))`` constraints, the SQLite stand-in for an ENUM."""
    try:
        checks = sa.inspect(conn).get_check_constraints(table)
    except (NotImplementedError, sa.exc.SQLAlchemyError):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for check in checks:
        match = _CHECK_IN.match(check.get("sqltext") or "")
        if match:
            out[match.group(1)] = tuple(v.replace("''", "'") for v in _QUOTED.findall(match.group(2)))
    return out


def _mysql_charsets(
    conn: sa.Connection, tables: list[str]
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Table collations and column character sets, from ``information_schema`` (one query each)."""
    if conn.dialect.name not in ("mysql", "mariadb") or not tables:
        return {}, {}
    names = ", ".join(f"'{t}'" for t in tables)  # our own constant names, never user input
    table_rows = conn.exec_driver_sql(
        "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES "
        f"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({names})"
    )
    collations = {name: (collation or "") for name, collation in table_rows}
    column_rows = conn.exec_driver_sql(
        "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS "
        f"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({names}) AND CHARACTER_SET_NAME IS NOT NULL"
    )
    return collations, {(t, c): cs for t, c, cs in column_rows}


def _describe_table(
    conn: sa.Connection, name: str, collation: str | None, charsets: dict[tuple[str, str], str]
) -> TableInfo:
    insp = sa.inspect(conn)
    pk = tuple(insp.get_pk_constraint(name).get("constrained_columns") or ())
    checks = _check_choices(conn, name) if conn.dialect.name == "sqlite" else {}
    columns: dict[str, ColumnInfo] = {}
    for col in insp.get_columns(name):
        type_ = col["type"]
        enums = tuple(getattr(type_, "enums", None) or ()) or checks.get(col["name"], ())
        length = getattr(type_, "length", None)
        if enums and not length:
            length = max(len(v) for v in enums)
        default = col.get("default")
        # SQLite reports an INTEGER PRIMARY KEY as "auto" rather than True: the database fills it either way.
        single_int_pk = pk == (col["name"],) and _kind(type_) == "int"
        auto = col.get("autoincrement") is True or (single_int_pk and col.get("autoincrement") is not False)
        columns[col["name"]] = ColumnInfo(
            name=col["name"],
            kind=_kind(type_),
            length=int(length) if length else None,
            choices=enums,
            nullable=bool(col.get("nullable", True)),
            default=None if default is None else str(default),
            autoincrement=auto,
            charset=charsets.get((name, col["name"])),
            precision=getattr(type_, "precision", None),
            scale=getattr(type_, "scale", None),
        )
    charset = collation.split("_")[0] if collation else None
    fks = len(insp.get_foreign_keys(name))
    return TableInfo(name=name, columns=columns, charset=charset, primary_key=pk, foreign_keys=fks)


def _notes(tables: dict[str, TableInfo]) -> list[str]:
    notes: list[str] = []
    charsets = sorted({t.charset for t in tables.values() if t.charset})
    if charsets:
        notes.append(f"character set {', '.join(charsets)}")
        if any(not c.startswith("utf8mb4") for c in charsets):
            notes.append("names a latin1 column cannot hold are written in a readable Latin form")
    bookings = tables.get("bookings")
    if bookings is not None:
        status = bookings.col("status")
        if status is not None:
            notes.append("bookings.status is " + ("ENUM" if status.choices else "free text (VARCHAR)"))
        for column in OPTIONAL_COLUMNS["bookings"]:
            found = bookings.resolve(column)
            if found is None:
                notes.append(f"bookings has no {column}")
            elif found != column:
                notes.append(f"bookings.{column} is called {found}")
        for column in EXTRA_COLUMNS["bookings"]:
            if bookings.has(column):
                notes.append(f"bookings has an extra {column}")
        optional = [
            c
            for c in ("guest_id", "room_id", "final_price")
            if bookings.has(c) and bookings.columns[c].nullable
        ]
        if optional:
            notes.append(f"bookings: {', '.join(optional)} nullable")
    if not any(t.foreign_keys for t in tables.values()):
        notes.append("no foreign keys")
    missing = [t for t in FRONT_DESK_TABLES if t not in tables]
    if missing:
        notes.append(f"missing: {', '.join(missing)}")
    return notes


def describe(conn: sa.Connection) -> FrontDesk:
    """Find and describe the front desk (read only; a database without one gives ``found=False``)."""
    present = set(sa.inspect(conn).get_table_names())
    names = [t for t in FRONT_DESK_TABLES if t in present]
    if not all(t in present for t in REQUIRED_TABLES):
        notes = (f"front-desk tables found: {', '.join(names)}",) if names else ()
        return FrontDesk(found=False, notes=notes, dialect=conn.dialect.name)
    collations, charsets = _mysql_charsets(conn, names)
    tables = {name: _describe_table(conn, name, collations.get(name), charsets) for name in names}
    return FrontDesk(found=True, tables=tables, notes=tuple(_notes(tables)), dialect=conn.dialect.name)


def reflect_tables(conn: sa.Connection, desk: FrontDesk) -> dict[str, sa.Table]:
    """SQLAlchemy tables for the front desk, reflected now in a metadata of their own.

    They never join our ``pms.db.schema.metadata``: setup must not create, alter or migrate them.
    """
    meta = sa.MetaData()
    return {name: sa.Table(name, meta, autoload_with=conn) for name in desk.tables}
