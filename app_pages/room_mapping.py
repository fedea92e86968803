"""Placeholder until the sync stream's pieces land."""

from ui.context import open_page

ctx = open_page("room_mapping", "nav.room_mapping")
