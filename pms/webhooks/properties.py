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
from pms.db.credentials import CredentialStore
from pms.db.engine import reader
from pms.db.settings import Settings

__all__ = ["connected_properties", "primary_property", "is_demo_mode", "PropertyCache"]


def is_demo_mode(engine: sa.Engine) -> bool:
    """Demo mode is on exactly when no Cloudbeds credentials are stored."""
    return CredentialStore(engine).load() is None


def _demo_property() -> str | None:
    from pms import demo

    info = demo.current()
    return info.property_id if info else None


def primary_property(engine: sa.Engine) -> str | None:
    """The property the worker syncs: the configured one, else the one an OAuth consent names,
    else (demo mode) the demo sandbox's."""
    settings = Settings(engine)
    if is_demo_mode(engine):
        return _demo_property()
    pid = settings.get("cloudbed_property_id")
    if pid:
        return str(pid)
    for res in settings.get("cloudbed_token_resources") or []:
        if isinstance(res, dict) and res.get("type") == "property" and res.get("id"):
            return str(res["id"])
    return None


def connected_properties(engine: sa.Engine) -> set[str]:
    """Every property id an incoming event may name."""
    found: set[str] = set()
    demo = is_demo_mode(engine)
    if demo:
        pid = _demo_property()
        if pid:
            found.add(pid)
        return found
    settings = Settings(engine)
    if settings.get("cloudbed_property_id"):
        found.add(str(settings.get("cloudbed_property_id")))
    for res in settings.get("cloudbed_token_resources") or []:
        if isinstance(res, dict) and res.get("type") == "property" and res.get("id"):
            found.add(str(res["id"]))
    props = schema.cloudbed_properties
    with reader(engine).connect() as conn:
        found.update(r[0] for r in conn.execute(
            sa.select(props.c.property_id).where(props.c.is_demo.is_(False))))
    return found


class PropertyCache:
    """``connected_properties`` re-read at most every ``ttl`` seconds (the receiver's hot path)."""

    def __init__(self, engine: sa.Engine, ttl: float = 5.0) -> None:
        self.engine = engine
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: set[str] = set()
        self._at = float("-inf")

    def invalidate(self) -> None:
        with self._lock:
            self._at = float("-inf")

    def __contains__(self, property_id: object) -> bool:
        with self._lock:
            if time.monotonic() - self._at > self.ttl:
                self._value = connected_properties(self.engine)
                self._at = time.monotonic()
            hit = property_id in self._value
        if not hit and time.monotonic() - self._at > 0.5:
            # A property connected a moment ago (credentials just saved): look once more.
            self.invalidate()
            with self._lock:
                self._value = connected_properties(self.engine)
                self._at = time.monotonic()
                hit = property_id in self._value
        return hit
