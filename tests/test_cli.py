"""The command-line contract: every command is listed and reachable."""

import subprocess
import sys

from pms.cli import COMMANDS
from pms.config import PROJECT_ROOT


def test_help_lists_every_command():
    out = subprocess.run(
        [sys.executable, "-m", "pms", "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    for name in COMMANDS:
        assert name in out
