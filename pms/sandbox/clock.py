"""The sandbox's notion of "now": real time, shifted.

Tests must not sleep to see a token expire or an authorization code go stale, and a sandbox seeded
for a fixed ``today`` must behave as if it lived on that day. So every timestamp the sandbox hands
out comes from this clock: real UTC time plus an offset that ``SandboxConfig.today`` sets at start
and ``POST /_sandbox/clock`` can advance. The rate limiter is the one exception: it measures real
intervals between real requests, so it reads ``time.monotonic`` directly.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["SandboxClock", "format_local", "format_utc"]


class SandboxClock:
    """Real time plus an adjustable offset, and the property's time zone for local dates."""

    def __init__(self, tz: str, today: date | None = None) -> None:
        self.tz = ZoneInfo(tz)
        self._lock = threading.Lock()
        self._fixed_today = today
        self.reset()

    def reset(self) -> None:
        """Back to real time, or to the configured ``today`` at the current time of day."""
        offset = timedelta(0)
        if self._fixed_today is not None:
            offset = timedelta(days=(self._fixed_today - datetime.now(self.tz).date()).days)
        with self._lock:
            self._offset = offset

    def now(self) -> datetime:
        """Aware UTC now, as the sandbox sees it."""
        with self._lock:
            offset = self._offset
        return datetime.now(UTC) + offset

    def today(self) -> date:
        """The property's local date (Cloudbeds validates stay dates against it)."""
        return self.now().astimezone(self.tz).date()

    def local_midnight_utc(self, day: date) -> datetime:
        """UTC instant at which ``day`` starts in the property's time zone."""
        return datetime.combine(day, time(0), self.tz).astimezone(UTC)

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value)."""
        with self._lock:
            self._offset += timedelta(seconds=seconds)

    @property
    def offset_seconds(self) -> float:
        with self._lock:
            return self._offset.total_seconds()

    def to_local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def local_to_utc(self, naive_local: datetime) -> datetime:
        """Interpret a zone-less property-local datetime (what Cloudbeds filters take)."""
        return naive_local.replace(tzinfo=self.tz).astimezone(UTC)

    @staticmethod
    def naive_utc(naive: datetime) -> datetime:
        """Interpret a zone-less datetime as UTC (the ``utc`` reading of the filters)."""
        return naive.replace(tzinfo=UTC)


def format_local(moment: datetime | None, tz: ZoneInfo) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` in the property's zone: Cloudbeds' plain dateCreated/dateModified."""
    if moment is None:
        return None
    return moment.astimezone(tz).replace(tzinfo=None).isoformat(" ", "seconds")  # faster than strftime


def format_utc(moment: datetime | None) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` in UTC: the ``...UTC`` twins."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "seconds")
