"""Steps the front-desk tests share: catalogue, mappings and the switch; a sync that must complete."""

from __future__ import annotations

from pms.adf.mapping import accept_suggestions
from pms.db.settings import Settings
from pms.sync import SyncRequest, run_sync


def ready(ctx, box, *, enable: bool = True) -> int:
    """Pull the catalogue, store every suggested mapping without a conflict, switch writing on."""
    result = run_sync(ctx, SyncRequest(mode="full", entities="catalog"))
    assert result.status == "completed", result.error
    stored = accept_suggestions(ctx.engine, box.property_id)
    assert stored > 0
    Settings(ctx.engine).set("adf_frontdesk_enabled", enable)
    return stored


def sync(ctx, mode: str, **kw):
    entities = kw.pop("entities", "reservations,guests")
    result = run_sync(ctx, SyncRequest(mode=mode, entities=entities, **kw))
    assert result.status in ("completed", "partial"), result.error
    refused = [w for w in result.warnings if "writing to ADF failed" in w or "refused a write" in w]
    assert not refused, refused  # fitting must foresee everything the hotel's database refuses
    return result
