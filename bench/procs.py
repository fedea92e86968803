"""Subprocesses the benchmarks run: the sandbox, and measured children with their own peak RSS.

The sandbox runs as ``python -m pms sandbox`` so its memory and CPU never count against the code
being measured, and every measured run is a fresh interpreter whose peak RSS (from ``wait4``'s
rusage, which covers exactly that child) belongs to that run alone.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

__all__ = ["ChildResult", "SandboxProcess", "run_child", "run_json_command"]

ROOT = Path(__file__).resolve().parent.parent
_FIRST_LINE = re.compile(r"^sandbox: (?P<base>\S+) api_key=(?P<key>\S+) property_id=(?P<pid>\S+)$")


class SandboxProcess:
    """``python -m pms sandbox`` on a free loopback port; a context manager that stops it by PID."""

    def __init__(self, reservations: int, rate_limit: float | None, seed: int = 42) -> None:
        self.reservations = reservations
        self.rate_limit = rate_limit
        self.seed = seed
        self.proc: subprocess.Popen | None = None
        self.base_url = self.api_key = self.property_id = ""
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (the child writes to it until stop())

    @property
    def root_url(self) -> str:
        return self.base_url.split("/api/")[0]

    def start(self, timeout: float = 240.0) -> SandboxProcess:
        cmd = [
            sys.executable,
            "-m",
            "pms",
            "sandbox",
            "--port",
            "0",
            "--seed",
            str(self.seed),
            "--reservations",
            str(self.reservations),
            "--rate-limit",
            str(self.rate_limit or 0),
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        deadline = time.monotonic() + timeout
        line = self.proc.stdout.readline().strip()  # the contract line, flushed first
        match = _FIRST_LINE.match(line)
        if not match:
            self.stop()
            self._stderr.seek(0)
            raise RuntimeError(f"sandbox did not start: {line!r} {self._stderr.read()[-2000:]!r}")
        self.base_url, self.api_key, self.property_id = match["base"], match["key"], match["pid"]
        while time.monotonic() < deadline:  # the line comes after start(); make sure it answers
            try:
                requests.get(f"{self.root_url}/_sandbox/state", timeout=5).raise_for_status()
                return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("sandbox started but its admin API does not answer")

    def state(self) -> dict[str, Any]:
        return requests.get(f"{self.root_url}/_sandbox/state", timeout=30).json()

    def reset_counters(self) -> None:
        requests.post(
            f"{self.root_url}/_sandbox/reset", json={"counters_only": True}, timeout=30
        ).raise_for_status()

    def set_config(self, **values: Any) -> None:
        requests.post(f"{self.root_url}/_sandbox/config", json=values, timeout=30).raise_for_status()

    def mutate(self, count: int, kinds: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"count": count}
        if kinds:
            body["kinds"] = kinds
        r = requests.post(f"{self.root_url}/_sandbox/mutate", json=body, timeout=300)
        r.raise_for_status()
        return r.json()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class ChildResult:
    """What a measured child printed (its last JSON line) and what the kernel says it used."""

    data: dict[str, Any]
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stderr_tail: str


def _run(cmd: list[str], env: dict[str, str] | None, timeout: float) -> tuple[str, str, float, float, int]:
    """Run ``cmd``; return stdout, stderr tail, wall time, peak RSS (MB) and exit code."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        out.seek(0)
        err.seek(0)
        return (
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace")[-3000:],
            wall,
            usage.ru_maxrss / 1024.0,
            proc.returncode,
        )


def _last_json(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.strip().splitlines()):
        text = line.strip()
        if text.startswith("{"):
            try:
                return json.loads(text)
            except ValueError:
                continue
    return {}


def run_child(task: str, args: dict[str, Any], timeout: float = 600.0) -> ChildResult:
    """Run ``python -m bench.child <task> '<json args>'`` and collect its result and peak RSS."""
    out, err, wall, rss, rc = _run(
        [sys.executable, "-m", "bench.child", task, json.dumps(args)], None, timeout
    )
    data = _last_json(out)
    if rc != 0 or not data:
        raise RuntimeError(f"bench child {task} failed (exit {rc}): {err}")
    return ChildResult(data, wall, rss, rc, err)


def run_json_command(
    cmd: list[str], env: dict[str, str] | None = None, timeout: float = 900.0
) -> ChildResult:
    """Run a product command whose last stdout line is a JSON object (``pms sync --json``)."""
    out, err, wall, rss, rc = _run(cmd, env, timeout)
    return ChildResult(_last_json(out), wall, rss, rc, err)
