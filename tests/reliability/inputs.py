"""The hostile strings every text field of the CLI and the settings is fed.

SQL metacharacters (the classic injections against MySQL and SQLite), very long text, non-ASCII in
several scripts, control characters, and look-alikes of real values. None of these may crash a
command, be stored altered, or be stored at all where the field cannot hold it.
"""

from __future__ import annotations

__all__ = ["HOSTILE", "NON_ASCII", "SQL_METACHARACTERS", "VERY_LONG"]

SQL_METACHARACTERS = (
    "'; DROP TABLE settings; --",
    '" OR "1"="1',
    "1' OR '1'='1",
    "x'); DELETE FROM reservasi; --",
    "\\'; SELECT SLEEP(5); -- ",
    "%_%",
    "`settings`",
    "1; UPDATE settings SET value=NULL",
)
NON_ASCII = (
    "Hôtel Überfluß",
    "Пансионат «Морской»",
    "ホテル東京",
    "فندق القاهرة",
    "Bali 🌴🏝️ Villa",
    "Zoë\u00a0Ñúñez",
    "\u202eevil\u202c",  # right-to-left override
)
VERY_LONG = ("A" * 300, "é" * 2000, "x" * 70_000)
HOSTILE = SQL_METACHARACTERS + NON_ASCII + VERY_LONG + ("", "   ", "\x00null", "line\nbreak", "tab\there")
