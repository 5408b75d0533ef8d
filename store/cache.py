"""The local SQLite store of one source: group list, overviews, article bodies, search index.

This module opens the file and runs transactions; each concern is a module of
its own on the same connection (store/group_table.py, overview_store.py,
body_store.py, search_index.py).

One database file per server (article numbers mean nothing across servers), WAL
mode so a reader never blocks the writer, and every write one transaction that
also carries what depends on it (high-water mark, search queue),
so a ``kill -9`` at any moment leaves the last complete batch and everything
derived from it in step. The schema is versioned and migrated on open
(store/schema.py); other modules add their own tables to the same file.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store import errors
from store.body_store import BodyStore
from store.group_table import GroupTable
from store.overview_store import OverviewStore
from store.paths import private_dir, private_umask, sidecars, tighten_files
from store.schema import SCHEMA_VERSION, StoreError, migrate
from store.search_index import SearchIndex

__all__ = ["SCHEMA_VERSION", "Store", "StoreError", "store_path"]

FILE_FORMAT = 1
"""In the file name. Schema changes migrate in place; only an incompatible file format bumps this."""

USER_TABLES = ("groups", "overview_pack", "bodies", "readstate", "outbox", "drafts", "visits")
"""The tables that keep the user's or the server's data (``holds_nothing``)."""


def store_path(data_dir: Path, identity: str) -> Path:
    """One database per source, named after its identity in a file-system-safe way."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", identity).strip("_") or "default"
    return data_dir / "servers" / f"{safe}.v{FILE_FORMAT}.sqlite3"


class Store:
    """Persistence for one source. Used by one thread at a time (the session thread).

    The store owns the connection and its transactions; each concern is a part on
    that connection: ``group_table`` (the group list), ``overview_store``
    (overviews, kept as packs), ``body_store`` (bodies) and
    ``search_index`` (full-text search).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._depth = 0
        self.group_table = GroupTable(self)
        self.overview_store = OverviewStore(self)
        self.body_store = BodyStore(self)
        self.search_index = SearchIndex(self)
        if str(path) != ":memory:":
            private_dir(self.path.parent)
            tighten_files(*sidecars(self.path))  # SQLite gives -wal / -shm the main file's mode
        try:
            with private_umask():
                self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout=10000")  # a second pith (sync, reader) may be writing
            # 32 KB pages: a sync writes 100 MB of bodies with a quarter of 8 KB's system calls (the list's whole
            # `sync --bodies` 0.81 -> 0.66 s of CPU), expire still gives back all but 6%, the first search indexes
            # them sooner (bench/body_bench.py --page-size); like auto_vacuum, only a new file takes it
            self.db.execute("PRAGMA page_size=32768")
            self.db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # only takes on a new file: expiry gives space back
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA journal_size_limit=67108864")
            migrate(self.db, self.path)
        except sqlite3.DatabaseError as exc:
            errors.name_file(exc, self.path)
            raise StoreError(errors.describe_local_failure(exc)
                             or f"{self.path}: not a usable pith store ({exc})") from None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; nested uses join the outermost, which commits or rolls back all."""
        if self._depth:
            self._depth += 1
            try:
                yield self.db
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.db
        except BaseException as exc:
            self._depth = 0
            self._abandon(exc)
            raise
        self._depth = 0
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:  # a full disk often shows only here, when WAL pages are written
            self._abandon(exc)
            raise

    def _abandon(self, exc: BaseException) -> None:
        """Roll back what is left and name this file on ``exc``.

        After a full disk or an I/O error SQLite has already rolled the
        transaction back; a second ROLLBACK would raise and hide the real error.
        """
        errors.name_file(exc, self.path)
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the original error is the one to report

    def holds_nothing(self) -> bool:
        """Whether no table that keeps the user's or the server's data has a row (a store made for
        nothing, e.g. by a mistyped host, is then removed rather than left behind empty)."""
        present = {str(r[0]) for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return not any(self.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()  # noqa: S608 - fixed names
                       for table in USER_TABLES if table in present)
