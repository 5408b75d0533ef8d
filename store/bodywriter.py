"""Storing fetched bodies on a thread of its own while the caller reads the socket (issue 16).

A pipelined body sync has two jobs that each take about half its time: reading
and unstuffing the answers, and writing them into SQLite (100 MB of bodies: WAL
pages, checkpoints, fsync). Both let go of the GIL for their system calls, so
they overlap: the caller reads, and hands the answers over a batch at a time
(one hand-over per transaction, not one per article: the earlier read-ahead
queue passed every article between threads and paid a lock round trip each).

Resumability stays what a batch is: ``store`` commits one batch in one
transaction, so a kill costs at most the batches not yet committed, fetched
again next time. The store's connection is used only by this thread while the
``with`` block runs. A failure in the writer stops it taking more work; the
caller sees it at its next ``put`` or when the block ends, and the transaction
that failed was rolled back by the store (nothing half-written).

How big a batch is (``hand_over``) weighs three costs. Each commit also writes
again every index page the batch touched (Message-IDs are random: at the end of
list.linux-media, ~1.3 MB of them a commit, which the checkpoint copies again):
its whole ``sync --bodies`` wrote 310 MB and read back 210 MB for 100 MB of
articles with 256 bodies to a transaction; with up to 512 and a page cache that
holds them (``CACHE_KIB``), 289 MB and 147 MB, and its bodies phase took ~5% less
CPU (1,024: 281 and 142 MB, but the bigger WAL costs its close more than that
saves). A kill -9 costs the batches not yet committed, fetched again. And the writer waits for the first batch, the
command for the last commit after the last byte: so the batches grow from
``BATCH_LEAST`` and shrink back to it as the end nears.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from nntp.pipeline import Fetched

T = TypeVar("T")

BATCH_MOST = 512
"""Bodies to a transaction while many more are to come (a kill -9 costs at most the batches queued)."""
BATCH_LEAST = 128
"""Bodies to a transaction at the end (the last commit is waited for): half of what is left, never fewer."""
BATCH_BYTES = 8 << 20
"""A batch is handed over at this many bytes of articles, however few (big articles: memory, the last commit)."""
CACHE_KIB = 16 << 10
"""The committing connection's page cache during a bulk store: a batch and the indexes it touches (SQLite's
default, 2 MB, spilled a 256-body batch to the WAL and read its index pages back for the next)."""


def batch_limit(left: int, handed: int = 0) -> int:
    """Bodies in the next batch when ``handed`` answers went to the writer and ``left`` are still to come:
    doubling from BATCH_LEAST (the writer starts soon), BATCH_MOST, then halving back (it ends soon)."""
    return max(BATCH_LEAST, min(BATCH_MOST, handed, left // 2))


class BatchWriter(Generic[T]):
    """``with BatchWriter(store) as writer: writer.put(batch)``: ``store(batch)`` runs on a helper thread,
    batches in the order put, and whatever it returns is appended to ``results``."""

    def __init__(self, store: Callable[[list[T]], list[str]], results: list[str], depth: int = 2) -> None:
        self._store = store
        self.results = results
        self._queue: queue.Queue[list[T] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pith-body-writer", daemon=True)

    def __enter__(self) -> BatchWriter[T]:
        self._thread.start()
        return self

    def put(self, batch: list[T]) -> None:
        """Queue a batch (waits while ``depth`` are queued); raises the writer's error if it failed."""
        self.check()
        if batch:
            self._queue.put(batch)

    def check(self) -> None:
        """Raise the writer's error, if it had one (the caller then stops reading)."""
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None:  # after a failure, batches are only taken off (the caller is told)
                try:
                    self.results.extend(self._store(batch))
                except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
                    self._error = exc

    def __exit__(self, *exc_info: object) -> None:
        """Wait for every batch queued; the writer's error goes up unless another one already does."""
        interrupted = False
        self._queue.put(None)
        while self._thread.is_alive():  # a Ctrl-C waits for the batch being committed: never two users of the db
            try:
                self._thread.join()
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt
        if exc_info[0] is None:
            self.check()


def hand_over(writer: BatchWriter[Fetched], arriving: Iterator[Fetched], report: Callable[[], None],
              expected: int) -> None:
    """Hand the ``expected`` answers to the writer a batch at a time as they arrive (``batch_limit``, or
    BATCH_BYTES); the last, partial batch too when the stream breaks (a resume then starts after it).
    A writer's failure stops the reading."""
    batch: list[Fetched] = []
    size, handed, limit = 0, 0, batch_limit(expected, 0)
    try:
        for fetched in arriving:
            batch.append(fetched)
            size += len(fetched.raw) if fetched.raw is not None else 0
            if len(batch) >= limit or size >= BATCH_BYTES:
                writer.put(batch)
                handed += len(batch)
                batch, size, limit = [], 0, batch_limit(expected - handed, handed)
                report()
    finally:
        try:
            writer.put(batch)
        finally:
            _close(arriving)  # a stop mid-window reads what is in flight (or drops the link)


