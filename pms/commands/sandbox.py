"""``python -m pms sandbox``: the local Cloudbeds in the foreground.

Benchmarks and scripts start it as a subprocess and read its first line, so that line is a contract:
``sandbox: <base_url> api_key=<key> property_id=<id>``, printed and flushed before anything else.
It then serves until SIGINT or SIGTERM. The API key is printed on purpose: it is a sandbox key,
and the caller needs it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="TCP port, 0 for a free one (default 8765)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo data (default 42)")
    parser.add_argument("--reservations", type=int, default=2000, help="reservations to seed (default 2000)")
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=5.0,
        help="requests per second per credential, 0 for none (default 5)",
    )
    parser.add_argument("--api-key", default=None, help="the main API key (default: derived from the seed)")
    parser.add_argument("--rooms", type=int, default=None, help="rooms of the property (default 33)")
    parser.add_argument(
        "--reading",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="where Cloudbeds' documentation is silent, which answer to give (repeatable); "
        "see docs/sandbox.md",
    )


def run(args: argparse.Namespace) -> int:
    from pms.sandbox import Sandbox, SandboxConfig
    from pms.sandbox.readings import describe, parse_reading

    try:
        readings = dict(parse_reading(text) for text in args.reading)
        config = SandboxConfig(
            host=args.host,
            port=args.port,
            seed=args.seed,
            reservations=args.reservations,
            rate_limit=args.rate_limit or None,
            api_key=args.api_key,
            rooms=args.rooms,
            readings=readings,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("readings:\n  " + "\n  ".join(describe()), file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    box = Sandbox(config).start()
    try:
        print(f"sandbox: {box.base_url} api_key={box.api_key} property_id={box.property_id}", flush=True)
        print(
            f"sandbox: admin API at {box.root_url}/_sandbox/state; Ctrl+C stops it",
            file=sys.stderr,
            flush=True,
        )
        chosen = ", ".join(f"{k}={v}" for k, v in box.config.readings.items())
        print(f"sandbox: readings {chosen}", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        box.stop()
    return 0
