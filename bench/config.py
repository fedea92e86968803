"""Sizes and settings of one benchmark run (full by default, ``--quick`` for a smoke run)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.databases import DEFAULT_MYSQL_URL

__all__ = ["BenchConfig"]


@dataclass(frozen=True)
class BenchConfig:
    """The published sizes (full) or a run small enough for a smoke test (quick)."""

    quick: bool = False
    mysql_url: str = DEFAULT_MYSQL_URL
    databases: tuple[str, ...] = ("sqlite", "mysql")
    rate_limit: float = 5.0
    profile_dir: str | None = None  # py-spy stacks of the server under the webhook burst go here

    @property
    def full_sync_n(self) -> int:  # API calls, incremental, time vs the bound
        return 1000 if self.quick else 10_000

    @property
    def memory_n(self) -> tuple[int, int]:  # (small, large) for the memory growth ratio
        return (1000, 5000) if self.quick else (10_000, 100_000)

    @property
    def write_n(self) -> int:
        return 1000 if self.quick else 10_000

    @property
    def webhook_events(self) -> int:
        return 100 if self.quick else 1000

    @property
    def dashboard_n(self) -> tuple[int, int]:
        return (200, 2000) if self.quick else (1000, 100_000)

    @property
    def hotels(self) -> int:  # databases one worker serves at once
        return 3 if self.quick else 10

    @property
    def hotels_reservations(self) -> int:  # reservations in each of those databases
        return 500 if self.quick else 5000

    @property
    def hotels_parallel(self) -> int:  # --max-parallel-syncs of the bounded variant
        return 2 if self.quick else 4

    @property
    def mode(self) -> str:
        return (
            "quick (smoke sizes, not the published figures)" if self.quick else "full (the published sizes)"
        )
