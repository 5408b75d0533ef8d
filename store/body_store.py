"""The ``bodies`` table of a store: cached article bodies, and their text in the search index.

One concern of store/cache.py's ``Store``, on its connection. Which articles
lack a body is asked of the group's packs (read as Columns: numbers, Message-IDs
and dates) and of this table, a few hundred Message-IDs a statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from nntp.columns import Columns
from store import search

if TYPE_CHECKING:
    from store.cache import Store

DELETE_BATCH = 500
"""Message-IDs per DELETE (or lookup) statement (far below SQLite's parameter limit)."""


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
        wanted = _dated(self._store.overview_store.read(name), since)
        held = self.held([m for _, m in wanted])
        return sorted((n, m) for n, m in dict(wanted).items() if m not in held)

    def held(self, message_ids: list[str]) -> set[str]:
        """Which of ``message_ids`` have a cached body (none asked when no body is cached at all)."""
        db = self._store.db
        if not message_ids or db.execute("SELECT 1 FROM bodies LIMIT 1").fetchone() is None:
            return set()
        held: set[str] = set()
        for start in range(0, len(message_ids), DELETE_BATCH):
            chunk = message_ids[start : start + DELETE_BATCH]
            held.update(str(m) for (m,) in db.execute(
                f"SELECT message_id FROM bodies WHERE message_id IN ({','.join('?' * len(chunk))})", chunk))
        return held

    def delete(self, message_ids: list[str]) -> int:
        """Drop cached bodies (expiry); their text leaves the search index and their Body-rule results go,
        headers stay."""
        with self._store.transaction() as db:
            for start in range(0, len(message_ids), DELETE_BATCH):
                chunk = message_ids[start : start + DELETE_BATCH]
                db.execute(f"DELETE FROM bodies WHERE message_id IN ({','.join('?' * len(chunk))})", chunk)
            search.unindex_bodies(db, message_ids)
            from store import bodyrules  # late: the killfile's model, which a sync does not need

            bodyrules.forget(db, message_ids)
        return len(message_ids)


def _dated(columns: Columns, since: int | None) -> list[tuple[int, str]]:
    """(number, Message-ID) of the articles dated ``since`` or later (all when None; undated ones only then)."""
    ids, codes = columns.ids.strings(), columns.id_codes
    if since is None:
        return [(n, ids[c]) for n, c in zip(columns.numbers, codes)]
    return [(n, ids[c]) for n, c, s in zip(columns.numbers, codes, columns.stamps) if s >= since]
