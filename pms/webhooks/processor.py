"""Work off stored webhook events: coalesce them, re-read Cloudbeds in batches, apply through sync.

Events are only hints that something changed (API.md §9): the processor never trusts their
contents. It takes every due event of a property at once, groups them by reservation and guest
(ten events about one booking cost one re-read), and hands the ids to the sync engine, which
fetches them in lists (``getReservationsWithRateDetails`` takes up to 100 ids per call) and applies
a change only when Cloudbeds' modification time is newer than the row's. Duplicates, replays and
reordering therefore cannot apply anything twice or move a row backwards.

Guest events need not name the guest's reservation (real ones carry the guest id only): the
sync then looks for what changed since the burst's earliest event (``refresh_guests``).

Rate-job events trigger one follow-up of the property's queued rate jobs; ``roomblock/*`` events
one re-read of the property's room blocks per burst. ``integration/
appstate_changed`` is a hint like the others: whatever ``newState`` it claims, the processor asks
the API itself (``Applier.app_state``: one call per burst). Only a confirmed ``disabled`` switches
the connection off (the worker then stops calling the API for it) and raises an alert; a confirmed
``enabled`` switches it back on only when it was this check that switched it off, never over a
manager's own switch-off. Anyone who learns the webhook address can therefore make us look, not act.

Cloudbeds signs nothing, so a leaked webhook address could also be used to make us re-read
thousands of made-up ids and spend the rate limit: one burst re-reads at most
``MAX_UNKNOWN_IDS`` reservations and as many guests that the database does not know yet; the events
about the others are ignored (a real new booking among them arrives with the next incremental
sync, the safety net that runs anyway).

A batch that fails is retried with backoff (``store.mark_failed``) and ends as a visible failure.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.db.settings import Settings
from pms.errors import AuthenticationError
from pms.webhooks import store
from pms.webhooks.store import StoredEvent

__all__ = ["BATCH_IDS", "Applier", "ProcessReport", "Processor"]

log = logging.getLogger(__name__)

BATCH_IDS = 500  # ids per call into the sync engine; it pages them 100 per API call itself
MAX_UNKNOWN_IDS = 300  # per burst and kind: 3 API calls (100 ids each) at most for ids we never saw
PAUSED_BY_CLOUDBEDS = "cloudbeds"  # ``cloudbed_paused_by`` when a confirmed app state switched us off


class Applier(Protocol):
    """What the processor needs from the sync engine for one property."""

    def reservations(self, property_id: str, ids: Sequence[str]) -> Any: ...

    def guests(
        self,
        property_id: str,
        ids: Sequence[str],
        reservation_ids: Sequence[str] = (),
        since: datetime | None = None,
    ) -> Any: ...

    def rate_jobs(self, property_id: str) -> Any: ...

    def room_blocks(self, property_id: str) -> Any:
        """Read the property's room blocks again (the mirror's window)."""
        ...

    def app_state(self, property_id: str) -> str:
        """``enabled`` or ``disabled``, as the API answers now (raises when it cannot tell)."""
        ...


@dataclass
class ProcessReport:
    claimed: int = 0
    processed: int = 0
    ignored: int = 0
    retried: int = 0
    failed: int = 0
    reservations: int = 0  # distinct reservations re-read
    guests: int = 0
    rate_followups: int = 0
    auth_failed: bool = False
    errors: list[str] = field(default_factory=list)


def _failed_ids(outcome: Any) -> dict[str, str]:
    """Per-id failures an applier reports (``outcome.failed_ids``: {id: error}), if it does."""
    failed = getattr(outcome, "failed_ids", None)
    return {str(k): str(v) for k, v in failed.items()} if isinstance(failed, dict) else {}


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Processor:
    def __init__(self, engine: sa.Engine, applier: Applier, *, batch_ids: int = BATCH_IDS) -> None:
        self.engine = engine
        self.applier = applier
        self.batch_ids = batch_ids

    def process(
        self, property_id: str, *, limit: int = 5000, now: datetime | None = None, api_allowed: bool = True
    ) -> ProcessReport:
        """Claim and apply every due event of ``property_id``.

        With ``api_allowed=False`` (the connection is switched off) only app-state events are
        taken; the others wait until the connection is back.
        """
        report = ProcessReport()
        only = None if api_allowed else ("integration/appstate_changed",)
        events = store.claim(self.engine, property_id, limit=limit, now=now, only=only)
        report.claimed = len(events)
        if not events:
            return report
        by_reservation: dict[str, list[StoredEvent]] = defaultdict(list)
        by_guest: dict[str, list[StoredEvent]] = defaultdict(list)
        rate_events: list[StoredEvent] = []
        app_events: list[StoredEvent] = []
        block_events: list[StoredEvent] = []
        useless: list[StoredEvent] = []
        guest_reservations: dict[str, str] = {}
        for ev in events:
            obj = ev.event.partition("/")[0]
            rid = _text(ev.field("reservationID"))
            gid = _text(ev.field("guestID"))
            if obj == "reservation" and rid:
                by_reservation[rid].append(ev)
            elif obj == "guest" and gid:
                by_guest[gid].append(ev)
                if rid:
                    guest_reservations[gid] = rid
            elif obj == "guest" and rid:
                by_reservation[rid].append(ev)
            elif ev.event == "api_queue_task/rate_status_changed":
                rate_events.append(ev)
            elif ev.event == "integration/appstate_changed":
                app_events.append(ev)
            elif obj == "roomblock":
                block_events.append(ev)
            else:
                useless.append(ev)
        if useless:
            report.ignored += store.mark_ignored(self.engine, [e.id for e in useless], "nothing to re-read")
        self._cap_unknown(property_id, by_reservation, schema.reservasi.c.cloudbed_reservation_id, report)
        self._cap_unknown(property_id, by_guest, schema.guest.c.cloudbed_guest_id, report)
        if app_events and not self._app_state(property_id, app_events, report):
            # Disabled: no more API calls for this property; the rest waits for "enabled".
            rest = [
                e.id
                for group in (*by_reservation.values(), *by_guest.values(), rate_events, block_events)
                for e in group
            ]
            store.release(self.engine, rest)
            return report
        # A guest added to a booking that is re-read anyway comes with it (the guest list rides
        # along); only other guest changes need their own re-read.
        for gid in [
            g
            for g, evs in by_guest.items()
            if guest_reservations.get(g) in by_reservation
            and all(e.event in _COVERED_BY_BOOKING for e in evs)
        ]:
            by_reservation[guest_reservations[gid]].extend(by_guest.pop(gid))
        self._apply(property_id, by_reservation, self.applier.reservations, report, "reservations")
        self._apply(
            property_id,
            by_guest,
            lambda pid, ids: self.applier.guests(
                pid,
                ids,
                [guest_reservations[g] for g in ids if g in guest_reservations],
                since=_earliest([ev for g in ids for ev in by_guest[g]]),
            ),
            report,
            "guests",
        )
        if rate_events:
            self._run(lambda: self.applier.rate_jobs(property_id), rate_events, report)
            report.rate_followups += 1
        if block_events:
            self._run(lambda: self.applier.room_blocks(property_id), block_events, report)
        return report

    def _apply(
        self, property_id: str, groups: dict[str, list[StoredEvent]], call, report: ProcessReport, what: str
    ) -> None:
        ids = sorted(groups)
        setattr(report, what, getattr(report, what) + len(ids))
        for chunk in _chunks(ids, self.batch_ids):
            chunk_events = [ev for i in chunk for ev in groups[i]]
            outcome = self._run(
                lambda c=chunk: call(property_id, list(c)), chunk_events, report, settle=False
            )
            if outcome is _FAILED:
                continue
            failed = _failed_ids(outcome)
            ok_events = [ev for i in chunk if i not in failed for ev in groups[i]]
            report.processed += store.mark_processed(self.engine, [e.id for e in ok_events])
            for rid, error in failed.items():
                counts = store.mark_failed(self.engine, groups.get(rid, []), error)
                report.retried += counts["retry"]
                report.failed += counts["failed"]

    def _run(self, fn, events: list[StoredEvent], report: ProcessReport, settle: bool = True):
        try:
            outcome = fn()
        except Exception as exc:  # every failure is recorded on its events, then retried
            if isinstance(exc, AuthenticationError):
                report.auth_failed = True
            message = f"{type(exc).__name__}: {exc}"
            log.warning("webhook batch of %d event(s) failed: %s", len(events), message)
            report.errors.append(message[:500])
            counts = store.mark_failed(self.engine, events, message)
            report.retried += counts["retry"]
            report.failed += counts["failed"]
            return _FAILED
        if settle:
            report.processed += store.mark_processed(self.engine, [e.id for e in events])
        return outcome

    def _cap_unknown(
        self, property_id: str, groups: dict[str, list[StoredEvent]], column: sa.Column, report: ProcessReport
    ) -> None:
        """Drop the events of ids we never saw beyond ``MAX_UNKNOWN_IDS`` (see the module docstring)."""
        if len(groups) <= MAX_UNKNOWN_IDS:
            return
        known: set[str] = set()
        ids = sorted(groups)
        with reader(self.engine).connect() as conn:
            for chunk in _chunks(ids, 500):
                known.update(
                    str(v)
                    for (v,) in conn.execute(
                        sa.select(column).where(column.table.c.property_id == property_id, column.in_(chunk))
                    )
                )
        unknown = [i for i in ids if i not in known]
        # The earliest events keep their place: a flood appended later does not push them out.
        unknown.sort(key=lambda i: min(e.id for e in groups[i]))
        dropped = unknown[MAX_UNKNOWN_IDS:]
        if not dropped:
            return
        events = [e.id for i in dropped for e in groups.pop(i)]
        report.ignored += store.mark_ignored(
            self.engine,
            events,
            f"more than {MAX_UNKNOWN_IDS} unknown ids in one burst; the next sync reads them",
        )
        log.warning(
            "webhook burst for property %s named %d unknown ids; %d not re-read (the next sync covers them)",
            property_id,
            len(unknown),
            len(dropped),
        )

    def _app_state(self, property_id: str, events: list[StoredEvent], report: ProcessReport) -> bool:
        """Check the app state with the API and act on that answer; False when it is disabled.

        The events' own ``newState`` is never trusted: anyone holding the webhook address could
        send one.
        """
        from pms import alerts

        claimed = _text(max(events, key=lambda e: (_number(e.field("timestamp")), e.id)).field("newState"))
        try:
            state = self.applier.app_state(property_id)
        except Exception as exc:  # cannot tell now: the events wait for a later try
            message = f"{type(exc).__name__}: the app state could not be confirmed with Cloudbeds"
            counts = store.mark_failed(self.engine, events, message)
            report.retried += counts["retry"]
            report.failed += counts["failed"]
            report.errors.append(message)
            return Settings(self.engine).integration_active
        settings = Settings(self.engine)
        current = settings.get_many(["cloudbed_active", "cloudbed_paused_by"])
        if state == "disabled" and current["cloudbed_active"]:
            settings.set_many({"cloudbed_active": False, "cloudbed_paused_by": PAUSED_BY_CLOUDBEDS})
            alerts.raise_alert(
                self.engine,
                property_id,
                "connection_disabled",
                "Cloudbeds reports the app disabled for this property: syncing has stopped. "
                "Reconnect it in Cloudbeds, then switch the integration on in Settings.",
                severity="critical",
            )
            log.warning("Cloudbeds disabled the app for property %s: integration switched off", property_id)
        elif state == "enabled" and current["cloudbed_paused_by"] == PAUSED_BY_CLOUDBEDS:
            # Only undo our own switch-off; a manager's switch-off stays until a manager undoes it.
            settings.set_many({"cloudbed_active": True, "cloudbed_paused_by": None})
            alerts.resolve_alert(self.engine, property_id, "connection_disabled")
        elif claimed and claimed != state:
            log.warning(
                "an app-state webhook for property %s claimed %r but Cloudbeds answers %r: ignored",
                property_id,
                claimed[:20],
                state,
            )
        report.processed += store.mark_processed(self.engine, [e.id for e in events])
        return state != "disabled"


_FAILED = object()
_COVERED_BY_BOOKING = frozenset({"guest/created", "guest/assigned"})


def _earliest(events: Iterable[StoredEvent]) -> datetime | None:
    """When the earliest change of a burst happened (its payload's ``timestamp``, else its arrival):
    guest webhooks need not name a reservation, so the sync looks for what changed since then."""
    times = []
    for ev in events:
        stamp = _number(ev.field("timestamp"))
        valid = 0 < stamp < 32503680000  # before the year 3000
        times.append(datetime.fromtimestamp(stamp, UTC) if valid else ev.received_at)
    return min((t for t in times if t is not None), default=None)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
