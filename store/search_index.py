"""The search index of a store, as its users see it: catch up, then answer (store/search.py does the work).

One concern of store/cache.py's ``Store``: the index is fed from the overview
packs, the ranges each write queued (store/headindex.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from store import search

if TYPE_CHECKING:
    from store.cache import Store


class SearchIndex:
    """Full-text search over one store's cached headers and bodies."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def catch_up(self, ranges: int | None = None) -> int:
        """Bring the index up to date (or the next ``ranges`` batches); returns what remains."""
        if not search.pending(self._store.db):
            return 0
        with self._store.transaction() as db:
            return search.catch_up(db, ranges)

    def search(self, query: str, group: str | None = None, author: str | None = None, since: datetime | None = None,
               limit: int | None = 50, order: str = "date") -> list[search.SearchHit]:
        """Full-text search over cached headers and bodies (store/search.py); the index catches up first."""
        self.catch_up()
        return search.search(self._store.db, query, group, author, since, limit, order)
