"""Fixtures for account tests: every test starts with no failed logins on unknown names."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_unknown_name_counter(monkeypatch):
    """Failures on unknown names are counted per process; each test starts from zero."""
    from pms.accounts import login

    monkeypatch.setattr(login, "_unknown", login._UnknownNames())
