"""The connection test suite, shared by ``python -m pms test-connection`` and the dashboard's button.

Five steps, in order, each timed and each with a message a hotel manager can act on (a
``pms.i18n.Said``: English on the command line, the reader's language in the dashboard):
database setup, API connection, property info (the property id is detected and saved when the
credential sees exactly one), reservation read, rates and availability. A step that cannot run
because an earlier one failed is reported as skipped, not as a second failure with a confusing
message. About six API calls in all.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from pms.errors import ConfigurationError, PMSError
from pms.i18n import Said, Term

__all__ = ["STEP_NAMES", "CheckStep", "advice_for", "run_connection_checks"]


@dataclass(frozen=True)
class CheckStep:
    name: str
    ok: bool
    message: str
    duration_ms: int
    skipped: bool = False

    def line(self) -> str:
        mark = "SKIP" if self.skipped else ("ok" if self.ok else "FAIL")
        return f"[{mark:>4}] {self.name:<24} {self.message} ({self.duration_ms} ms)"


def advice_for(exc: BaseException) -> str:
    """What a manager should do about an error.

    Errors from Cloudbeds and from our own configuration already say it (their messages are built
    for managers in ``pms.cloudbeds.errors`` and where they are raised); only database and
    unexpected errors need words here.
    """
    if isinstance(exc, PMSError):
        return exc.said or str(exc)
    if isinstance(exc, sa.exc.SQLAlchemyError):
        return Said("check.database_error", {"kind": type(exc).__name__})
    return Said("check.unexpected", {"kind": type(exc).__name__, "error": str(exc)})


@contextlib.contextmanager
def _any_property(client):
    """Calls that are about the credential, not one property (no X-PROPERTY-ID is sent)."""
    pid, client.property_id = client.property_id, None
    try:
        yield client
    finally:
        client.property_id = pid


class _Checks:
    """The five steps, in order; each returns its success message or raises with advice.

    Args:
        client: the client to test, or None to build one from the stored credentials (the API step
            does, so a broken credential is reported there and not as a crash).
    """

    def __init__(self, engine: sa.Engine, client) -> None:
        self.engine = engine
        self.client = client
        self.given = client is not None

    def database(self) -> str:
        from pms.db.setup import setup_database

        report = setup_database(self.engine)
        if not report.ok:
            bad = [f"{t.name}: {t.detail or t.status}" for t in report.tables if not t.ok]
            raise ConfigurationError(Said("check.tables_failed", {"tables": "; ".join(bad[:5])}))
        made = sum(t.status in ("created", "adopted") for t in report.tables)
        values = {"n": len(report.tables), "database": report.database, "made": made}
        return Said("check.database_made" if made else "check.database", values)

    def api(self) -> str:
        from pms.connection import build_client, connection_info

        if self.client is None:
            self.client = build_client(self.engine)
        c = self.client
        with _any_property(c):
            who = c.userinfo()
        mode = type(c.auth).__name__ if self.given else connection_info(self.engine).mode
        user = (
            " ".join(x for x in (who.first_name, who.last_name) if x) or who.email or Term("check.credential")
        )
        values = {"host": urlsplit(c.base_url).netloc, "user": user}
        return Said("check.api_demo" if mode == "demo" else "check.api", values)

    def property_info(self) -> str:
        from pms.connection import detect_property

        c = self.client
        pid = detect_property(self.engine, c)
        with _any_property(c):
            hotels = c.get_hotels().all()
        hotel = next((h for h in hotels if h.property_id == pid), None)
        if hotel is None:
            seen = ", ".join(f"{h.property_id} ({h.name})" for h in hotels[:5]) or "–"
            raise ConfigurationError(
                Said("check.property_unseen", {"pid": pid, "seen": seen}), key="cloudbed_property_id"
            )
        if hotel.timezone and c.property_timezone is None:
            c.property_timezone = hotel.timezone
        currency = hotel.currency.code if hotel.currency else "?"
        zone = hotel.timezone or Term("common.unknown")
        return Said("check.property", {"name": hotel.name, "pid": pid, "zone": zone, "currency": currency})

    def reservations(self) -> str:
        page = next(iter(self.client.get_reservations(page_size=1).pages()))
        total = page.total if page.total is not None else len(page.items)
        return Said("check.reservations", {"n": total})

    def rates(self) -> str:
        c = self.client
        today = datetime.now(c.property_timezone or UTC).date()
        plans = c.get_rate_plans(start_date=today, end_date=today + timedelta(days=7))
        available = c.get_available_room_types(start_date=today, end_date=today + timedelta(days=1)).all()
        free = sum(t.rooms_available or 0 for t in available)
        return Said("check.rates", {"plans": len(plans), "free": free, "types": len(available)})


# (name, step, whether the later steps need it to have passed)
_STEPS: tuple[tuple[str, Callable[[_Checks], str], bool], ...] = (
    ("database setup", _Checks.database, True),
    ("API connection", _Checks.api, True),
    ("property info", _Checks.property_info, True),
    ("reservation read", _Checks.reservations, False),
    ("rates and availability", _Checks.rates, False),
)
STEP_NAMES = tuple(name for name, _, _ in _STEPS)


def _timed(name: str, fn: Callable[[], str]) -> CheckStep:
    t0 = time.perf_counter()
    try:
        message, ok = fn(), True
    except Exception as exc:  # every failure becomes a step with advice; nothing escapes
        message, ok = advice_for(exc), False
    return CheckStep(name, ok, message, int((time.perf_counter() - t0) * 1000))


def run_connection_checks(
    engine: sa.Engine, *, client=None, on_step: Callable[[CheckStep], None] | None = None
) -> list[CheckStep]:
    """Run the five checks; ``on_step`` sees each as it finishes (the CLI prints it at once).

    Args:
        engine: the hotel database (set up if tables are missing).
        client: a client to test; by default ``pms.connection.build_client(engine)`` (the stored
            credentials, or the demo sandbox when there are none).
    """
    checks = _Checks(engine, client)
    steps: list[CheckStep] = []
    blocked: str | None = None
    for name, step, needed in _STEPS:
        if blocked:
            step_name = Term("connection.step." + blocked.replace(" ", "_"))
            done = CheckStep(name, False, Said("check.skipped", {"step": step_name}), 0, skipped=True)
        else:
            done = _timed(name, lambda step=step: step(checks))
            if not done.ok and needed:
                blocked = name
        steps.append(done)
        if on_step is not None:
            on_step(done)
    return steps
