"""The public surface: every name in ``__all__`` of the package and its modules imports."""

import importlib
import pkgutil

import pms.cloudbeds


def test_every_public_name_imports():
    modules = [pms.cloudbeds] + [
        importlib.import_module(f"pms.cloudbeds.{m.name}")
        for m in pkgutil.iter_modules(pms.cloudbeds.__path__)
    ]
    for module in modules:
        assert hasattr(module, "__all__"), f"{module.__name__} has no __all__"
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_interface_others_code_against():
    from pms.cloudbeds import ApiKeyAuth, CloudbedsClient, OAuthApp, OAuthAuth  # noqa: F401
    from pms.cloudbeds.tokens import MemoryTokenStore, TokenSet, TokenStore  # noqa: F401

    assert set(
        pms.cloudbeds.CloudbedsClient(
            "http://127.0.0.1:1/api/v1.3", ApiKeyAuth("cbat_interface_check_key")
        ).stats.as_dict()
    ) >= {"calls", "retries", "rate_limited", "errors"}
