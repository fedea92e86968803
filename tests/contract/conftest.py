"""Contract-test fixtures: the official spec, parsed once per session."""

from __future__ import annotations

import pytest

from .oas import Spec


@pytest.fixture(scope="session")
def spec(openapi_spec_path) -> Spec:
    return Spec(openapi_spec_path)
