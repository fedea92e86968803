"""Fixtures for account tests: every test starts with fresh login budgets."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_login_budgets():
    """Login budgets and delays are kept per process; each test starts from zero."""
    from pms.accounts import reset_throttle

    reset_throttle()
