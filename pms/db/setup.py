"""Install, adopt and verify the database, idempotently; the CLI ``setup`` and the Setup page share it.

A hotel rarely starts from an empty database: it may hold the seed's ``reservasi``, ``guest`` and
``settings``, and the ADF system's own tables (its front desk: ``bookings``, ``guests``, ``rooms``
…, and a ``settings`` table of its own). Setup therefore works table by table:

- missing → created from ``pms.db.schema``;
- present but lacking columns → the columns are added (``adopted``): NOT NULL columns get a
  server default where one is known and are added nullable otherwise, so existing rows survive,
  and existing legacy rows count as the hotel's own (``origin = 'local'``);
- present and complete → ``ok``;
- present with something we cannot fix safely (a column of the wrong type, a NOT NULL column of
  the hotel's that we cannot fill, a non-utf8mb4 table on MySQL) → ``problem``, with the advice.

The hotel's ADF tables are never altered: they are not ours (not in ``pms.db.schema``), and a
``settings`` table of ADF's shape or character set is left as it is while ours go to
``cloudbed_settings`` (``pms.db.settings_table``). The report also says whether the database holds
ADF's front desk, and what its variant looks like (``front_desk``, from ``pms.adf.introspect``).

Schema changes after the first release are Alembic revisions (``pms/db/migrations``): an installed
database is upgraded to the newest revision before the table pass, and a new one is stamped with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from pms.adf.introspect import describe
from pms.db import schema
from pms.db.engine import is_mysql, redact_url
from pms.db.settings_table import hotel_settings_reason, settings_table
from pms.errors import DatabaseSetupError

__all__ = [
    "SetupReport",
    "TableStatus",
    "ensure_schema",
    "head_revision",
    "setup_database",
    "verify_database",
]

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Existing rows of an adopted table were typed into the hotel system, not pulled from Cloudbeds.
_ADOPT_DEFAULTS = {"origin": "local"}


@dataclass
class TableStatus:
    name: str
    status: str  # ok | created | adopted | problem | missing
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "created", "adopted")


@dataclass
class SetupReport:
    database: str  # URL without password
    tables: list[TableStatus] = field(default_factory=list)
    schema_version: str = schema.SCHEMA_VERSION
    revision: str | None = None
    front_desk: dict = field(default_factory=lambda: {"found": False, "tables": [], "notes": []})

    @property
    def ok(self) -> bool:
        return bool(self.tables) and all(t.ok for t in self.tables)

    @property
    def problems(self) -> list[TableStatus]:
        return [t for t in self.tables if not t.ok]

    def lines(self) -> list[str]:
        width = max((len(t.name) for t in self.tables), default=10)
        out = [f"{t.name:<{width}}  {t.status}{'  ' + t.detail if t.detail else ''}" for t in self.tables]
        verdict = "all tables verified" if self.ok else f"{len(self.problems)} table(s) need attention"
        out.append(f"schema {self.schema_version} (revision {self.revision or 'none'}): {verdict}")
        desk = self.front_desk
        if desk["found"]:
            out.append(f"front desk (ADF): found: {', '.join(desk['tables'])}")
            out += [f"  {note}" for note in desk["notes"]]
        else:
            out.append("front desk (ADF): none in this database")
        return out

    def to_json(self) -> dict:
        """The ``--json`` object: per-table status, the verdict and the front desk found."""
        return {
            "ok": self.ok,
            "database": self.database,
            "schema_version": self.schema_version,
            "revision": self.revision,
            "tables": [{"name": t.name, "status": t.status, "detail": t.detail} for t in self.tables],
            "front_desk": self.front_desk,
        }


def _alembic_config(conn: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    script = ScriptDirectory(str(_MIGRATIONS))
    return script.get_current_head() or ""


def _family(type_: sa.types.TypeEngine) -> str:
    if isinstance(type_, sa.types.TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, sa.Boolean):
        return "bool"
    if isinstance(type_, sa.Integer):
        return "int"
    if isinstance(type_, sa.Numeric):
        return "num"
    if isinstance(type_, sa.DateTime):
        return "datetime"
    if isinstance(type_, sa.Date):
        return "date"
    if isinstance(type_, (sa.String, sa.Text, sa.Enum)):
        return "str"
    return type(type_).__name__.lower()


_COMPATIBLE = {
    "bool": {"bool", "int"},  # MySQL reflects BOOLEAN as TINYINT(1)
    "int": {"int", "bool"},
    "num": {"num", "int"},
    "datetime": {"datetime"},
    "date": {"date", "datetime"},
    "str": {"str"},
}


def _server_default(col: sa.Column) -> str | None:
    if col.name in _ADOPT_DEFAULTS:
        return _ADOPT_DEFAULTS[col.name]
    default = col.default
    if default is None or not default.is_scalar:
        return None
    value = default.arg
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _add_column(conn: sa.Connection, table: sa.Table, col: sa.Column) -> None:
    """ALTER TABLE ... ADD COLUMN, keeping existing rows valid."""
    default = _server_default(col)
    server_default = None
    if default is not None:
        server_default = sa.text(default if default.isdigit() else "'" + default.replace("'", "''") + "'")
    copy = sa.Column(
        col.name, col.type, nullable=True if default is None else col.nullable, server_default=server_default
    )
    ddl = sa.schema.CreateColumn(copy).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE {conn.dialect.identifier_preparer.quote(table.name)} ADD COLUMN {ddl}")


def _index_names(insp: sa.Inspector, name: str) -> set[str]:
    names = {ix["name"] for ix in insp.get_indexes(name)}
    names |= {uc["name"] for uc in insp.get_unique_constraints(name) if uc.get("name")}
    return names


def _unique_column_sets(insp: sa.Inspector, name: str) -> set[tuple[str, ...]]:
    sets = {tuple(ix["column_names"]) for ix in insp.get_indexes(name) if ix.get("unique")}
    sets |= {tuple(uc["column_names"]) for uc in insp.get_unique_constraints(name)}
    pk = insp.get_pk_constraint(name).get("constrained_columns") or []
    if pk:
        sets.add(tuple(pk))
    return sets


def _add_indexes(conn: sa.Connection, insp: sa.Inspector, table: sa.Table) -> list[str]:
    """Create our indexes (unique constraints as unique indexes) missing from an existing table."""
    have = _index_names(insp, table.name)
    unique_sets = _unique_column_sets(insp, table.name)
    existing_cols = {c["name"] for c in insp.get_columns(table.name)}
    added = []
    wanted = [(ix.name, [c.name for c in ix.columns], ix.unique) for ix in table.indexes]
    for cons in table.constraints:
        if isinstance(cons, sa.UniqueConstraint) and cons.name:
            cols = [c.name for c in cons.columns]
            if tuple(cols) not in unique_sets:
                wanted.append((cons.name, cols, True))
    # A hotel's table may have its own primary key (an id column in a legacy settings table): ours
    # must then at least be unique, since the upserts conflict on it.
    want_pk = [c.name for c in table.primary_key.columns]
    if tuple(want_pk) not in unique_sets:
        wanted.append((f"uq_{table.name}_{'_'.join(want_pk)}"[:60], want_pk, True))
    quote = conn.dialect.identifier_preparer.quote
    for name, cols, unique in wanted:
        if name in have or not set(cols) <= existing_cols:
            continue
        conn.exec_driver_sql(
            f"CREATE {'UNIQUE ' if unique else ''}INDEX {quote(name)} ON {quote(table.name)} "
            f"({', '.join(quote(c) for c in cols)})"
        )
        added.append(name)
    return added


def _inspect_table(
    conn: sa.Connection, insp: sa.Inspector, table: sa.Table, charsets: dict[str, str]
) -> list[str]:
    """Problems with an existing table that setup cannot repair on its own (empty = fine)."""
    problems = []
    reflected = {c["name"]: c for c in insp.get_columns(table.name)}
    for col in table.columns:
        have = reflected.get(col.name)
        if have is None:
            problems.append(f"column {col.name} is missing")
            continue
        want, got = _family(col.type), _family(have["type"])
        if got not in _COMPATIBLE.get(want, {want}):
            problems.append(f"column {col.name} is {have['type']} but must hold {want}")
    ours = {c.name for c in table.columns}
    pk = insp.get_pk_constraint(table.name).get("constrained_columns") or []
    for name, info in reflected.items():
        if name in ours or info.get("nullable", True) or info.get("default") is not None:
            continue
        if info.get("autoincrement") is True or (name in pk and _family(info["type"]) == "int"):
            continue
        problems.append(
            f"the hotel's column {name} is NOT NULL without a default, so rows from Cloudbeds "
            f"cannot be stored; give it a default (ALTER TABLE {table.name} ...)"
        )
    want_pk = [c.name for c in table.primary_key.columns]
    if pk != want_pk and tuple(want_pk) not in _unique_column_sets(insp, table.name):
        problems.append(
            f"primary key is ({', '.join(pk) or 'none'}) and ({', '.join(want_pk)}) is not unique"
        )
    charset = charsets.get(table.name)
    if charset and not charset.startswith("utf8mb4"):
        problems.append(
            f"table uses {charset}; guest names need utf8mb4: "
            f"ALTER TABLE {table.name} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
    return problems


def _create(conn: sa.Connection, table: sa.Table, existing: set[str]) -> None:
    """CREATE TABLE with its indexes; foreign keys only to tables of ours, never to a hotel's own
    (their key types differ, e.g. INT ids, and a constraint must not block the hotel's system)."""
    fks = [fk for fk in table.foreign_key_constraints if fk.referred_table.name not in existing]
    conn.execute(sa.schema.CreateTable(table, include_foreign_key_constraints=fks))
    for index in table.indexes:
        index.create(conn)


def _mysql_collations(conn: sa.Connection) -> dict[str, str]:
    if not is_mysql(conn):
        return {}
    rows = conn.exec_driver_sql(
        "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
    )
    return {name: (collation or "") for name, collation in rows}


def _check_reachable(engine: sa.Engine, database: str) -> None:
    try:
        with engine.connect():
            pass
    except sa.exc.DBAPIError as exc:
        from pms.db.remote import advice

        raise DatabaseSetupError(
            f"Cannot reach the database {database}: {_short(exc)}. "
            + (
                advice(exc)
                or "Check the address, user and password (PMS_DATABASE_URL or --db) and that the "
                "server is running."
            )
        ) from None


def _adopt(
    conn: sa.Connection, insp: sa.Inspector, table: sa.Table
) -> tuple[sa.Inspector, list[str], list[str]]:
    """Add the columns and indexes an existing table of ours lacks; the inspector sees them afterwards."""
    reflected = {c["name"] for c in insp.get_columns(table.name)}
    added_cols = []
    for col in table.columns:
        if col.name not in reflected:
            _add_column(conn, table, col)
            added_cols.append(col.name)
    if added_cols:
        insp = sa.inspect(conn)
    added_ix = _add_indexes(conn, insp, table)
    if added_ix:
        insp = sa.inspect(conn)
    return insp, added_cols, added_ix


def _status(table: sa.Table, problems: list[str], added_cols: list[str], added_ix: list[str]) -> TableStatus:
    if problems:
        return TableStatus(table.name, "problem", "; ".join(problems))
    detail = []
    if added_cols:
        detail.append(f"added {len(added_cols)} column(s): {', '.join(added_cols)}")
    if added_ix:
        detail.append(f"added index(es) {', '.join(added_ix)}")
    return TableStatus(table.name, "adopted", "; ".join(detail)) if detail else TableStatus(table.name, "ok")


def _tables(conn: sa.Connection, report: SetupReport, *, write: bool) -> None:
    """Create what is missing (when writing), adopt and verify what exists; one status per table."""
    insp = sa.inspect(conn)
    existing = set(insp.get_table_names())
    charsets = _mysql_collations(conn)
    hotels = hotel_settings_reason(conn)
    for table in schema.metadata.sorted_tables:
        if table is schema.settings and hotels and table.name in existing:
            detail = f"the hotel's own ({hotels}): left as it is, ours are kept in cloudbed_settings"
            report.tables.append(TableStatus(table.name, "ok", detail))
            continue
        if table.name not in existing:
            if write:
                _create(conn, table, existing)
                report.tables.append(TableStatus(table.name, "created"))
            else:
                report.tables.append(TableStatus(table.name, "missing", "run setup to create it"))
            continue
        added_cols: list[str] = []
        added_ix: list[str] = []
        if write:
            insp, added_cols, added_ix = _adopt(conn, insp, table)
        report.tables.append(
            _status(table, _inspect_table(conn, insp, table, charsets), added_cols, added_ix)
        )


def _run(engine: sa.Engine, *, write: bool) -> SetupReport:
    report = SetupReport(database=redact_url(engine.url))
    head = head_revision()
    _check_reachable(engine, report.database)
    try:
        with engine.begin() if write else engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
            if write and revision is not None and revision != head:
                command.upgrade(_alembic_config(conn), "head")
                revision = head
            _tables(conn, report, write=write)
            report.front_desk = describe(conn).to_json()
            if write and revision is None and report.ok:
                # Stamped only when every table verifies: ensure_schema trusts a stamped database.
                command.stamp(_alembic_config(conn), "head")
                revision = head
            report.revision = revision
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseSetupError(f"Setting up {report.database} failed: {_short(exc)}") from None
    if report.revision != head and report.ok:
        report.tables.append(
            TableStatus(
                "alembic_version",
                "problem",
                f"schema revision {report.revision or 'none'}, expected {head}: run setup",
            )
        )
    return report


def _short(exc: sa.exc.SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).splitlines()[0]
    return text[:300]


def setup_database(engine: sa.Engine) -> SetupReport:
    """Create, adopt and verify every table. Safe to run any number of times.

    Raises:
        DatabaseSetupError: the database cannot be reached or a statement failed.
    """
    return _run(engine, write=True)


def verify_database(engine: sa.Engine) -> SetupReport:
    """The same checks without writing anything (``missing`` for tables not yet created)."""
    return _run(engine, write=False)


def _stored_revision(engine: sa.Engine) -> str | None:
    """The revision the database is stamped with, in one query; None when it cannot be read."""
    try:
        with engine.connect() as conn:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            if revision == head_revision():
                settings_table(conn)  # decided once per engine: here, on the same connection
            return revision
    except sa.exc.SQLAlchemyError:
        return None


def ensure_schema(engine: sa.Engine) -> SetupReport:
    """Set the database up and raise unless every table verifies (used at process start).

    A database stamped with the newest revision was created or upgraded and verified by the
    setup that stamped it, so it is trusted by its revision: one query instead of a pass over
    every table (~75 round trips, 1.5 s to a web host 20 ms away, at every command). Anything
    else (no stamp, an older one, no database yet) goes through the full setup. ``pms setup``
    always verifies every table.
    """
    head = head_revision()
    if _stored_revision(engine) == head:
        detail = "the schema is at the newest revision (pms setup verifies every table)"
        return SetupReport(
            database=redact_url(engine.url),
            tables=[TableStatus("alembic_version", "ok", detail)],
            revision=head,
        )
    report = setup_database(engine)
    if not report.ok:
        details = "; ".join(f"{t.name}: {t.detail}" for t in report.problems)
        raise DatabaseSetupError(f"The database needs attention before the sync can run: {details}")
    return report
