"""Endpoint methods for prices and availability: rate plans, base rates, rate writes and their jobs.

Mixed into ``CloudbedsClient``. Rate writes (``patchRate``, ``putRate``) are asynchronous in
Cloudbeds: the answer is only a job reference, and the change is applied later; follow it with
``get_rate_jobs`` (or the rate-job webhook) and read the rates back. Cloudbeds accepts at most 30
intervals per write and refuses derived rates; the first limit is checked here, before sending.
Their bodies carry ``rates`` only, the one field the spec lists (no ``propertyID``).

Whether an interval's ``endDate`` is its last night or the day after is undocumented, and
integrators report both. Our intervals always name their last night (``end_date``); the client's
``rate_end_date`` says how that goes on the wire: ``inclusive`` (the default, which can only ever
change fewer nights than asked, never a night not asked for) sends it as it is, ``exclusive``
sends the day after. A server that refuses one night sent as ``startDate = endDate`` ("endDate
should be greater than startDate") has shown it reads ``exclusive``: the client switches and sends
the same request again once (a refused request changed nothing). A multi-night interval under the
wrong belief leaves its last night untouched, which the sync's read-back finds and corrects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from pms.cloudbeds import normalize
from pms.cloudbeds.methods_catalog import id_list
from pms.cloudbeds.models import AvailableRoomType, RateJob, RatePlan
from pms.cloudbeds.pagination import OnPage, Paged
from pms.errors import ValidationError

if TYPE_CHECKING:
    from pms.cloudbeds.client import CloudbedsClient

__all__ = [
    "END_DATE_READINGS",
    "MAX_RATE_INTERVALS",
    "RateInterval",
    "RateMethods",
    "RateUpdate",
    "wire_end_date",
]

MAX_RATE_INTERVALS = 30
_MAX_JOB_PAGES = 100


@dataclass(frozen=True)
class RateUpdate:
    """One patchRate item: a price (and optional restrictions) for a rate over the nights
    ``start_date`` .. ``end_date``, both included (``end_date`` is the last night changed)."""

    rate_id: str
    start_date: date
    end_date: date
    rate: Decimal | float | int | str
    min_los: int | None = None
    max_los: int | None = None
    closed_to_arrival: bool | None = None
    closed_to_departure: bool | None = None
    cut_off: int | None = None
    last_minute_booking: int | None = None
    blocked: bool | None = None


@dataclass(frozen=True)
class RateInterval:
    """One putRate interval (putRate sends a list of these per rate); ``end_date`` is its last night."""

    start_date: date
    end_date: date
    rate: Decimal | float | int | str
    blocked: bool | None = None


END_DATE_READINGS = ("inclusive", "exclusive")


def wire_end_date(last_night: date, reading: str) -> date:
    """The ``endDate`` to send for an interval whose last night is ``last_night``."""
    return last_night + timedelta(days=1) if reading == "exclusive" else last_night


def _refuses_single_nights(exc: ValidationError) -> bool:
    """Whether a refusal says endDate must come after startDate (the exclusive reading)."""
    text = str(exc).lower()
    return "enddate" in text and ("greater" in text or "after" in text)


def _check_interval(where: str, start: date, end: date, rate: Any) -> None:
    if end < start:
        raise ValidationError(
            f"{where}: the end date {end} is before the start date {start}.", endpoint=where
        )
    try:
        value = Decimal(str(rate))
    except Exception:
        raise ValidationError(f"{where}: the rate {rate!r} is not a number.", endpoint=where) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(f"{where}: the rate {rate!r} must be zero or more.", endpoint=where)


class RateMethods:
    """getRatePlans, getRate, patchRate, putRate, getRateJobs, getAvailableRoomTypes."""

    def get_rate_plans(
        self: CloudbedsClient,
        *,
        start_date: date,
        end_date: date,
        rate_ids: str | Iterable[str] | None = None,
        room_type_ids: str | Iterable[str] | None = None,
        promo_codes: str | Iterable[str] | None = None,
        include_promo_code: bool | None = None,
        adults: int | None = None,
        children: int | None = None,
        detailed_rates: bool = True,
        include_shared_rooms: bool | None = None,
        property_ids: str | Iterable[str] | None = None,
    ) -> list[RatePlan]:
        """``getRatePlans``: rate plans with nightly prices and restrictions (not paged)."""
        params = {
            "propertyIDs": self._group_ids(property_ids),
            "startDate": start_date,
            "endDate": end_date,
            "rateIDs": id_list(rate_ids),
            "roomTypeID": id_list(room_type_ids),
            "promoCode": id_list(promo_codes),
            "includePromoCode": include_promo_code,
            "adults": adults,
            "children": children,
            "detailedRates": detailed_rates,
            "includeSharedRooms": include_shared_rooms,
        }
        body = self.request("getRatePlans", params)
        reader = self.reader()
        return [normalize.rate_plan(reader, item) for item in reader.items(body.get("data"))]

    def get_rate(
        self: CloudbedsClient,
        room_type_id: str,
        *,
        start_date: date,
        end_date: date,
        adults: int | None = None,
        children: int | None = None,
        detailed_rates: bool = True,
    ) -> RatePlan:
        """``getRate``: the base rate of one room type (property comes from ``X-PROPERTY-ID``)."""
        params = {
            "roomTypeID": room_type_id,
            "startDate": start_date,
            "endDate": end_date,
            "adults": adults,
            "children": children,
            "detailedRates": detailed_rates,
        }
        body = self.request("getRate", params)
        return normalize.rate_plan(self.reader(), body.get("data"), room_type_id=str(room_type_id))

    def patch_rate(
        self: CloudbedsClient, updates: Sequence[RateUpdate], *, property_id: str | None = None
    ) -> str:
        """``patchRate`` (HTTP POST): change prices/restrictions; returns the job reference id."""
        if not updates:
            raise ValueError("patch_rate needs at least one update")
        if len(updates) > MAX_RATE_INTERVALS:
            raise ValidationError(
                f"patchRate takes at most {MAX_RATE_INTERVALS} intervals per call; split the "
                f"{len(updates)} updates into several calls.",
                endpoint="patchRate",
            )
        for u in updates:
            _check_interval("patchRate", u.start_date, u.end_date, u.rate)

        def rates(reading: str) -> list[dict]:
            return [
                {
                    "rateID": u.rate_id,
                    "interval": {
                        "startDate": u.start_date,
                        "endDate": wire_end_date(u.end_date, reading),
                        "rate": u.rate,
                        "minLos": u.min_los,
                        "maxLos": u.max_los,
                        "closedToArrival": u.closed_to_arrival,
                        "closedToDeparture": u.closed_to_departure,
                        "cutOff": u.cut_off,
                        "lastMinuteBooking": u.last_minute_booking,
                        "blocked": u.blocked,
                    },
                }
                for u in updates
            ]

        single = any(u.start_date == u.end_date for u in updates)
        return self._rate_job("patchRate", rates, property_id, single)

    def put_rate(
        self: CloudbedsClient,
        intervals: Mapping[str, Sequence[RateInterval]],
        *,
        property_id: str | None = None,
    ) -> str:
        """``putRate`` (HTTP POST): replace prices of rates ({rate id: intervals}); returns the job id."""
        count = sum(len(v) for v in intervals.values())
        if count == 0:
            raise ValueError("put_rate needs at least one interval")
        if count > MAX_RATE_INTERVALS:
            raise ValidationError(
                f"putRate takes at most {MAX_RATE_INTERVALS} intervals per call; split the "
                f"{count} intervals into several calls.",
                endpoint="putRate",
            )
        for items in intervals.values():
            for i in items:
                _check_interval("putRate", i.start_date, i.end_date, i.rate)

        def rates(reading: str) -> list[dict]:
            return [
                {
                    "rateID": rate_id,
                    "interval": [
                        {
                            "startDate": i.start_date,
                            "endDate": wire_end_date(i.end_date, reading),
                            "rate": i.rate,
                            "blocked": i.blocked,
                        }
                        for i in items
                    ],
                }
                for rate_id, items in intervals.items()
            ]

        single = any(i.start_date == i.end_date for items in intervals.values() for i in items)
        return self._rate_job("putRate", rates, property_id, single)

    def _rate_job(
        self: CloudbedsClient,
        name: str,
        rates: Callable[[str], list[dict]],
        property_id: str | None,
        single_nights: bool,
    ) -> str:
        pid = self._pid(property_id)
        try:
            body = self.request(name, {"rates": rates(self.rate_end_date)}, property_id=pid)
        except ValidationError as exc:
            if not (single_nights and self.rate_end_date == "inclusive" and _refuses_single_nights(exc)):
                raise
            # The server reads endDate as the day after the last night: learn it, send again once.
            self.rate_end_date = "exclusive"
            self._warn(f"{name}: Cloudbeds reads a rate interval's endDate as exclusive; sent again so")
            body = self.request(name, {"rates": rates(self.rate_end_date)}, property_id=pid)
        job = self.reader().id(body.get("jobReferenceID") or (body.get("data") or {}).get("jobReferenceID"))
        if not job:
            self._warn(f"{name} returned no job reference")
        return job or ""

    def get_rate_jobs(
        self: CloudbedsClient, *, job_reference_id: str | None = None, status: str | None = None
    ) -> list[RateJob]:
        """``getRateJobs``: rate-write jobs of the last 7 days (all pages, via ``nextPage``)."""
        params: dict[str, Any] = {"jobReferenceID": job_reference_id, "status": status}
        jobs: list[RateJob] = []
        for _ in range(_MAX_JOB_PAGES):
            body = self.request("getRateJobs", params)
            reader = self.reader()
            jobs += [normalize.rate_job(reader, item) for item in reader.items(body.get("data"))]
            next_page = body.get("nextPage")
            if not body.get("hasNextPage") or not isinstance(next_page, str) or not next_page:
                break
            params = dict(parse_qsl(urlsplit(next_page).query))
        return jobs

    def get_rate_job(self: CloudbedsClient, job_reference_id: str) -> RateJob | None:
        """One job by its reference, or None when Cloudbeds no longer knows it (7 days)."""
        for job in self.get_rate_jobs(job_reference_id=job_reference_id):
            if job.job_reference_id == str(job_reference_id):
                return job
        return None

    def get_available_room_types(
        self: CloudbedsClient,
        *,
        start_date: date,
        end_date: date,
        rooms: int = 1,
        adults: int = 1,
        children: int = 0,
        detailed_rates: bool | None = None,
        promo_code: str | None = None,
        include_shared_rooms: bool | None = None,
        property_ids: str | Iterable[str] | None = None,
        page_size: int = 100,
        on_page: OnPage | None = None,
    ) -> Paged[AvailableRoomType]:
        """``getAvailableRoomTypes``: what can be sold for a stay, with prices (paged per property)."""
        params = {
            "propertyIDs": self._group_ids(property_ids),
            "startDate": start_date,
            "endDate": end_date,
            "rooms": rooms,
            "adults": adults,
            "children": children,
            "detailedRates": detailed_rates,
            "promoCode": promo_code,
            "includeSharedRooms": include_shared_rooms,
        }

        def convert(reader, items):
            return [t for outer in items for t in normalize.available_room_types(reader, outer)]

        return self.paged("getAvailableRoomTypes", params, convert, page_size=page_size, on_page=on_page)
