"""The ``meta`` table of a store: a few named values (the schema version, whether a full group list was fetched)."""

from __future__ import annotations

import sqlite3

GROUP_LIST_KEY = "group_list"
"""Key set once a full group list was fetched (its value: how many groups)."""


def get_meta(db: sqlite3.Connection, key: str) -> str | None:
    """The value under ``key``, or None when it was never set."""
    row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    """Set ``key`` in a transaction of its own."""
    with db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
