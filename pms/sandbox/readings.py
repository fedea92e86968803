"""Where Cloudbeds' documentation is silent, the sandbox can answer in each plausible way.

A *reading* is one undocumented behaviour with the answers a careful reader of the reference could
expect from the real server. The sandbox serves one value of each at a time, chosen in
``SandboxConfig(readings={...})``, ``python -m pms sandbox --reading NAME=VALUE`` or at run time
with ``POST /_sandbox/config {"readings": {NAME: VALUE}}``; the tests run every affected scenario
under every value, so a client that only works under the reading the sandbox happened to pick
cannot pass. Each value carries the evidence for it (docs/sandbox.md prints the same table).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["READINGS", "Reading", "check_readings", "default_readings", "describe", "parse_reading"]


@dataclass(frozen=True)
class Reading:
    """One undocumented behaviour: its values (the first is not necessarily the default)."""

    name: str
    question: str
    values: dict[str, str]  # value -> the evidence for it
    default: str


READINGS: dict[str, Reading] = {
    r.name: r
    for r in (
        Reading(
            "modified_filter_tz",
            "In which zone are modifiedFrom/modifiedTo and resultsFrom/resultsTo (getReservations, "
            "getReservationsWithRateDetails, getGuestList, getGuestsModified) read?",
            {
                "property": "the plain dateModified values they filter are property-local (the rate "
                "details add ...UTC twins beside them), so a filter in the same zone compares like "
                "with like",
                "utc": "the reference says the filters' zone is undocumented and advises overlap "
                "windows of hours; servers usually compare in UTC",
            },
            "property",
        ),
        Reading(
            "rate_end_date",
            "Is a patchRate/putRate interval's endDate the last night changed, or the day after it?",
            {
                "inclusive": "rates are per date, and getRateJobs echoes the interval's dates as "
                "the nights it updated; integrators send one night as startDate = endDate",
                "exclusive": "integrators also report 'endDate should be greater than startDate' "
                "for one night sent as startDate = endDate, and getRatePlans' endDate is a departure",
            },
            "inclusive",
        ),
        Reading(
            "rooms_paging",
            "What do getRooms' pageSize, count and total count?",
            {
                "rooms": "pageSize (default 20 in the spec) cuts the list of rooms, and count/total "
                "count rooms, as in the reservation lists",
                "properties": "the spec describes count and total as numbers of properties: a page "
                "holds whole properties with every room of each",
                "rooms_property_totals": "both statements of the spec at once: pages of pageSize "
                "rooms, while count and total still count properties",
            },
            "rooms",
        ),
        Reading(
            "guest_webhook",
            "Do guest/created and guest/details_changed payloads carry the reservation id?",
            {
                "guest_only": "payloads quoted by integrators carry the guest id only",
                "with_reservation": "the reference lists the reservation id in parentheses, as "
                "sometimes present",
            },
            "guest_only",
        ),
        Reading(
            "errors",
            "Which HTTP status carries an unknown id or a missing scope?",
            {
                "documented": "Cloudbeds' 'Common API errors' guide: 400 for an invalid parameter "
                "such as a reservation id, HTTP 200 with success:false for logical refusals "
                "(access to a property, an inactive user)",
                "status_codes": "REST habit, and the official SDK has classes for 403 and 404: "
                "404 for an unknown id, 403 for a missing scope",
            },
            "documented",
        ),
        Reading(
            "refresh_tokens",
            "Does a refresh return a new refresh token and retire the one used?",
            {
                "rotate": "integrators observe that concurrent refreshes invalidate each other; "
                "OAuth practice rotates refresh tokens",
                "reuse": "the token answer's refresh_token may be the same one, and the guide does "
                "not say a used one dies",
            },
            "rotate",
        ),
        Reading(
            "rate_job_statuses",
            "Which statuses does getRateJobs report for a job that has not finished?",
            {
                "documented": "the spec's enum: in_progress, completed, error",
                "extended": "queue systems, and integrators, also report queued and processing",
            },
            "documented",
        ),
        Reading(
            "empty_guest_zip",
            "Does postReservation accept an empty guestZip?",
            {
                "refuse": "integrators report 'Invalid Parameters' for an empty guestZip, which the "
                "spec marks non-nullable",
                "accept": "the spec types it as a string and says nothing of empty values",
            },
            "refuse",
        ),
    )
}


def default_readings() -> dict[str, str]:
    """Every reading at its default value."""
    return {name: r.default for name, r in READINGS.items()}


def check_readings(changes: Mapping[str, object]) -> dict[str, str]:
    """Validate ``{name: value}``; raises ``ValueError`` naming the bad name or value."""
    if not isinstance(changes, Mapping):
        raise ValueError('readings must be an object such as {"errors": "status_codes"}')
    out: dict[str, str] = {}
    for name, value in changes.items():
        reading = READINGS.get(str(name))
        if reading is None:
            raise ValueError(f"unknown reading {name!r}; known: {', '.join(READINGS)}")
        if value not in reading.values:
            raise ValueError(f"reading {name} must be one of {', '.join(reading.values)}, got {value!r}")
        out[reading.name] = str(value)
    return out


def parse_reading(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` (the command line's ``--reading``) → a checked pair."""
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"--reading takes NAME=VALUE, got {text!r}")
    return next(iter(check_readings({name.strip(): value.strip()}).items()))


def describe(names: Iterable[str] | None = None) -> list[str]:
    """Lines naming each reading and its values (for help texts)."""
    return [f"{n}: {' | '.join(READINGS[n].values)}" for n in (names or READINGS)]
