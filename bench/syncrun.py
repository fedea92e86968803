"""Running the product's sync the way a hotel does: stored credentials, then ``pms sync --json``.

Each run is its own process (``python -m pms sync --db URL ... --json``) so its peak RSS and wall
time are one sync's; API calls are counted by the sandbox (``/_sandbox/state`` before and after),
never by the code under test.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

from bench.procs import ROOT, SandboxProcess, run_json_command

__all__ = ["SyncRun", "missing_sync", "store_credentials", "sync_once"]


def missing_sync() -> str | None:
    """None when the sync engine and its command are on this branch, else what is missing."""
    if not (ROOT / "pms" / "commands" / "sync.py").exists():
        return "the sync command (pms/commands/sync.py, branch sync) is not merged into this branch yet"
    if importlib.util.find_spec("pms.sync") is None:
        return "the sync engine (pms.sync, branch sync) is not merged into this branch yet"
    return None


@dataclass
class SyncRun:
    """One sync process: what it said (its JSON line), what the sandbox counted, what it used."""

    output: dict[str, Any]
    calls: int
    rate_limited: int
    endpoints: dict[str, int]
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stderr_tail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and bool(self.output)


def product_env(data_dir: str) -> dict[str, str]:
    """A private data directory (secret key file, logs) so the bench never touches ``data/``."""
    return {"PMS_DATA_DIR": data_dir, "PYTHONUNBUFFERED": "1"}


def store_credentials(db_url: str, sandbox: SandboxProcess, env: dict[str, str]) -> None:
    cmd = [sys.executable, "-m", "pms", "credentials", "set", "--db", db_url, "--api-key", sandbox.api_key,
           "--api-base", sandbox.base_url, "--property-id", sandbox.property_id, "--no-verify"]
    proc = subprocess.run(cmd, cwd=ROOT, env={**_base_env(), **env}, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"pms credentials set failed: {proc.stderr[-2000:]}")


def _base_env() -> dict[str, str]:
    import os

    return dict(os.environ)


def sync_once(db_url: str, sandbox: SandboxProcess, env: dict[str, str], *, full: bool,
              extra_args: list[str] | None = None, timeout: float = 900.0) -> SyncRun:
    """One ``pms sync`` process against ``sandbox``; the sandbox counts its calls."""
    before = sandbox.state()
    cmd = [sys.executable, "-m", "pms", "sync", "--db", db_url, "--json"]
    if full:
        cmd.append("--full")
    cmd += extra_args or []
    res = run_json_command(cmd, env=env, timeout=timeout)
    after = sandbox.state()
    endpoints = {k: v - before["endpoints"].get(k, 0) for k, v in after["endpoints"].items()
                 if v - before["endpoints"].get(k, 0)}
    return SyncRun(res.data, after["requests"] - before["requests"],
                   after["rate_limited"] - before["rate_limited"], endpoints, res.wall_s, res.peak_rss_mb,
                   res.returncode, res.stderr_tail)


def temp_data_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="pms_bench_data_")
