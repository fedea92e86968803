"""Fixtures of the reliability suite: the counts tally, soak sizing, and helpers shared by its tests.

``PMS_SOAK=1`` (``make soak``) turns on the heavy variants: more kill points, more hypothesis
examples, bigger sandboxes. Without it every test here stays small enough for ``make test``.
"""

from __future__ import annotations

import os

import pytest

from .tally import Tally

SOAK = os.environ.get("PMS_SOAK") == "1"

_TALLY = Tally()


def soak(normal, heavy):
    """``heavy`` under ``make soak``, ``normal`` in ``make test``."""
    return heavy if SOAK else normal


@pytest.fixture(scope="session")
def tally():
    """The process-wide counters; written to test-artifacts/reliability/ when the session ends."""
    yield _TALLY
    _TALLY.write()
