"""The four operational logs the Monitoring page shows, filterable, paged and exportable as CSV.

``LOGS`` declares each log once (table, columns, time column, the filters it offers), so paging,
filtering and export share one query builder and cannot drift apart. Stored values (statuses,
directions, modes, triggers, decisions, entity lists) are shown in words (``labelled``), on the
page and in the CSV alike; the CSV's headers are the page's, in the reader's language, and its
times are in the property's zone, as on the screen. Exports are capped at
``EXPORT_LIMIT`` rows (newest first): a browser download of millions of API calls helps nobody,
and the retention settings bound the tables anyway. Stored payloads and parameters are already
redacted by their writers; the export carries nothing the page does not show.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from pandas import DataFrame
from pandas.api.types import is_object_dtype, is_string_dtype

from pms.db import schema
from pms.db.engine import reader
from pms.i18n import Translator, english, local_now
from pms.reporting.paging import Page, clean_text, fetch_page

__all__ = [
    "EXPORT_LIMIT",
    "HEADERS",
    "LOGS",
    "LogFilter",
    "LogSpec",
    "export_csv",
    "failed_records",
    "labelled",
    "log_page",
]

EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class LogSpec:
    table: sa.Table
    columns: tuple[str, ...]
    time_column: str
    status_column: str | None  # filtered by the status choice
    text_columns: tuple[str, ...]  # searched by the text box
    error_condition: str | None = None  # name of a built-in "problems only" condition


LOGS: dict[str, LogSpec] = {
    "api": LogSpec(
        schema.cloudbed_api_log,
        (
            "created_at",
            "endpoint",
            "method",
            "http_status",
            "duration_ms",
            "attempt",
            "request_id",
            "response_summary",
            "error",
        ),
        "created_at",
        None,
        ("endpoint", "request_id", "error", "response_summary"),
        "http",
    ),
    "sync": LogSpec(
        schema.cloudbed_sync_log,
        (
            "started_at",
            "finished_at",
            "sync_type",
            "direction",
            "mode",
            "trigger",
            "status",
            "processed",
            "successful",
            "failed",
            "warnings",
            "api_calls",
            "duration_ms",
            "error_details",
        ),
        "started_at",
        "status",
        ("sync_type", "error_details"),
        "sync",
    ),
    "webhooks": LogSpec(
        schema.cloudbed_webhook_events,
        ("received_at", "event", "entity_id", "status", "attempts", "processed_at", "error"),
        "received_at",
        "status",
        ("event", "entity_id", "error"),
        "webhook",
    ),
    "outbound": LogSpec(
        schema.cloudbed_outbound_log,
        (
            "created_at",
            "operation",
            "local_table",
            "local_id",
            "cloudbed_id",
            "decision",
            "reason",
            "http_status",
            "success",
            "error",
            "request_id",
        ),
        "created_at",
        "decision",
        ("operation", "cloudbed_id", "reason", "error"),
        "outbound",
    ),
}


# Every column a log shows or exports → its header's translation key.
HEADERS = {
    "id": "log.id",
    "created_at": "log.time",
    "started_at": "log.time",
    "received_at": "log.time",
    "finished_at": "log.finished_at",
    "processed_at": "log.processed_at",
    "endpoint": "log.endpoint",
    "method": "log.method",
    "http_status": "log.http_status",
    "duration_ms": "log.duration_ms",
    "attempt": "log.attempt",
    "attempts": "log.attempts",
    "request_id": "log.request_id",
    "response_summary": "log.summary",
    "error": "log.error",
    "error_details": "log.error",
    "sync_type": "log.entities",
    "direction": "log.direction",
    "mode": "log.mode",
    "trigger": "log.trigger",
    "status": "log.status",
    "processed": "log.processed",
    "successful": "log.successful",
    "failed": "log.failed",
    "warnings": "log.warnings",
    "api_calls": "log.api_calls",
    "event": "log.event",
    "entity_id": "log.entity",
    "operation": "log.operation",
    "local_table": "log.local_record",
    "local_id": "log.local_id",
    "cloudbed_id": "log.entity",
    "decision": "log.decision",
    "reason": "log.reason",
    "success": "log.success",
}
# Columns whose stored values are words: the key family that says them.
_WORDS = {
    "status": "log_status",
    "decision": "log_status",
    "direction": "direction",
    "mode": "mode",
    "trigger": "trigger",
    "local_table": "record",
}


# Reasons the outbound guard stores (English in the database): said again in the reader's words.
_REASONS = ("guard.push_off", "guard.no_start", "guard.before_start")


@cache
def _reason_keys() -> dict[str, str]:
    return {english(key): key for key in _REASONS}


def _word(t: Translator, column: str, value: Any) -> Any:
    if value is None or value != value:  # None, NaN, NaT
        return "–" if column not in ("finished_at", "processed_at") else value
    if column == "reason" and value in _reason_keys():
        return t(_reason_keys()[value])
    if column == "sync_type":
        return ", ".join(t.label("entity", part.strip()) for part in str(value).split(",") if part.strip())
    if column == "success":
        return t("common.yes") if value else t("common.no")
    if column in _WORDS:
        return t.label(_WORDS[column], value)
    return value


def _is_text(values) -> bool:
    return is_object_dtype(values) or is_string_dtype(values)


def labelled(frame: DataFrame, t: Translator) -> DataFrame:
    """A page of a log with its stored values in words and no empty cell shown as "None"."""
    out = frame.copy()
    for column in out.columns:
        if column in _WORDS or column in ("sync_type", "success") or _is_text(out[column]):
            out[column] = out[column].astype(object).map(lambda v, c=column: _word(t, c, v))
    return out


@dataclass(frozen=True)
class LogFilter:
    since: datetime | None = None
    until: datetime | None = None
    status: str | None = None
    text: str | None = None
    problems_only: bool = False


def _problems(spec: LogSpec) -> sa.ColumnElement:
    c = spec.table.c
    if spec.error_condition == "http":
        return sa.or_(c.http_status.is_(None), c.http_status >= 400, c.error.is_not(None))
    if spec.error_condition == "sync":
        return sa.or_(c.status.in_(["failed", "partial"]), c.failed > 0)
    if spec.error_condition == "webhook":
        return c.status == "failed"
    return sa.or_(c.decision == "refused", c.success.is_(False))


def _query(kind: str, property_id: str | None, flt: LogFilter) -> tuple[LogSpec, sa.Select]:
    spec = LOGS[kind]
    c = spec.table.c
    query = sa.select(c.id, *[c[name] for name in spec.columns]).where(c.property_id == property_id)
    if flt.since is not None:
        query = query.where(c[spec.time_column] >= flt.since)
    if flt.until is not None:
        query = query.where(c[spec.time_column] < flt.until)
    if flt.status and spec.status_column:
        query = query.where(c[spec.status_column] == flt.status)
    text = clean_text(flt.text)
    if text:
        query = query.where(sa.or_(*[c[name].icontains(text, autoescape=True) for name in spec.text_columns]))
    if flt.problems_only:
        query = query.where(_problems(spec))
    return spec, query


def log_page(
    engine: sa.Engine,
    kind: str,
    property_id: str | None,
    flt: LogFilter | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page:
    """One page of the log ``kind`` (``api``, ``sync``, ``webhooks``, ``outbound``), newest first."""
    spec, query = _query(kind, property_id, flt or LogFilter())
    c = spec.table.c
    with reader(engine).connect() as conn:
        return fetch_page(conn, query, [c[spec.time_column].desc(), c.id.desc()], page, page_size)


def export_csv(
    engine: sa.Engine,
    kind: str,
    property_id: str | None,
    flt: LogFilter | None = None,
    limit: int = EXPORT_LIMIT,
    *,
    lang: str | None = None,
    zone: str | None = None,
) -> bytes:
    """The filtered log as UTF-8 CSV (with a BOM, so spreadsheet programs read Indonesian names).

    With ``lang`` the headers and stored values are in that language, as on the page; with
    ``zone`` times are the property's wall clock (``2026-11-25 14:30:00``), else UTC ISO 8601.
    """
    spec, query = _query(kind, property_id, flt or LogFilter())
    c = spec.table.c
    t = Translator(lang) if lang else None
    columns = ["id", *spec.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([t(HEADERS[name]) for name in columns] if t else columns)
    query = query.order_by(c[spec.time_column].desc(), c.id.desc()).limit(max(1, min(limit, EXPORT_LIMIT)))
    with reader(engine).connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=2000).execute(query)
        for row in result:
            cells = [_local(v, zone) for v in row]
            if t:
                cells = [_word(t, name, v) for name, v in zip(columns, cells, strict=True)]
            writer.writerow([_cell(v) for v in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _local(value: Any, zone: str | None) -> Any:
    """A stored UTC time on the property's wall clock (as the page shows it), without the offset."""
    if zone and isinstance(value, datetime):
        return local_now(zone, value if value.tzinfo else value.replace(tzinfo=UTC)).replace(tzinfo=None)
    return value


