"""The room-type mapping as one grid: checked whole, then stored whole, in one transaction.

The Room mapping page edits every ADF room type ⇄ Cloudbeds room type row at once. Saving row by
row let the table drift from what the grid showed: a renamed code left its old row behind, a
deleted row came back, two ADF types could land on one Cloudbeds type and be reported only after
saving. Here the grid is the truth: ``check_grid`` lists every problem before anything is written
(as i18n keys with their values, so the page shows them in the reader's language), and
``replace_mappings`` makes the table equal to the grid (renames, deletes and adds) and re-labels
the booked rooms, all in one transaction or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from pms.db import schema
from pms.db.upsert import upsert_rows
from pms.errors import PMSError
from pms.sync.mapping_data import relabel_rooms

__all__ = ["GridProblem", "GridRow", "MappingGridError", "check_grid", "replace_mappings"]

_MAP = schema.cloudbed_room_mapping
_TYPES = schema.cloudbed_room_types
_ROOMS = schema.reservasi_room
MAX_NAME = 100
MAX_NOTES = 255


@dataclass(frozen=True)
class GridRow:
    """One row as the grid shows it: the ADF room type, the Cloudbeds type id (None: not linked)."""

    adf_room_type: str
    cloudbed_room_type_id: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class GridProblem:
    """A reason the grid cannot be saved: an i18n key (``mapping.error.*``) and its values."""

    key: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def params(self) -> dict[str, str]:
        return dict(self.values)


class MappingGridError(PMSError):
    """The grid was not saved; ``problems`` says why (nothing was written)."""

    def __init__(self, problems: Sequence[GridProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.key for p in self.problems))


def clean_name(value: object) -> str:
    """The ADF code as typed, spaces collapsed ("" for an empty or missing cell)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())


def check_grid(
    rows: Iterable[GridRow],
    *,
    cloudbeds_names: dict[str, str],
    adf_catalogue: Sequence[str] | None = None,
) -> list[GridProblem]:
    """Every problem of the grid, in row order; empty when it may be saved.

    Args:
        rows: the grid's rows, names as ``clean_name`` leaves them.
        cloudbeds_names: Cloudbeds room type id → name (the types the grid may link to).
        adf_catalogue: ADF's own room type names when its front desk was found, else None (free text).
    """
    problems: list[GridProblem] = []
    seen: dict[str, str] = {}
    by_cloudbeds: dict[str, list[str]] = {}
    known = {n.casefold() for n in adf_catalogue} if adf_catalogue is not None else None
    for i, row in enumerate(rows, start=1):
        name = row.adf_room_type
        if not name:
            problems.append(GridProblem("mapping.error.empty", (("row", str(i)),)))
            continue
        if len(name) > MAX_NAME:
            problems.append(
                GridProblem("mapping.error.too_long", (("name", name[:40]), ("n", str(MAX_NAME))))
            )
        folded = name.casefold()
        if folded in seen:
            problems.append(GridProblem("mapping.error.duplicate", (("name", name),)))
        seen.setdefault(folded, name)
        if known is not None and folded not in known:
            choices = ", ".join(adf_catalogue or ())
            problems.append(GridProblem("mapping.error.unknown_adf", (("name", name), ("choices", choices))))
        cb = row.cloudbed_room_type_id
        if cb is not None:
            if cb not in cloudbeds_names:
                problems.append(GridProblem("mapping.error.unknown_cloudbeds", (("name", name), ("id", cb))))
            by_cloudbeds.setdefault(cb, []).append(name)
    for cb, names in by_cloudbeds.items():
        if len(names) > 1:
            problems.append(
                GridProblem(
                    "mapping.error.shared",
                    (("cloudbeds", cloudbeds_names.get(cb) or cb), ("names", ", ".join(names))),
                )
            )
    return problems


def replace_mappings(
    engine: sa.Engine,
    property_id: str,
    rows: Sequence[GridRow],
    *,
    adf_catalogue: Sequence[str] | None = None,
) -> int:
    """Make the property's mapping rows equal to ``rows``; returns how many rows changed.

    Checked first (``MappingGridError`` and nothing written). Names the grid no longer holds are
    deleted (a rename is the old name deleted and the new one stored); rooms booked under a
    deleted name whose Cloudbeds type is now linked to nothing lose that label.
    """
    with engine.begin() as conn:
        names = dict(
            conn.execute(
                sa.select(_TYPES.c.room_type_id, _TYPES.c.name).where(_TYPES.c.property_id == property_id)
            ).all()
        )
        problems = check_grid(rows, cloudbeds_names=names, adf_catalogue=adf_catalogue)
        if problems:
            raise MappingGridError(problems)
        stored = {
            r.adf_room_type: r for r in conn.execute(sa.select(_MAP).where(_MAP.c.property_id == property_id))
        }
        wanted = {
            row.adf_room_type: {
                "property_id": property_id,
                "adf_room_type": row.adf_room_type,
                "cloudbed_room_type_id": row.cloudbed_room_type_id,
                "cloudbed_room_type_name": names.get(row.cloudbed_room_type_id)
                if row.cloudbed_room_type_id
                else None,
                "is_active": row.cloudbed_room_type_id is not None,
                "notes": (row.notes or "")[:MAX_NOTES] or None,
            }
            for row in rows
        }
        gone = [name for name in stored if name not in wanted]
        changed = [
            w
            for name, w in wanted.items()
            if name not in stored
            or (stored[name].cloudbed_room_type_id, stored[name].notes or None, bool(stored[name].is_active))
            != (w["cloudbed_room_type_id"], w["notes"], w["is_active"])
        ]
        if gone:
            conn.execute(
                sa.delete(_MAP).where(_MAP.c.property_id == property_id, _MAP.c.adf_room_type.in_(gone))
            )
        if changed:
            upsert_rows(conn, _MAP, changed, key=("property_id", "adf_room_type"))
        relabel_rooms(conn, property_id)
        if gone:
            linked = [w["cloudbed_room_type_id"] for w in wanted.values() if w["cloudbed_room_type_id"]]
            conn.execute(
                sa.update(_ROOMS)
                .where(
                    _ROOMS.c.property_id == property_id,
                    _ROOMS.c.adf_room_type.in_(gone),
                    sa.or_(
                        _ROOMS.c.cloudbed_room_type_id.is_(None),
                        _ROOMS.c.cloudbed_room_type_id.not_in(linked),
                    ),
                )
                .values(adf_room_type=None)
            )
    return len(gone) + len(changed)
