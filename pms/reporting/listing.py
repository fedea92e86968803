"""Searchable, paged lists of the synced reservations and guests (the Reservations & guests page).

Filters combine with AND; the text search looks at names, ids and contact data and treats what
the user typed as literal text (``%``, ``_`` and quotes match themselves); a hotel-made booking's
reference (``H-000123``, ``pms.reporting.booking``) finds it. The newest stays come
first, through the check-in index, and an unfiltered count is answered from an index alone, so
the first page of 100,000 bookings is about as quick as of 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa

from pms.db import schema
from pms.db.engine import reader
from pms.reporting.booking import parse_reference
from pms.reporting.paging import Page, clean_text, fetch_page, frame

__all__ = ["ReservationFilter", "guest_record", "reservation_rooms", "search_guests", "search_reservations"]

_r = schema.reservasi
_rr = schema.reservasi_room
_g = schema.guest


@dataclass(frozen=True)
class ReservationFilter:
    """What the Reservations list is narrowed to; every field optional."""

    text: str | None = None
    statuses: tuple[str, ...] = ()
    sync_statuses: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    source: str | None = None
    stay_from: date | None = None  # stays overlapping [stay_from, stay_to]
    stay_to: date | None = None
    # Rows that vanished from Cloudbeds are kept and marked (domain rule 7); the list shows them,
    # marked, unless asked not to. Hiding them costs a look at every row, so it is not the default.
    include_deleted: bool = True


def search_reservations(
    engine: sa.Engine,
    property_id: str,
    flt: ReservationFilter | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page:
    """One page of reservations: id, Cloudbeds id, guest, dates, status, source, total, sync state."""
    flt = flt or ReservationFilter()
    cols = [
        _r.c.id,
        _r.c.cloudbed_reservation_id,
        _r.c.guest_name,
        _r.c.check_in,
        _r.c.check_out,
        _r.c.adults,
        _r.c.children,
        _r.c.status,
        _r.c.source_name,
        _r.c.payment_collect,
        _r.c.total,
        _r.c.balance,
        _r.c.currency,
        _r.c.origin,
        _r.c.sync_status,
        _r.c.sync_error,
        _r.c.last_sync_at,
        _r.c.local_ref,
        _r.c.guest_id,
        _r.c.is_deleted,
    ]
    query = sa.select(*cols).where(_r.c.property_id == property_id)
    if not flt.include_deleted:
        query = query.where(_r.c.is_deleted.is_(False))
    text = clean_text(flt.text)
    if text:
        query = query.where(
            sa.or_(
                _r.c.guest_name.icontains(text, autoescape=True),
                _r.c.cloudbed_reservation_id.icontains(text, autoescape=True),
                _r.c.third_party_id.icontains(text, autoescape=True),
                _r.c.local_ref == text,
                *([_r.c.id == parse_reference(text)] if parse_reference(text) is not None else []),
            )
        )
    if flt.statuses:
        query = query.where(_r.c.status.in_(list(flt.statuses)))
    if flt.sync_statuses:
        query = query.where(_r.c.sync_status.in_(list(flt.sync_statuses)))
    if flt.origins:
        query = query.where(_r.c.origin.in_(list(flt.origins)))
    if flt.source:
        query = query.where(_r.c.source_name == flt.source)
    if flt.stay_to is not None:
        query = query.where(_r.c.check_in <= flt.stay_to)
    if flt.stay_from is not None:
        query = query.where(_r.c.check_out >= flt.stay_from)
    with reader(engine).connect() as conn:
        return fetch_page(conn, query, [_r.c.check_in.desc(), _r.c.id.desc()], page, page_size)


def reservation_rooms(engine: sa.Engine, property_id: str, reservasi_id: int) -> pd.DataFrame:
    """The rooms of one reservation (a group booking has several; domain rule 1)."""
    query = (
        sa.select(
            _rr.c.sub_reservation_id,
            _rr.c.room_type_name,
            _rr.c.adf_room_type,
            _rr.c.room_name,
            _rr.c.check_in,
            _rr.c.check_out,
            _rr.c.adults,
            _rr.c.children,
            _rr.c.room_total,
        )
        .where(
            _rr.c.property_id == property_id,
            _rr.c.reservasi_id == int(reservasi_id),
            _rr.c.is_deleted.is_(False),
        )
        .order_by(_rr.c.id)
    )
    with reader(engine).connect() as conn:
        return frame(conn.execute(query))


def search_guests(
    engine: sa.Engine,
    property_id: str,
    text: str | None = None,
    sync_statuses: tuple[str, ...] = (),
    page: int = 1,
    page_size: int = 50,
) -> Page:
    """One page of guests, searchable by name, e-mail, phone and Cloudbeds id.

    Anonymised guests (their personal data already blanked by Cloudbeds) are listed too, marked
    ``is_anonymized``: leaving them out would make the unfiltered count visit every guest row
    instead of reading the ``(property_id, sync_status)`` index.
    """
    cols = [
        _g.c.id,
        _g.c.cloudbed_guest_id,
        _g.c.first_name,
        _g.c.last_name,
        _g.c.email,
        _g.c.phone,
        _g.c.country,
        _g.c.city,
        _g.c.origin,
        _g.c.sync_status,
        _g.c.sync_error,
        _g.c.last_sync_at,
        _g.c.is_anonymized,
    ]
    query = sa.select(*cols).where(_g.c.property_id == property_id)
    text = clean_text(text)
    if text:
        query = query.where(
            sa.or_(
                *[
                    c.icontains(text, autoescape=True)
                    for c in (_g.c.first_name, _g.c.last_name, _g.c.email, _g.c.phone, _g.c.cloudbed_guest_id)
                ]
            )
        )
    if sync_statuses:
        query = query.where(_g.c.sync_status.in_(list(sync_statuses)))
    with reader(engine).connect() as conn:
        return fetch_page(conn, query, [_g.c.id.desc()], page, page_size)


def guest_record(engine: sa.Engine, property_id: str, guest_id: int) -> dict | None:
    """Every contact field of one guest, for the edit form."""
    fields = [
        _g.c.id,
        _g.c.cloudbed_guest_id,
        _g.c.first_name,
        _g.c.last_name,
        _g.c.email,
        _g.c.phone,
        _g.c.cell_phone,
        _g.c.country,
        _g.c.address1,
        _g.c.address2,
        _g.c.city,
        _g.c.state,
        _g.c.zip,
        _g.c.sync_status,
        _g.c.origin,
    ]
    with reader(engine).connect() as conn:
        row = conn.execute(
            sa.select(*fields).where(_g.c.property_id == property_id, _g.c.id == int(guest_id))
        ).first()
    return dict(row._mapping) if row else None
