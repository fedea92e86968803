"""Delayed work for the sandbox: rate jobs finishing later, webhook retries a minute apart.

One daemon thread sleeps until the earliest due task. Tasks run on that thread, so they must be
short; anything that does network I/O (a webhook delivery) hands itself to a worker pool instead.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

__all__ = ["Scheduler"]

log = logging.getLogger(__name__)


class Scheduler:
    """Run callables after a delay, in order, on one background thread (started lazily)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._generation = 0

    def call_later(self, delay: float, task: Callable[[], None]) -> None:
        with self._cond:
            if self._stopped:
                return
            heapq.heappush(
                self._heap, (time.monotonic() + max(0.0, delay), next(self._seq), self._guard(task))
            )
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sandbox-scheduler", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _guard(self, task: Callable[[], None]) -> Callable[[], None]:
        generation = self._generation

        def run() -> None:
            if generation == self._generation:  # cancelled by a reset in between
                task()

        return run

    def cancel_all(self) -> None:
        """Drop every pending task (a reset starts the world again)."""
        with self._cond:
            self._generation += 1
            self._heap.clear()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = None if not self._heap else max(0.0, self._heap[0][0] - time.monotonic())
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                _, _, task = heapq.heappop(self._heap)
            try:
                task()
            except Exception:  # a failing task must not kill the scheduler
                log.exception("sandbox scheduled task failed")

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=2)
