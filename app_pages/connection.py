"""Placeholder until the sync stream's pieces land."""

from ui.context import open_page

ctx = open_page("connection", "nav.connection")
