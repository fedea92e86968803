"""The connection test suite, shared by ``python -m pms test-connection`` and the dashboard's button.

Five steps, in order, each timed and each with a message a hotel manager can act on:
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

from pms.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    CloudbedsError,
    ConfigurationError,
    PermissionDeniedError,
    PMSError,
    RateLimitError,
)

__all__ = ["STEP_NAMES", "CheckStep", "advice_for", "run_connection_checks"]

STEP_NAMES = (
    "database setup",
    "API connection",
    "property info",
    "reservation read",
    "rates and availability",
)


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


def advice_for(exc: BaseException, base_url: str | None = None) -> str:
    """What a manager should do about an error from Cloudbeds or the configuration."""
    host = urlsplit(base_url).netloc if base_url else "Cloudbeds"
    if isinstance(exc, AuthenticationError):
        return (
            "Cloudbeds refused the credentials. Create a new API key in Cloudbeds (Settings → Apps & "
            "Marketplace → API access) or reconnect OAuth, and save it on the Connection page."
        )
    if isinstance(exc, PermissionDeniedError):
        return f"The credential lacks a permission: {exc} Reconnect and approve every requested permission."
    if isinstance(exc, RateLimitError):
        return "Cloudbeds is limiting requests right now: wait a minute and test again."
    if isinstance(exc, APIConnectionError):
        return f"Cloudbeds could not be reached at {host}: check the internet connection and the API address."
    if isinstance(exc, APIError):
        rid = f" (request id {exc.request_id})" if getattr(exc, "request_id", None) else ""
        return f"Cloudbeds answered with an error{rid}: {exc} Try again later."
    if isinstance(exc, CloudbedsError):
        return f"Cloudbeds refused the request: {exc}"
    if isinstance(exc, (ConfigurationError, PMSError)):
        return str(exc)
    if isinstance(exc, sa.exc.SQLAlchemyError):
        return (
            f"The database could not be used ({type(exc).__name__}): check the database address "
            "and that it runs."
        )
    return f"Unexpected error ({type(exc).__name__}): {exc}"


@contextlib.contextmanager
def _any_property(client):
    """Calls that are about the credential, not one property (no X-PROPERTY-ID is sent)."""
    pid, client.property_id = client.property_id, None
    try:
        yield client
    finally:
        client.property_id = pid


def _timed(name: str, fn: Callable[[], str]) -> CheckStep:
    t0 = time.perf_counter()
    try:
        message = fn()
        ok = True
    except Exception as exc:  # every failure becomes a step with advice; nothing escapes
        message, ok = advice_for(exc, getattr(exc, "_base_url", None)), False
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
    steps: list[CheckStep] = []
    state: dict = {"client": client}

    def report(step: CheckStep) -> None:
        steps.append(step)
        if on_step is not None:
            on_step(step)

    def database() -> str:
        from pms.db.setup import setup_database

        report_ = setup_database(engine)
        if not report_.ok:
            bad = [f"{t.name}: {t.detail or t.status}" for t in report_.tables if not t.ok]
            raise ConfigurationError("Some tables could not be set up: " + "; ".join(bad[:5]))
        made = [t.name for t in report_.tables if t.status in ("created", "adopted")]
        extra = (
            f" (created or adopted: {', '.join(made[:6])}{' ...' if len(made) > 6 else ''})" if made else ""
        )
        return f"{len(report_.tables)} tables ready at {report_.database}{extra}"

    def api() -> str:
        from pms.connection import build_client, connection_info

        if state["client"] is None:
            state["client"] = build_client(engine)
        c = state["client"]
        try:
            with _any_property(c):
                who = c.userinfo()
        except CloudbedsError as exc:
            exc._base_url = c.base_url  # type: ignore[attr-defined]
            raise
        mode = connection_info(engine).mode if client is None else type(c.auth).__name__
        user = " ".join(x for x in (who.first_name, who.last_name) if x) or who.email or "the credential"
        demo = " — demo mode: no Cloudbeds credentials stored yet" if mode == "demo" else ""
        return f"connected to {urlsplit(c.base_url).netloc} as {user}{demo}"

    def prop() -> str:
        from pms.connection import detect_property

        c = state["client"]
        pid = detect_property(engine, c)
        with _any_property(c):
            hotels = c.get_hotels().all()
        hotel = next((h for h in hotels if h.property_id == pid), None)
        if hotel is None:
            seen = ", ".join(f"{h.property_id} ({h.name})" for h in hotels[:5]) or "none"
            raise ConfigurationError(
                f"The credential cannot see property {pid} (it sees: {seen}): correct the "
                "property id on the Connection page.",
                key="cloudbed_property_id",
            )
        if hotel.timezone and c.property_timezone is None:
            c.property_timezone = hotel.timezone
        currency = hotel.currency.code if hotel.currency else "?"
        return f"{hotel.name} (property {pid}), time zone {hotel.timezone or 'unknown'}, currency {currency}"

    def reservations() -> str:
        c = state["client"]
        page = next(iter(c.get_reservations(page_size=1).pages()))
        total = page.total if page.total is not None else len(page.items)
        return f"{total} reservation(s) visible"

    def rates() -> str:
        c = state["client"]
        zone = c.property_timezone
        today = datetime.now(zone or UTC).date()
        plans = c.get_rate_plans(start_date=today, end_date=today + timedelta(days=7))
        available = c.get_available_room_types(start_date=today, end_date=today + timedelta(days=1)).all()
        free = sum(t.rooms_available or 0 for t in available)
        return f"{len(plans)} rate plan(s); tonight {free} room(s) free in {len(available)} room type(s)"

    plan = [
        ("database setup", database),
        ("API connection", api),
        ("property info", prop),
        ("reservation read", reservations),
        ("rates and availability", rates),
    ]
    blocked: str | None = None
    for name, fn in plan:
        if blocked:
            report(CheckStep(name, False, f"skipped: {blocked} failed", 0, skipped=True))
            continue
        step = _timed(name, fn)
        report(step)
        if not step.ok and name in ("database setup", "API connection", "property info"):
            blocked = name
    return steps
