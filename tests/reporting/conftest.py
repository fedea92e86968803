from __future__ import annotations

import pytest

from pms.db.setup import setup_database


@pytest.fixture
def db(engine):
    setup_database(engine)
    return engine