# What a spreadsheet reads as the start of a formula (or, for tab and CR, of a hidden cell shift).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as the text it is.

    Logs hold text from outside (Cloudbeds' errors, webhook event names, guests' names in
    messages): a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR would be run as a
    formula when the export is opened, so it is prefixed with an apostrophe, the spreadsheet
    convention for "this is text". Numbers and dates are written as they are.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.tzinfo is None else value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def failed_records(engine: sa.Engine, property_id: str, limit: int = 200) -> Page:
    """Reservations and guests whose last sync failed, newest first, with the error."""
    r, g = schema.reservasi, schema.guest
    res = sa.select(
        sa.literal("reservation").label("kind"),
        r.c.id,
        r.c.cloudbed_reservation_id.label("cloudbed_id"),
        r.c.guest_name.label("name"),
        r.c.sync_attempts,
        r.c.sync_error,
        r.c.updated_at,
    ).where(r.c.property_id == property_id, r.c.sync_status == "error")
    gst = sa.select(
        sa.literal("guest").label("kind"),
        g.c.id,
        g.c.cloudbed_guest_id.label("cloudbed_id"),
        (sa.func.coalesce(g.c.first_name, "") + " " + sa.func.coalesce(g.c.last_name, "")).label("name"),
        g.c.sync_attempts,
        g.c.sync_error,
        g.c.updated_at,
    ).where(g.c.property_id == property_id, g.c.sync_status == "error")
    both = sa.union_all(res, gst).subquery()
    query = sa.select(*both.c)
    with reader(engine).connect() as conn:
        return fetch_page(conn, query, [both.c.updated_at.desc()], 1, limit)