def _close(arriving: Iterator[Fetched]) -> None:
    close = getattr(arriving, "close", None)
    if close is not None:
        close()


class Checkpointer:
    """``with Checkpointer(db, path) as c:`` the WAL copied into the database by a thread of its own.

    A sync writes ~100 MB of bodies through the WAL. Left to SQLite, the
    connection that commits also checkpoints: it copies the pages on into the
    file and waits for two fsyncs while the socket waits for it. Here a second
    connection checkpoints (PASSIVE: never in the writer's way) after each
    committed batch, on another core, and the committing one does not.

    The WAL must still start over now and then, or it grows by the whole sync
    (list.linux-media: 148 MB, and its close paid for it): SQLite rewinds it
    only when a write begins with every page copied, and a writer that never
    waits always begins before the copy of its last batch ends. So every
    ``RESTART_EVERY`` batches ``before_batch`` waits for the copy after the last
    commit (about one batch's, while the socket is read on); the WAL then holds
    at most that many batches, as with SQLite's own checkpoints. Durability is
    what it was: each batch is one transaction committed to the WAL
    (synchronous=NORMAL), and what a kill leaves uncopied the next checkpoint copies.

    Meanwhile the committing connection's page cache holds CACHE_KIB (its own
    size comes back after, and what it held beyond is freed).
    """

    RESTART_EVERY = 3
    """Batches (``hand_over``'s: up to BATCH_MOST bodies or BATCH_BYTES) between two rewinds of the WAL
    (list.linux-media: the WAL peaks at ~24 MB; every 2, ~17 MB, and the writer waits for the copy five times
    as long)."""

    def __init__(self, db: sqlite3.Connection, path: str) -> None:
        self._db, self._path = db, path
        self._own: sqlite3.Connection | None = None
        self._changed = threading.Condition()
        self._committed = self._tried = self._rewound = 0
        """Batches committed; batches a checkpoint has run after; ``_committed`` at the last rewind."""
        self.copied = 0
        """Checkpoints that copied the whole WAL (tests look)."""
        self._stop = self._stopped = False
        self._before = self._cache = 0
        self._thread = threading.Thread(target=self._run, name="pith-checkpointer", daemon=True)

    def __enter__(self) -> Checkpointer:
        try:
            self._own = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
            self._own.execute("PRAGMA busy_timeout=0")
        except sqlite3.Error:
            self._own = None  # no second connection: SQLite checkpoints as it always did
            return self
        self._before = int(self._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        self._cache = int(self._db.execute("PRAGMA cache_size").fetchone()[0])
        self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._db.execute(f"PRAGMA cache_size={-CACHE_KIB}")
        self._thread.start()
        return self

    def before_batch(self, timeout: float = 5.0) -> None:
        """Before a batch's transaction: every RESTART_EVERY batches, wait for the checkpoint after the last
        commit, so that this transaction begins with the WAL copied and rewinds it."""
        if self._own is None or self._committed - self._rewound < self.RESTART_EVERY:
            return
        with self._changed:
            self._changed.wait_for(lambda: self._tried >= self._committed or self._stopped, timeout)
        self._rewound = self._committed

    def committed(self) -> None:
        """After a batch's commit: copy it on when the thread is free."""
        with self._changed:
            self._committed += 1
            self._changed.notify_all()

    def _run(self) -> None:
        assert self._own is not None
        try:
            while (target := self._next()) is not None:
                self.copied += _checkpoint(self._own)
                with self._changed:
                    self._tried = target
                    self._changed.notify_all()
        finally:
            self._own.close()
            with self._changed:
                self._stopped = True
                self._changed.notify_all()

    def _next(self) -> int | None:
        """Wait for a commit not yet checkpointed after; -> the commits so far, None when told to stop."""
        with self._changed:
            self._changed.wait_for(lambda: self._committed > self._tried or self._stop)
            return None if self._stop else self._committed

    def __exit__(self, *exc_info: object) -> None:
        if self._own is None:
            return
        with self._changed:
            self._stop = True
            self._changed.notify_all()
        try:
            self._thread.join()
        finally:
            self._db.execute(f"PRAGMA wal_autocheckpoint={self._before}")
            self._db.execute(f"PRAGMA cache_size={self._cache}")


def _checkpoint(db: sqlite3.Connection) -> bool:
    """One PASSIVE checkpoint: whether it copied the whole WAL (one that was busy, or held back by a
    reader, copied less; the next one, or SQLite's own at the end, copies the rest)."""
    try:
        busy, pages, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    except sqlite3.Error:
        return False
    return not busy and pages == copied
