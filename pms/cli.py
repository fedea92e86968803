"""``python -m pms <command>``: the command-line face of the package.

Cron, systemd and containers run syncs and the worker through these commands, so their names,
flags and outputs are a contract (see README "Command line"). Each command lives in its own module
under ``pms.commands`` exposing ``add_arguments(parser)`` and ``run(args) -> int``; only the chosen
one is imported, which keeps ``--help`` and small commands fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from pms.errors import PMSError

__all__ = ["COMMANDS", "main"]

# name -> (module, one-line help). Order is the order shown by --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("pms.commands.serve", "serve the dashboard, webhook receiver and OAuth callback (make run)"),
    "setup": ("pms.commands.setup", "install, adopt and verify the database tables"),
    "credentials": ("pms.commands.credentials", "store or show the Cloudbeds credentials"),
    "test-connection": ("pms.commands.test_connection", "check database, API, property, reservations, rates"),
    "sync": ("pms.commands.sync", "sync reservations, guests, rates and availability"),
    "mapping": ("pms.commands.mapping", "show, suggest or set Cloudbeds ⇄ ADF room types, rooms and sources"),
    "settings": ("pms.commands.settings", "show or set the settings (validated; secrets as hints)"),
    "webhooks": ("pms.commands.webhooks", "subscribe, list or remove Cloudbeds webhooks"),
    "worker": ("pms.commands.worker", "run the background worker (auto-sync, webhooks, retention)"),
    "users": ("pms.commands.users", "manage dashboard accounts"),
    "sandbox": ("pms.commands.sandbox", "run the local Cloudbeds sandbox in the foreground"),
}


def _parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog="python -m pms",
        description="Keeps the hotel database and Cloudbeds PMS in step.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="<command>", required=True)
    return parser, sub


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, sub = _parser()
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command_parser)
            command_parser.set_defaults(_run=module.run)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args._run(args) or 0)
    except PMSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
