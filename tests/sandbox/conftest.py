"""Fixtures for the sandbox's own tests: an unthrottled sandbox and a raw caller bound to it."""

from __future__ import annotations

import pytest

from .helpers import Api


@pytest.fixture
def api(box) -> Api:
    return Api(box, key=box.api_key)


@pytest.fixture
def receiver():
    from .helpers import Receiver

    r = Receiver()
    yield r
    r.close()
