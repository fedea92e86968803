"""Entry point for ``python -m pms``."""

import sys

from pms.cli import main

sys.exit(main())
