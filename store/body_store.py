"""The ``bodies`` table of a store: cached article bodies, and their text in the search index.

One concern of store/cache.py's ``Store``, on its connection. Which articles
lack a body is asked of the overview rows, so those are settled first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from store import search

if TYPE_CHECKING:
    from store.cache import Store

DELETE_BATCH = 500
"""Message-IDs per DELETE statement (far below SQLite's parameter limit)."""


class BodyStore:
    """Article bodies of one store, keyed by Message-ID (the same body in several groups is one row)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(self, message_id: str, raw: bytes, text: str | None = None) -> None:
        """Cache a body and index its text (``text``: the decoded body, if the caller has it)."""
        self.save_many([(message_id, raw, text)])

    def save_many(self, items: Iterable[tuple[str, bytes, str | None]]) -> None:
        """Several bodies in one transaction (archive import, sync)."""
        with self._store.transaction() as db:
            for message_id, raw, text in items:
                db.execute(
                    "INSERT OR REPLACE INTO bodies (message_id, raw, fetched, size) "
                    "VALUES (?, ?, strftime('%s','now'), ?)", (message_id, raw, len(raw)))
                search.index_body(db, message_id, text if text is not None else search.index_text(raw))

    def get(self, message_id: str) -> bytes | None:
        """The raw article, or None when it is not cached."""
        row = self._store.db.execute("SELECT raw FROM bodies WHERE message_id=?", (message_id,)).fetchone()
        return bytes(row[0]) if row else None

    def has(self, message_id: str) -> bool:
        """Whether the body is cached (without reading it)."""
        found = self._store.db.execute("SELECT 1 FROM bodies WHERE message_id=?", (message_id,)).fetchone()
        return found is not None

    def missing(self, name: str, since: int | None = None) -> list[tuple[int, str]]:
        """(number, Message-ID) of a group's articles with no cached body, dated ``since`` or later."""
        self._store.overview_store.settled(name)
        sql = ("SELECT number, message_id FROM overview o WHERE grp=? "
               "AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.message_id = o.message_id)")
        params: list[object] = [name]
        if since is not None:
            sql += " AND date >= ?"
            params.append(since)
        return [(int(n), str(m)) for n, m in self._store.db.execute(sql + " ORDER BY number", params)]

    def delete(self, message_ids: list[str]) -> int:
        """Drop cached bodies (expiry); their text leaves the search index, headers stay."""
        with self._store.transaction() as db:
            for start in range(0, len(message_ids), DELETE_BATCH):
                chunk = message_ids[start : start + DELETE_BATCH]
                db.execute(f"DELETE FROM bodies WHERE message_id IN ({','.join('?' * len(chunk))})", chunk)
            search.unindex_bodies(db, message_ids)
        return len(message_ids)
