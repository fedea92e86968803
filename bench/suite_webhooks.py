"""Figures of the webhook path: a burst of reservation events, and the receiver's acknowledgement."""

from __future__ import annotations

from bench.config import BenchConfig
from bench.figures import not_measured
from bench.procs import ROOT

__all__ = ["run"]

BURST = "webhook burst"
ACK = "webhook acknowledgement p95"


def missing_realtime() -> str | None:
    for path in ("server.py", "pms/webhooks"):
        if not (ROOT / path).exists():
            return f"{path} (branch realtime) is not merged into this branch yet"
    if not (ROOT / "pms" / "commands" / "sync.py").exists():
        return "the webhook processor needs the sync engine (pms.sync.refresh_reservations), not merged yet"
    return None


def run(cfg: BenchConfig):
    n = cfg.webhook_events
    reason = missing_realtime()
    return [
        not_measured(BURST, f"{n:,} reservation events in one burst: time until all applied, API calls used",
                     "all applied; ≤ 30 calls", reason or "not implemented yet"),
        not_measured(ACK, "p95 latency of the receiver's 2xx under that burst", "≤ 50 ms",
                     reason or "not implemented yet"),
    ]
