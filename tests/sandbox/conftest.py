"""Fixtures for the sandbox's own tests: an unthrottled sandbox and a raw caller bound to it."""

from __future__ import annotations

import pytest

from .helpers import Api


@pytest.fixture(params=["documented", "status_codes"])
def sandbox_config(request) -> dict:
    """The sandbox's own tests run under both ``errors`` readings (what status an unknown id or a
    missing scope gets); everything else in them must hold under either."""
    return {"readings": {"errors": request.param}}


@pytest.fixture
def api(box) -> Api:
    return Api(box, key=box.api_key)


@pytest.fixture
def receiver():
    from .helpers import Receiver

    r = Receiver()
    yield r
    r.close()
