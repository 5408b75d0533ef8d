"""The ``groups`` table of a store: the group list, each group's numbers and fetched high-water mark.

One concern of store/cache.py's ``Store``, on its connection: the group list
comes from LIST ACTIVE, one group's numbers from GROUP, and the high-water mark
moves with the overviews stored (store/overview_store.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from nntp.models import GroupInfo

if TYPE_CHECKING:
    from store.cache import Store

_COLUMNS = "name, low, high, count, posting, description"


class GroupTable:
    """The group list of one store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(self, groups: Iterable[GroupInfo]) -> None:
        """Add or refresh groups, keeping each group's fetched high-water mark."""
        with self._store.transaction() as db:
            db.executemany(
                f"INSERT INTO groups ({_COLUMNS}) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET low=excluded.low, high=excluded.high, "
                "count=excluded.count, posting=excluded.posting, "
                "description=CASE WHEN excluded.description != '' THEN excluded.description ELSE description END",
                [(g.name, g.low, g.high, g.count, g.posting, g.description) for g in groups],
            )

    def update(self, group: GroupInfo) -> None:
        """Fresh numbers for one group (after GROUP); its posting flag and description are kept, as
        GROUP tells neither (a read-only group must not turn writable by being entered)."""
        with self._store.transaction() as db:
            db.execute(
                f"INSERT INTO groups ({_COLUMNS}) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET low=excluded.low, high=excluded.high, count=excluded.count",
                (group.name, group.low, group.high, group.count, group.posting, group.description),
            )

    def all(self) -> list[GroupInfo]:
        """Every known group, by name."""
        rows = self._store.db.execute(f"SELECT {_COLUMNS} FROM groups ORDER BY name").fetchall()
        return [GroupInfo(*row) for row in rows]

    def get(self, name: str) -> GroupInfo | None:
        """One group, or None when the store has no word on it."""
        row = self._store.db.execute(f"SELECT {_COLUMNS} FROM groups WHERE name=?", (name,)).fetchone()
        return GroupInfo(*row) if row else None

    def fetched_high(self, name: str) -> int:
        """Highest article number whose overview range has been fetched completely."""
        row = self._store.db.execute("SELECT fetched_high FROM groups WHERE name=?", (name,)).fetchone()
        return int(row[0]) if row else 0

    def raise_fetched_high(self, name: str, fetched_through: int) -> None:
        """Advance the high-water mark (caller holds the transaction that stored the overviews)."""
        self._store.db.execute("UPDATE groups SET fetched_high=MAX(fetched_high, ?) WHERE name=?",
                               (fetched_through, name))

    def any(self) -> bool:
        """Whether anything was ever cached (worth showing when the source is unreachable)."""
        return self._store.db.execute("SELECT 1 FROM groups LIMIT 1").fetchone() is not None
