"""What an API method handler receives and may raise, and the paging envelope they share.

Handlers are plain synchronous functions ``handler(call) -> dict`` (the JSON body). They raise
``ParamError`` for a bad parameter (HTTP 400), ``NotFound`` for an unknown id, ``Refused`` for a
logical failure (HTTP 200 with ``success:false``, Cloudbeds' habit), ``Forbidden`` for a scope
only some requests need, and the dispatcher in ``app`` turns each into Cloudbeds' envelope (the
status of ``NotFound`` and ``Forbidden`` is the ``errors`` reading's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pms.sandbox.auth import Credential
from pms.sandbox.forms import Params

if TYPE_CHECKING:
    from pms.sandbox.backend import Backend

__all__ = ["Call", "Endpoint", "Forbidden", "NotFound", "Refused", "paged"]


class NotFound(Exception):
    """An id that does not exist (``success:false``; HTTP 400 or 404 by the ``errors`` reading)."""


class Refused(Exception):
    """A well-formed request Cloudbeds declines (HTTP 200, ``success:false``)."""


class Forbidden(Exception):
    """The credential lacks a scope this request needs (HTTP 200 or 403 by the ``errors`` reading)."""


@dataclass
class Call:
    backend: Backend
    params: Params
    credential: Credential | None
    method: str  # the API method name, e.g. "getReservations"
    base_url: str = ""  # http://127.0.0.1:<port>/api/v1.3, as the client reached us

    @property
    def store(self):
        return self.backend.store


@dataclass(frozen=True)
class Endpoint:
    """One API method: its HTTP verb, the scope it needs and its handler.

    ``auth`` is False for the OAuth token endpoint and metadata, which take no credential;
    ``limited`` is False for ``/access_token`` (the brief: token calls are not rate limited).
    """

    name: str
    verb: str
    scope: str | None
    handler: Callable[[Call], dict[str, Any]]
    auth: bool = True
    limited: bool = True


def paged(ids: Sequence[str], page: tuple[int, int], render: Callable[[str], Any]) -> tuple[list[Any], int]:
    """Render one page of ``ids``; returns the items and the total across pages."""
    number, size = page
    start = (number - 1) * size
    return [render(i) for i in ids[start : start + size]], len(ids)
