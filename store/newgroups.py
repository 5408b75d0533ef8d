"""New groups, found by diffing the active list against the one stored last time.

Not every server answers NEWGROUPS usefully (and archives have no such command),
but every refresh of the group list can be compared with the cached one. The
first list ever fetched marks nothing new: a new reader has no "before".
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable

_SCHEMA = "CREATE TABLE IF NOT EXISTS new_groups (grp TEXT PRIMARY KEY, first_seen INTEGER NOT NULL)"


class NewGroups:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.execute(_SCHEMA)

    def record(self, before: set[str], after: Iterable[str]) -> list[str]:
        """Remember the names in ``after`` that were not in a non-empty ``before``."""
        if not before:
            return []
        fresh = sorted(set(after) - before)
        if fresh:
            now = int(time.time())
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany("INSERT OR IGNORE INTO new_groups VALUES (?, ?)", [(g, now) for g in fresh])
        return fresh

    def names(self) -> set[str]:
        return {str(row[0]) for row in self.db.execute("SELECT grp FROM new_groups")}

    def seen(self, names: Iterable[str]) -> None:
        """The reader has looked at these: no longer new."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM new_groups WHERE grp=?", [(n,) for n in names])
