"""When the reader last entered each group, and how far the group went then.

The digest shows what arrived *since the last visit*: the article numbers above
the high-water mark seen on that visit. Numbers, not dates, decide what is new
(a late-propagating article with an old Date header is still new to the reader);
the time is kept so the UI can say when the last visit was. One row per group,
next to the read marks in the same store; each visit is its own committed
transaction.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

_SCHEMA = """
CREATE TABLE IF NOT EXISTS visits (
    grp TEXT PRIMARY KEY,
    high INTEGER NOT NULL,
    visited INTEGER NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit to a group."""

    high: int
    """The highest article number the group had when the reader entered it."""
    visited: int
    """When (Unix seconds)."""


class Visits:
    """Last visit per group over one store's database connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.execute(_SCHEMA)

    def last(self, group: str) -> Visit | None:
        row = self.db.execute("SELECT high, visited FROM visits WHERE grp=?", (group,)).fetchone()
        return Visit(int(row[0]), int(row[1])) if row else None

    def record(self, group: str, high: int, when: int | None = None) -> None:
        stamp = int(time.time()) if when is None else when
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT INTO visits (grp, high, visited) VALUES (?,?,?) "
                            "ON CONFLICT(grp) DO UPDATE SET high=excluded.high, visited=excluded.visited",
                            (group, high, stamp))

    def begin(self, group: str, high: int, when: int | None = None) -> Visit | None:
        """Start a visit: -> the previous one (None on a first visit), and remember this one."""
        previous = self.last(group)
        self.record(group, high, when)
        return previous
