"""Drafts through a SQLite connection of their own, safe from any thread.

The composer autosaves every few seconds and saves again when the app suspends or
quits. Those writes must not wait behind the session thread (a 150,000-article
overview fetch holds it for seconds) and must still work while the app tears its
session down, so the drafts get their own connection to the store file (WAL mode
lets both write). A failing write is a PithError with the file's name, so the UI
catches one kind of error and never needs to know the store is SQLite.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from nntp.errors import PithError
from store.outbox import Drafts

T = TypeVar("T")


class DraftBox:
    """Drafts of one store through a connection of their own; safe from any thread (one lock)."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path
        self._lock = threading.Lock()
        try:
            db = sqlite3.connect(str(store_path), check_same_thread=False, isolation_level=None, timeout=10)
            db.execute("PRAGMA busy_timeout=10000")
            self._drafts = Drafts(db)
        except sqlite3.Error as exc:
            raise PithError(f"{store_path}: cannot keep drafts here ({exc})") from None

    def _locked(self, work: Callable[[Drafts], T]) -> T:
        """Run ``work`` under the lock; a SQLite failure (disk full, locked) becomes a PithError."""
        with self._lock:
            try:
                return work(self._drafts)
            except sqlite3.Error as exc:
                raise PithError(f"{self.path}: drafts: {exc}") from None

    def save(self, draft_id: int | None, headers: dict[str, str], body: str) -> int:
        return self._locked(lambda drafts: drafts.save(draft_id, headers, body))

    def load(self, draft_id: int) -> tuple[dict[str, str], str] | None:
        return self._locked(lambda drafts: drafts.load(draft_id))

    def listing(self) -> list[tuple[int, dict[str, str], str]]:
        """Every draft, newest first: (id, headers, body)."""
        found = self._locked(lambda drafts: [(i, drafts.load(i)) for i in drafts.ids()])
        return [(i, item[0], item[1]) for i, item in found if item is not None]

    def delete(self, draft_id: int) -> None:
        self._locked(lambda drafts: drafts.delete(draft_id))

    def close(self) -> None:
        with self._lock:
            self._drafts.db.close()
