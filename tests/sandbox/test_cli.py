"""``python -m pms sandbox``: the first line is a contract benchmarks parse."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import requests

from pms.config import PROJECT_ROOT


def test_cli_prints_one_line_then_serves_until_terminated():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pms",
            "sandbox",
            "--port",
            "0",
            "--reservations",
            "50",
            "--seed",
            "7",
            "--rate-limit",
            "0",
            "--api-key",
            "cbat_cli_test_key",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        match = re.fullmatch(
            r"sandbox: (http://127\.0\.0\.1:\d+/api/v1\.3) api_key=(\S+) property_id=(\d+)", line
        )
        assert match, line
        base_url, key, property_id = match.groups()
        assert key == "cbat_cli_test_key"
        body = requests.get(f"{base_url}/getReservations", headers={"x-api-key": key}, timeout=10).json()
        assert body["total"] == 50 and body["data"][0]["propertyID"] == property_id
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            assert proc.wait(timeout=15) == 0
        finally:
            if proc.poll() is None:  # pragma: no cover - never leave a server behind
                proc.kill()
            proc.stdout.close()
            proc.stderr.close()
