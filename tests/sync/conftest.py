"""Fixtures for the sync tests: the sandbox's admin API and a sync context on ``db``/``sdb`` and ``box``."""

from __future__ import annotations

import pytest

from .helpers import Admin, make_ctx


@pytest.fixture
def admin(box) -> Admin:
    return Admin(box)


@pytest.fixture
def ctx(db, box):
    context = make_ctx(db, box)
    yield context
    context.client.close()


@pytest.fixture
def sctx(sdb, box):
    context = make_ctx(sdb, box)
    yield context
    context.client.close()
