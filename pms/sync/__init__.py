"""The sync engine: Cloudbeds ⇄ the hotel database, both ways (docs/sync.md).

    from pms.connection import build_client
    from pms.sync import SyncContext, SyncRequest, plan_sync, run_sync

    ctx = SyncContext(engine, build_client(engine))
    plan = plan_sync(ctx, SyncRequest(mode="incremental"))      # fetch and compare, no writes
    result = run_sync(ctx, SyncRequest(mode="full", trigger="cli"))
    result.to_json()   # {"status": "completed", "api_calls": 104, "reservations": {...}, ...}

Modules: ``request`` (what to do), ``run`` (plan/run, lease, log, cursors), ``reservations``
(one page of bookings, the conflict rules), ``rules`` (docs/domain.md as pure functions), ``records``
(records → rows), ``sources`` (pages per mode), ``guests``, ``catalog``, ``rates`` (rates and
availability), ``push`` / ``ratepush`` / ``guard`` (hotel → Cloudbeds through one guard),
``rooms`` (room rows and the mapping), ``refresh`` (webhook re-reads, retries, rate jobs), ``state``
(cursors; the lease is ``pms.db.leases``), ``synclog``,
``mapping`` / ``mapping_data`` (room-type mapping for the dashboard).
"""

from __future__ import annotations

from pms.db.leases import Lease, LeaseInfo, lease_info
from pms.sync.mapping import MappingIssue, Suggestion, normalise_name, suggest_mappings, validate_mappings
from pms.sync.mapping_data import MappingInputs, apply_mapping, load_mapping_inputs, save_mapping
from pms.sync.plan import ACTION_KINDS, PlanAction, SyncPlan
from pms.sync.refresh import (
    follow_rate_jobs,
    refresh_catalog,
    refresh_guests,
    refresh_reservations,
    retry_failed,
)
from pms.sync.request import DIRECTIONS, ENTITIES, MODES, TRIGGERS, SyncContext, SyncRequest
from pms.sync.result import EntityCounts, SyncResult
from pms.sync.run import plan_sync, run_sync
from pms.sync.synclog import LastSync, last_successful_sync

__all__ = [
    "ACTION_KINDS",
    "DIRECTIONS",
    "ENTITIES",
    "MODES",
    "TRIGGERS",
    "EntityCounts",
    "LastSync",
    "Lease",
    "LeaseInfo",
    "MappingInputs",
    "MappingIssue",
    "PlanAction",
    "Suggestion",
    "SyncContext",
    "SyncPlan",
    "SyncRequest",
    "SyncResult",
    "apply_mapping",
    "follow_rate_jobs",
    "last_successful_sync",
    "lease_info",
    "load_mapping_inputs",
    "normalise_name",
    "plan_sync",
    "refresh_catalog",
    "refresh_guests",
    "refresh_reservations",
    "retry_failed",
    "run_sync",
    "save_mapping",
    "suggest_mappings",
    "validate_mappings",
]
