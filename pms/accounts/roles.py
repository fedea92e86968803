"""The two roles and what each may open or do: one table, so pages and their actions ask the same question.

A hotel has two kinds of users: ``manager`` (everything, including credentials, syncs, accounts
and switching the front-desk write on: ``frontdesk.enable``) and ``staff`` (the overview, the
front desk, room mapping, reservations and guests, and rates and availability read only, which
the desk needs before taking a walk-in). Staff have no Monitoring: its logs show API endpoints and
request ids, which are for whoever runs the integration. Pages and their actions are named the
same way (``reservations``, ``room_mapping.edit``; ``rates.edit`` is the managers').
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "ROLES", "can"]

ROLES = ("manager", "staff")
LANGUAGES = ("en", "id")

# What each role may open or do. Pages and their actions are named the same way.
_STAFF = frozenset(
    {
        "overview",
        "frontdesk",
        "room_mapping",
        "reservations",
        "rates",
        "reservations.edit",
        "room_mapping.edit",
    }
)
_PERMISSIONS = {"staff": _STAFF}


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may open the page or run the action named ``action``.

    Managers may do everything; staff only what ``_STAFF`` lists (a page name such as
    ``reservations`` or an action such as ``room_mapping.edit``). Unknown roles may do nothing.
    """
    if role == "manager":
        return True
    return action in _PERMISSIONS.get(role or "", frozenset())
