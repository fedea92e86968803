"""The public names of the dashboard's pms modules import, and none of them pulls in Streamlit."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from pms.config import PROJECT_ROOT

MODULES = [
    "pms.accounts",
    "pms.accounts.users",
    "pms.accounts.login",
    "pms.accounts.roles",
    "pms.accounts.passwords",
    "pms.i18n",
    "pms.edits",
    "pms.connection",
    "pms.connection.go_live",
    "pms.alerts",
    "pms.reporting",
    "pms.reporting.property",
    "pms.reporting.overview",
    "pms.reporting.listing",
    "pms.reporting.logs",
    "pms.reporting.runs",
    "pms.reporting.rates",
    "pms.reporting.catalog",
    "pms.reporting.booking",
    "pms.sync.mapping_grid",
    "pms.reporting.paging",
    "pms.commands.users",
]


@pytest.mark.parametrize("name", MODULES)
def test_public_names_import(name):
    module = importlib.import_module(name)
    assert module.__all__
    for attr in module.__all__:
        assert hasattr(module, attr), f"{name}.{attr}"


def test_pms_never_imports_streamlit():
    code = "import sys; " + "; ".join(f"import {m}" for m in MODULES) + "; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
