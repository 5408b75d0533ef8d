"""Read marks and subscriptions, per server, in that server's store.

One row per group: subscribed flag, the user's group order, and the read
article numbers as a .newsrc range string. Every change is its own committed
transaction, so a crash loses nothing that was already marked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Protocol

from nntp.models import GroupInfo
from store.newsrc import NewsrcEntry
from store.ranges import RangeSet

_SCHEMA = """
CREATE TABLE IF NOT EXISTS readstate (
    grp TEXT PRIMARY KEY,
    subscribed INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    ranges TEXT NOT NULL DEFAULT ''
)
"""


def ensure_schema(db: sqlite3.Connection) -> None:
    db.execute(_SCHEMA)


def unread_count(group: GroupInfo, read: RangeSet | None) -> int:
    """The source's article count less the read marks inside low..high (as slrn and tin count).

    The one rule behind the group list, `pith groups --json`, `pith catchup` and the
    reader: marks outside low..high (expired articles) do not count against the group.
    """
    if group.high < group.low or group.count <= 0:
        return 0
    if read is None:
        return group.count
    return max(0, group.count - read.count_between(group.low, group.high))


class MarkWriter(Protocol):
    """Where a reader's read marks go: ReadState, or the Library's named operations."""

    def read(self, group: str) -> RangeSet: ...

    def mark_read(self, group: str, numbers: Iterable[int]) -> None: ...

    def mark_unread(self, group: str, numbers: Iterable[int]) -> None: ...

    def mark_through(self, group: str, high: int) -> None: ...


class ReadState:
    """Read marks and subscriptions over one store's database connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        ensure_schema(db)

    def _row(self, group: str) -> tuple[int, str] | None:
        row = self.db.execute("SELECT subscribed, ranges FROM readstate WHERE grp=?", (group,)).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def _upsert(self, group: str, subscribed: bool | None = None, ranges: str | None = None) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            if self._row(group) is None:
                position = self.db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM readstate").fetchone()[0]
                self.db.execute("INSERT INTO readstate (grp, subscribed, position, ranges) VALUES (?,?,?,?)",
                                (group, int(bool(subscribed)), position, ranges or ""))
                return
            if subscribed is not None:
                self.db.execute("UPDATE readstate SET subscribed=? WHERE grp=?", (int(subscribed), group))
            if ranges is not None:
                self.db.execute("UPDATE readstate SET ranges=? WHERE grp=?", (ranges, group))

    # -- read marks ----------------------------------------------------------
    def read(self, group: str) -> RangeSet:
        row = self._row(group)
        return RangeSet.parse(row[1]) if row else RangeSet()

    def mark_read(self, group: str, numbers: Iterable[int]) -> None:
        read = self.read(group)
        for number in sorted(numbers):
            read.add(number)
        self._upsert(group, ranges=read.format())

    def mark_unread(self, group: str, numbers: Iterable[int]) -> None:
        read = self.read(group)
        for number in numbers:
            read.remove(number)
        self._upsert(group, ranges=read.format())

    def mark_through(self, group: str, high: int) -> None:
        """Catch up: everything up to ``high`` is read."""
        read = self.read(group)
        read.add_range(1, high)
        self._upsert(group, ranges=read.format())
        from store.livenewsrc import caught_up  # a live .newsrc hears of every catch-up

        caught_up(self.db)

    def unread_count(self, info: GroupInfo) -> int:
        return unread_count(info, self.read(info.name))

    # -- subscriptions ---------------------------------------------------------
    def subscribe(self, group: str, subscribed: bool = True) -> None:
        self._upsert(group, subscribed=subscribed)

    def subscribed(self) -> list[str]:
        rows = self.db.execute("SELECT grp FROM readstate WHERE subscribed=1 ORDER BY position").fetchall()
        return [str(r[0]) for r in rows]

    # -- .newsrc ---------------------------------------------------------------
    def entries(self) -> list[NewsrcEntry]:
        rows = self.db.execute("SELECT grp, subscribed, ranges FROM readstate ORDER BY position").fetchall()
        return [NewsrcEntry(str(g), bool(s), RangeSet.parse(str(r))) for g, s, r in rows]

    def import_entries(self, entries: list[NewsrcEntry]) -> None:
        """Replace read state and order with the file's, all in one transaction."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM readstate")
            self.db.executemany(
                "INSERT INTO readstate (grp, subscribed, position, ranges) VALUES (?,?,?,?)",
                [(e.group, int(e.subscribed), i, e.read.format()) for i, e in enumerate(entries, 1)],
            )

    def merge_entries(self, entries: list[NewsrcEntry]) -> None:
        """Take a .newsrc's word on each of its groups (read marks, subscription), in one
        transaction; other groups and their order stay, groups new to pith go last."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            position = self.db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM readstate").fetchone()[0]
            for e in entries:
                changed = self.db.execute("UPDATE readstate SET subscribed=?, ranges=? WHERE grp=?",
                                          (int(e.subscribed), e.read.format(), e.group)).rowcount
                if not changed:
                    self.db.execute("INSERT INTO readstate (grp, subscribed, position, ranges) VALUES (?,?,?,?)",
                                    (e.group, int(e.subscribed), position, e.read.format()))
                    position += 1


def next_unread_group(state: ReadState, groups: Iterable[GroupInfo], current: str) -> GroupInfo | None:
    """The subscribed group after ``current`` (in the reader's order, then from the top) that has unread
    articles: where n / space go at the end of a group, as in slrn and tin; None when none has."""
    known = {group.name: group for group in groups}
    order = [name for name in state.subscribed() if name in known]
    after = order.index(current) + 1 if current in order else 0
    for name in order[after:] + order[:after]:
        if name != current and state.unread_count(known[name]) > 0:
            return known[name]
    return None
