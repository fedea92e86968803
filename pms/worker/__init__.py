"""The background worker (``python -m pms worker``, or a thread inside the server).

See ``pms.worker.loop`` for what it does, ``pms.worker.schedule`` for when, and
``pms.db.leases`` for how several workers share one database safely.
"""

from __future__ import annotations

from pms.worker.loop import Worker, WorkerConfig, ensure_switch_initialised

__all__ = ["Worker", "WorkerConfig", "ensure_switch_initialised"]
