"""Which Cloudbeds properties this installation is connected to.

The receiver accepts events only for these (API.md §9: check that ``propertyID_str`` belongs to a
connected property), and the worker syncs exactly these. With stored credentials they are the
configured property, the properties an OAuth consent covers and those already synced; in demo
mode, the in-process sandbox's property.
"""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from pms.db import schema
from pms.db.credentials import consented_properties, has_credentials
from pms.db.engine import reader
from pms.db.settings import Settings

__all__ = ["PropertyCache", "connected_properties", "primary_property"]


def _demo_property() -> str | None:
    from pms.connection import demo

    info = demo.current()
    return info.property_id if info else None


def primary_property(engine: sa.Engine) -> str | None:
    """The property the worker syncs: the configured one, else the one an OAuth consent names,
    else (demo mode) the demo sandbox's."""
    settings = Settings(engine)
    if not has_credentials(engine):
        return _demo_property()
    pid = settings.get("cloudbed_property_id")
    if pid:
        return str(pid)
    consented = consented_properties(settings.get("cloudbed_token_resources"))
    return consented[0] if consented else None


def connected_properties(engine: sa.Engine) -> set[str]:
    """Every property id an incoming event may name."""
    found: set[str] = set()
    if not has_credentials(engine):
        pid = _demo_property()
        if pid:
            found.add(pid)
        return found
    settings = Settings(engine)
    if settings.get("cloudbed_property_id"):
        found.add(str(settings.get("cloudbed_property_id")))
    found.update(consented_properties(settings.get("cloudbed_token_resources")))
    props = schema.cloudbed_properties
    with reader(engine).connect() as conn:
        found.update(
            r[0] for r in conn.execute(sa.select(props.c.property_id).where(props.c.is_demo.is_(False)))
        )
    return found


class PropertyCache:
    """``connected_properties`` from memory, re-read every ``ttl`` seconds in the background (the
    receiver's hot path never waits for it, except on the very first event and when an event names
    a property it does not know, which is looked up again at most twice a second)."""

    def __init__(self, engine: sa.Engine, ttl: float = 5.0) -> None:
        self.engine = reader(engine)
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: set[str] | None = None
        self._at = float("-inf")
        self._refreshing = False

    def invalidate(self) -> None:
        with self._lock:
            self._value = None
            self._at = float("-inf")

    def _load(self) -> set[str]:
        value = connected_properties(self.engine)
        with self._lock:
            self._value, self._at = value, time.monotonic()
        return value

    def _refresh(self) -> None:
        try:
            self._load()
        except Exception:  # keep the last known set; the next lookup tries again
            pass
        finally:
            self._refreshing = False

    def __contains__(self, property_id: object) -> bool:
        value = self._value
        if value is None:
            value = self._load()
        elif time.monotonic() - self._at > self.ttl and not self._refreshing:
            self._refreshing = True
            threading.Thread(target=self._refresh, name="pms-webhook-properties", daemon=True).start()
        if property_id in value:
            return True
        if time.monotonic() - self._at > 0.5:
            # A property connected a moment ago (credentials just saved): look once more.
            return property_id in self._load()
        return False
