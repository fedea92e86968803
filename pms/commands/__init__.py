"""Subcommands of ``python -m pms``; each module has ``add_arguments`` and ``run``."""
