"""The hotel's own front desk (the ADF system's ``bookings``, ``guests``, ``rooms`` …) kept in step
with the mirror of Cloudbeds.

    mirror (reservasi, reservasi_room, guest) ──project (pure)──▶ actions ──write──▶ ADF + links

Modules: ``introspect`` (which tables and columns the hotel's database has: a frozen description,
read once per run), ``fit`` (every value fitted to its column by named rules), ``catalog`` (ADF's
room types, rooms, source words), ``suggest`` and ``mapping`` (Cloudbeds ⇄ ADF mappings),
``model`` (the projector's plain values), ``desired`` (what a room of a stay should look like in
ADF), ``match`` (rule 3, guests, occupied rooms), ``project`` and ``follow`` (the pure projector),
``state`` (reading mirror, links and desk in a few queries per page), ``write`` (actions → rows in
the caller's transaction), ``projection`` (one run's front desk, and the reconcile), ``switch``
(on, off, preview), ``demo`` (demo mode's own front desk). See ``docs/adf.md``.
"""

from importlib import import_module
from typing import Any

# Imported on first use: the sync imports this package from inside a page's transaction code, and
# the projector imports the sync's rules, so an eager import here would make a cycle.
_EXPORTS = {
    "FrontDesk": "pms.adf.introspect",
    "FrontDeskStatus": "pms.adf.switch",
    "Projection": "pms.adf.projection",
    "Tally": "pms.adf.projection",
    "describe": "pms.adf.introspect",
    "front_desk_status": "pms.adf.switch",
    "preview": "pms.adf.switch",
    "reconcile": "pms.adf.projection",
    "switch_off": "pms.adf.switch",
    "switch_on": "pms.adf.switch",
}
__all__ = [
    "FrontDesk",
    "FrontDeskStatus",
    "Projection",
    "Tally",
    "describe",
    "front_desk_status",
    "preview",
    "reconcile",
    "switch_off",
    "switch_on",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'pms.adf' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
