"""Streamlit glue shared by ``dashboard.py`` and the pages in ``app_pages/``.

Everything here imports Streamlit; everything it calls lives in ``pms``, which never does. The
modules: ``boot`` (database, set-up, demo sandbox, once per process), ``session`` (who is logged
in, which language), ``context`` (what a page gets, and the role check every page starts with),
``cache`` (query results with a TTL, cleared after writes), ``errors`` (messages instead of
tracebacks), ``widgets`` and ``charts`` (small shared pieces of layout).
"""
