"""Failures a manager must see: ``store`` (the alert rows), ``rules`` (when each is raised and
resolved) and ``delivery`` (a JSON POST and/or an e-mail, once per alert and once per recovery)."""

from __future__ import annotations

from pms.alerts.rules import Evaluation, evaluate
from pms.alerts.store import KEYS, Alert, active_alerts, raise_alert, recent_alerts, resolve_alert

__all__ = [
    "KEYS",
    "Alert",
    "Evaluation",
    "active_alerts",
    "evaluate",
    "raise_alert",
    "recent_alerts",
    "resolve_alert",
]
