"""Benchmarks: is the sync close to the limit Cloudbeds allows?

Run with ``make bench`` (``python -m bench``); never part of ``make test``. Every figure is measured
against the sandbox (a subprocess, so its memory never counts) and a real database, as a ratio
against a baseline measured in the same run, and the table is written to ``docs/benchmarks.md``.
Heavy parts run in their own subprocess (``python -m bench.child``) so each peak RSS is one run's.
"""

__all__ = ["Figure"]

from bench.figures import Figure
