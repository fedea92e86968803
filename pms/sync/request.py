"""What a sync is asked to do (``SyncRequest``) and what it works with (``SyncContext``).

A request is validated when it is made, so the dashboard, the CLI and the worker all refuse the
same bad input with the same message: reversed or absurd date ranges, unknown entities, a window
mode without dates. The context carries the database engine, the Cloudbeds client and the property;
nothing in it is specific to one run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from pms.errors import SyncError

__all__ = [
    "DEFAULT_ENTITIES",
    "DIRECTIONS",
    "ENTITIES",
    "MAX_WINDOW_DAYS",
    "MODES",
    "PULL_ENTITIES",
    "TRIGGERS",
    "Progress",
    "SyncContext",
    "SyncRequest",
    "parse_day",
    "parse_entities",
]

# Pulled in this order: the catalogue first (time zone, sources' payment collect, room types), then
# bookings, then prices.
PULL_ENTITIES = ("catalog", "reservations", "guests", "rates", "availability")
ENTITIES = PULL_ENTITIES
MODES = ("window", "incremental", "full")
DIRECTIONS = ("pull", "push", "both")
TRIGGERS = ("manual", "auto", "webhook", "cli")
# A window longer than this is almost certainly a typo (20 years instead of 2); --full exists for
# "everything".
MAX_WINDOW_DAYS = 731

# An incremental run is the cheap one the worker repeats every few minutes (at most 3 API calls
# when nothing changed); rates and availability ride along with full and window runs, or when
# asked for.
DEFAULT_ENTITIES = {
    "incremental": ("reservations", "guests"),
    "full": PULL_ENTITIES,
    "window": PULL_ENTITIES,
}

Progress = Callable[[int, "int | None", str], None]


def parse_day(value: str | date | None, name: str = "date") -> date | None:
    """A ``YYYY-MM-DD`` string (or a date) as a date; SyncError with the expected form otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise SyncError(f"{name}: {value!r} is not a date; use YYYY-MM-DD, e.g. 2026-12-20") from None


def parse_entities(value: str | Iterable[str] | None, mode: str = "full") -> tuple[str, ...]:
    """Entities from ``"reservations,guests"`` or a list, in pull order; the mode's default when empty."""
    if value is None or value == "" or value == ():
        return DEFAULT_ENTITIES.get(mode, PULL_ENTITIES)
    items = value.split(",") if isinstance(value, str) else list(value)
    wanted = {str(v).strip().lower() for v in items if str(v).strip()}
    unknown = sorted(wanted - set(ENTITIES))
    if unknown:
        raise SyncError(
            f"unknown entit{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
            f"choose from {', '.join(ENTITIES)}"
        )
    if not wanted:
        return DEFAULT_ENTITIES.get(mode, PULL_ENTITIES)
    return tuple(e for e in ENTITIES if e in wanted)


@dataclass(frozen=True)
class SyncRequest:
    """One sync to plan or run.

    Args:
        mode: ``window`` (stays overlapping ``date_from``..``date_to``), ``incremental`` (changes
            since the last cursor, minus an overlap) or ``full`` (everything; marks local rows
            that vanished from Cloudbeds as deleted).
        date_from, date_to: the stay window (``window`` mode only); both inclusive.
        entities: which of ``ENTITIES`` to pull (a comma string or a list); the mode's default
            when empty.
        direction: ``pull``, ``push`` (hotel changes to Cloudbeds only) or ``both`` (push first,
            then pull, so what was just sent is read back).
        trigger: who asked: ``manual`` (dashboard), ``auto`` (worker), ``webhook``, ``cli``.
        wait_for_lease: when another sync holds the property, wait for it instead of refusing.
        lease_timeout_s: how long to wait when ``wait_for_lease`` is set.
    """

    mode: str = "incremental"
    date_from: date | None = None
    date_to: date | None = None
    entities: tuple[str, ...] = ()
    direction: str = "pull"
    trigger: str = "manual"
    wait_for_lease: bool = False
    lease_timeout_s: float = 600.0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise SyncError(f"unknown sync mode {self.mode!r}; choose from {', '.join(MODES)}")
        if self.direction not in DIRECTIONS:
            raise SyncError(f"unknown direction {self.direction!r}; choose from {', '.join(DIRECTIONS)}")
        if self.trigger not in TRIGGERS:
            raise SyncError(f"unknown trigger {self.trigger!r}; choose from {', '.join(TRIGGERS)}")
        object.__setattr__(self, "entities", parse_entities(self.entities, self.mode))
        start = parse_day(self.date_from, "--from")
        end = parse_day(self.date_to, "--to")
        object.__setattr__(self, "date_from", start)
        object.__setattr__(self, "date_to", end)
        if self.mode == "window":
            if start is None or end is None:
                raise SyncError("a window sync needs both dates: --from YYYY-MM-DD --to YYYY-MM-DD")
            if end < start:
                raise SyncError(f"the window ends ({end}) before it starts ({start}); swap the dates")
            if (end - start).days > MAX_WINDOW_DAYS:
                raise SyncError(
                    f"a window of {(end - start).days} days is too long (at most {MAX_WINDOW_DAYS}); "
                    "use --full to reconcile everything"
                )
        elif start is not None or end is not None:
            raise SyncError(f"--from/--to only apply to a window sync, not to {self.mode}")
        if self.lease_timeout_s < 0:
            raise SyncError("lease_timeout_s must not be negative")

    @property
    def pulls(self) -> bool:
        return self.direction in ("pull", "both")

    @property
    def pushes(self) -> bool:
        return self.direction in ("push", "both")

    def describe(self) -> str:
        what = ",".join(self.entities)
        if self.mode == "window":
            return f"window {self.date_from}..{self.date_to} ({what}, {self.direction})"
        return f"{self.mode} ({what}, {self.direction})"


@dataclass
class SyncContext:
    """The long-lived things a sync works with.

    Args:
        engine: the hotel database.
        client: a ``CloudbedsClient`` (``pms.connection.build_client`` makes one from the stored
            credentials, or for the demo sandbox).
        property_id: the Cloudbeds property; defaults to the client's.
        progress: ``progress(done, expected, label)`` after every page, for the dashboard's bar.
    """

    engine: sa.Engine
    client: object
    property_id: str | None = None
    progress: Progress | None = None

    def __post_init__(self) -> None:
        pid = self.property_id or getattr(self.client, "property_id", None)
        if not pid:
            raise SyncError(
                "no Cloudbeds property is configured: run test-connection (it detects the "
                "property) or save the property id on the Connection page"
            )
        self.property_id = str(pid)
        if getattr(self.client, "property_id", None) is None:
            self.client.property_id = self.property_id
