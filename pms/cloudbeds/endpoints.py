"""The Cloudbeds methods this client calls, as data: HTTP verb, scope, and how safe a retry is.

The verb does not follow the method name in v1.x (``patchRate`` is a POST, ``putGuest`` a PUT,
``deleteWebhook`` a DELETE with a query string), so the client never guesses it. The scope is
quoted in PermissionDeniedError messages so a manager knows which permission to grant.

``retry`` says what the client may do when the outcome of an attempt is unknown (a timeout, a
5xx, an unreadable body): ``safe`` calls are simply sent again; ``check`` calls (creates that
Cloudbeds does not deduplicate) are only sent again after a look-up shows they did not happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["DEFAULT_SCOPES", "ENDPOINTS", "Endpoint", "endpoint"]


@dataclass(frozen=True)
class Endpoint:
    name: str
    verb: Literal["GET", "POST", "PUT", "DELETE"]
    scope: str | None
    retry: Literal["safe", "check", "never"] = "safe"


_TABLE = [
    Endpoint("access_token", "POST", None, "never"),
    Endpoint("userinfo", "GET", None),
    Endpoint("getHotels", "GET", "read:hotel"),
    Endpoint("getHotelDetails", "GET", "read:hotel"),
    Endpoint("getRoomTypes", "GET", "read:room"),
    Endpoint("getRooms", "GET", "read:room"),
    Endpoint("getAvailableRoomTypes", "GET", "read:room"),
    Endpoint("getSources", "GET", "read:reservation"),
    Endpoint("getReservations", "GET", "read:reservation"),
    Endpoint("getReservationsWithRateDetails", "GET", "read:reservation"),
    Endpoint("getReservation", "GET", "read:reservation"),
    Endpoint("postReservation", "POST", "write:reservation", "check"),
    Endpoint("putReservation", "PUT", "write:reservation"),
    # Assigning the same room twice leaves it assigned: safe to send again.
    Endpoint("postRoomAssign", "POST", "write:room"),
    Endpoint("getGuestList", "GET", "read:guest"),
    Endpoint("getGuestsModified", "GET", "read:guest"),
    Endpoint("getGuest", "GET", "read:guest"),
    Endpoint("postGuest", "POST", "write:guest", "check"),
    Endpoint("putGuest", "PUT", "write:guest"),
    Endpoint("getRatePlans", "GET", "read:rate"),
    Endpoint("getRate", "GET", "read:rate"),
    Endpoint("getRateJobs", "GET", "read:rate"),
    # Rate writes are asynchronous jobs; sending the same rates twice sets the same values.
    Endpoint("patchRate", "POST", "write:rate"),
    Endpoint("putRate", "POST", "write:rate"),
    Endpoint("getPaymentMethods", "GET", "read:payment"),
    Endpoint("postPayment", "POST", "write:payment", "check"),
    Endpoint("postVoidPayment", "POST", "write:payment"),  # a second void is refused, not repeated
    Endpoint("getRoomBlocks", "GET", "read:roomblock"),
    Endpoint("postRoomBlock", "POST", "write:roomblock", "check"),
    Endpoint("putRoomBlock", "PUT", "write:roomblock"),
    Endpoint("deleteRoomBlock", "POST", "delete:roomblock"),
    Endpoint("postWebhook", "POST", None, "check"),
    Endpoint("getWebhooks", "GET", None),
    Endpoint("deleteWebhook", "DELETE", None),
]

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in _TABLE}

# What a sync needs when it asks a hotel to connect through OAuth.
DEFAULT_SCOPES = (
    "read:hotel",
    "read:room",
    "read:reservation",
    "write:reservation",
    "write:room",
    "read:guest",
    "write:guest",
    "read:rate",
    "write:rate",
    "read:payment",
    "write:payment",
    "read:roomblock",
    "write:roomblock",
    "delete:roomblock",
)


def endpoint(name: str) -> Endpoint:
    """The table row for a Cloudbeds method; unknown methods default to a safe GET."""
    return ENDPOINTS.get(name) or Endpoint(name, "GET", None)
