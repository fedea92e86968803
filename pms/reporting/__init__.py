"""Pure query functions behind the dashboard pages: they return DataFrames and small values.

Why a layer of its own: pages stay thin and testable, and every number the dashboard shows is
computed in SQL on the active property (``property_id`` first in every filter, so the indexes of
``pms.db.schema`` serve the query). Nothing here loads a whole table: lists are paged
(``Page``), charts read aggregates, and the Overview's cost does not grow with history beyond
an index count. Nothing here imports Streamlit; the dashboard caches these results with a TTL and
clears them after writes.

Modules: ``property`` (which property is active, demo or real), ``overview`` (today's stays,
occupancy, sources, sync activity, alerts), ``listing`` (reservations, guests), ``logs`` (API,
sync, webhook and outbound logs, CSV export), ``runs`` (sync run statistics), ``rates`` (rate and
availability calendar), ``catalog`` (room types and sources for pickers).
"""

from pms.reporting.paging import Page

__all__ = ["Page"]
