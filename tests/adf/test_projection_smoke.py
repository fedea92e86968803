from __future__ import annotations

import pms.db.tables_adf  # noqa: F401
from pms.adf.mapping import accept_suggestions
from pms.adf.projection import reconcile
from pms.sync import SyncRequest, run_sync
from tests.sync.helpers import today_of

from .helpers import bookings, double_booked, links


def test_smoke(ctx, admin, box):
    result = run_sync(ctx, SyncRequest(mode="full", entities="catalog,reservations,guests"))
    assert result.status == "completed", result.error
    n = accept_suggestions(ctx.engine, box.property_id)
    assert n > 0
    tally = reconcile(ctx.engine, box.property_id, today=today_of(admin))
    print(tally.as_dict(), tally.samples.get("warn"), tally.adaptation_lines())
    assert bookings(ctx.engine)
    assert double_booked(ctx.engine) == []
    again = reconcile(ctx.engine, box.property_id, today=today_of(admin))
    print(again.as_dict())
    assert again.counts["create"] == 0 and again.counts["update"] == 0
    assert len(links(ctx.engine)) >= len(bookings(ctx.engine))
