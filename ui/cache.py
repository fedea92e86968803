"""Query results cached with a TTL and cleared after every write the dashboard makes.

``cached(fn, *args)`` runs a ``pms.reporting`` function with the engine of the current database
and caches the result for ``TTL_SECONDS`` under the function's name and arguments. Engines are
not hashable, so the database URL stands for the engine in the key. ``clear()`` after a write
makes the very next render show the change. ``fresh`` is the same for the parts of a page that
refresh themselves (``ui.live``): a few seconds, so each tick shows what the worker or another
browser wrote, while any number of open dashboards still cost one query per tick.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.boot import db_url, engine_for

__all__ = ["LIVE_TTL_SECONDS", "TTL_SECONDS", "cached", "clear", "fresh"]

TTL_SECONDS = 30
LIVE_TTL_SECONDS = 4  # below the live parts' refresh interval (ui.live)


def _run(module: str, name: str, url: str, args: tuple, kwargs: tuple) -> Any:
    fn = getattr(importlib.import_module(module), name)
    return fn(engine_for(url), *args, **dict(kwargs))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=1000)
def _call(module: str, name: str, url: str, args: tuple, kwargs: tuple) -> Any:
    return _run(module, name, url, args, kwargs)


@st.cache_data(ttl=LIVE_TTL_SECONDS, show_spinner=False, max_entries=1000)
def _call_live(module: str, name: str, url: str, args: tuple, kwargs: tuple) -> Any:
    return _run(module, name, url, args, kwargs)


def cached(fn: Callable, *args, **kwargs) -> Any:
    """``fn(engine, *args, **kwargs)``, from the cache when it was computed in the last 30 s."""
    return _call(fn.__module__, fn.__name__, db_url(), args, tuple(sorted(kwargs.items())))


def fresh(fn: Callable, *args, **kwargs) -> Any:
    """``fn(engine, *args, **kwargs)``, from the cache only when computed in the last few seconds."""
    return _call_live(fn.__module__, fn.__name__, db_url(), args, tuple(sorted(kwargs.items())))


def clear() -> None:
    """Forget every cached result (call after any write)."""
    _call.clear()
    _call_live.clear()
