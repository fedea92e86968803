"""Running the product's sync the way a hotel does: stored credentials, then ``pms sync --json``.

Each run is its own process (``python -m pms sync --db URL ... --json``) so its peak RSS and wall
time are one sync's; API calls are counted by the sandbox (``/_sandbox/state`` before and after),
never by the code under test.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

from bench.procs import ROOT, SandboxProcess, run_json_command

__all__ = [
    "SyncRun",
    "has_sync_command",
    "missing_sync",
    "product_env",
    "run_in_process",
    "store_credentials",
    "sync_once",
    "temp_data_dir",
]


def missing_sync() -> str | None:
    """None when the sync engine is on this branch, else what is missing."""
    if importlib.util.find_spec("pms.sync") is None:
        return "the sync engine (pms.sync, branch sync) is not merged into this branch yet"
    return None


def has_sync_command() -> bool:
    return (ROOT / "pms" / "commands" / "sync.py").exists()


def run_in_process(args: dict[str, Any]) -> dict[str, Any]:
    """The sync through its Python API, as ``pms sync --json`` runs it (the child of ``sync_once``
    when the command is not merged yet, or when the client's rate must differ from the default)."""
    from pms.connection import build_client
    from pms.db.engine import make_engine
    from pms.sync import SyncContext, SyncRequest, run_sync

    engine = make_engine(args["db_url"])
    client = build_client(engine, rate_limit=float(args.get("rate_limit") or 5.0))
    try:
        result = run_sync(SyncContext(engine, client), SyncRequest(mode=args["mode"], trigger="cli"))
        out = result.to_json()
        out["client_stats"] = client.stats.as_dict()
        return out
    finally:
        client.close()
        engine.dispose()


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
    cmd = [
        sys.executable,
        "-m",
        "pms",
        "credentials",
        "set",
        "--db",
        db_url,
        "--api-key",
        sandbox.api_key,
        "--api-base",
        sandbox.base_url,
        "--property-id",
        sandbox.property_id,
        "--no-verify",
    ]
    proc = subprocess.run(
        cmd, cwd=ROOT, env={**_base_env(), **env}, capture_output=True, text=True, timeout=120, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pms credentials set failed: {proc.stderr[-2000:]}")


def _base_env() -> dict[str, str]:
    import os

    return dict(os.environ)


def sync_once(
    db_url: str,
    sandbox: SandboxProcess,
    env: dict[str, str],
    *,
    full: bool,
    extra_args: list[str] | None = None,
    timeout: float = 900.0,
    client_rate: float | None = None,
) -> SyncRun:
    """One ``pms sync`` process against ``sandbox``; the sandbox counts its calls."""
    before = sandbox.state()
    if has_sync_command() and client_rate is None:
        cmd = [sys.executable, "-m", "pms", "sync", "--db", db_url, "--json"]
        cmd.append("--full" if full else "--incremental")
        cmd += extra_args or []
        via = "python -m pms sync --json"
    else:
        cmd = [
            sys.executable,
            "-m",
            "bench.child",
            "sync",
            json.dumps(
                {"db_url": db_url, "mode": "full" if full else "incremental", "rate_limit": client_rate}
            ),
        ]
        via = "pms.sync.run_sync in a child process" + (
            f" (client at {client_rate:g} req/s)" if client_rate else ""
        )
    res = run_json_command(cmd, env=env, timeout=timeout)
    after = sandbox.state()
    endpoints = {
        k: v - before["endpoints"].get(k, 0)
        for k, v in after["endpoints"].items()
        if v - before["endpoints"].get(k, 0)
    }
    return SyncRun(
        res.data,
        after["requests"] - before["requests"],
        after["rate_limited"] - before["rate_limited"],
        endpoints,
        res.wall_s,
        res.peak_rss_mb,
        res.returncode,
        res.stderr_tail,
        {"via": via},
    )


def temp_data_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="pms_bench_data_")
