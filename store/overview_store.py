"""The overviews of a store: rows, raw OVER chunks and packs, read and written as one.

One concern of store/cache.py's ``Store``, on its connection. A first fetch
stores OVER answers as they came (store/rawchunks.py); ``settle`` turns them
into rows later, and rows past the last pack are packed (store/packs.py), so
the next entry reads packs. Readers see chunks, rows and packs merged.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from nntp.columns import Columns
from nntp.models import Overview, RawOverviews
from store import packs, rawchunks, search
from store.colpack import rows_to_columns

if TYPE_CHECKING:
    from store.cache import Store

Snapshot = tuple[Columns, packs.Read]
"""What a helper thread read: the group (chunks merged in) and what its packs and rows gave."""


def overview_row(name: str, o: Overview) -> tuple[object, ...]:
    """The ``overview`` table's columns of one record."""
    return (name, o.number, o.message_id, o.subject, o.author,
            int(o.date.timestamp()) if o.date else None, " ".join(o.references), o.bytes, o.lines, o.xref)


class OverviewStore:
    """Overviews of one store, by group and article number. Used by one thread at a time."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._packers: dict[str, packs.TailPacker] = {}
        """Per group, the packer of a settling that is not finished: one chunk per ``settle`` call
        (an idle reader's pace) then costs no re-read of the rows past the last pack."""
        self._deferred: set[str] = set()
        """Groups settled without tail packs, to be packed from what the reader holds (``_held``)."""
        self._held: tuple[str, weakref.ref[Columns]] | None = None
        """The group a reader entered last and its Columns (the very object it reads, not kept alive here
        once the reader lets it go): packed from them once its chunks are settled."""

    def _holding(self, name: str) -> Columns | None:
        """The Columns a reader holds of group ``name``, if it still holds them."""
        held = self._held
        return held[1]() if held is not None and held[0] == name else None

    def hold(self, name: str, columns: Columns) -> None:
        """A reader holds ``columns`` as group ``name``: once settled, the group is packed from them."""
        self._held = (name, weakref.ref(columns))

    @property
    def _db(self) -> sqlite3.Connection:
        return self._store.db

    # -- writing ---------------------------------------------------------
    def save(self, name: str, overviews: Iterable[Overview], fetched_through: int) -> None:
        """Store one batch and advance the high-water mark in the same transaction."""
        batch = list(overviews)
        with self._store.transaction():
            self._insert_rows(name, batch)
            self._store.group_table.raise_fetched_high(name, fetched_through)

    def save_raw(self, name: str, raw: RawOverviews) -> None:
        """Store one OVER answer as it came and advance the high-water mark, in one transaction.

        The cheap first-fetch path (store/rawchunks.py): no parsing, no rows, no
        index upkeep; ``settle`` makes the rows later.
        """
        with self._store.transaction():
            rawchunks.save(self._db, name, raw)
            self._store.group_table.raise_fetched_high(name, raw.last)

    def settle(self, name: str | None = None, chunks: int | None = None) -> int:
        """Turn stored OVER chunks into rows (of one group, or all; the next ``chunks`` or every one).

        One transaction per chunk; a group whose last chunk settled gets its packs
        written, so the next entry reads packs. Returns the chunks left (of ``name``).
        """
        for stale in [g for g, packer in self._packers.items() if not packer.resumable()]:
            del self._packers[stale]  # something else wrote rows or packs meanwhile: start over from the table
        done = 0
        while chunks is None or done < chunks:
            with self._store.transaction():
                group = rawchunks.settle_next(self._db, name, self._settle_rows, self._settle_failed)
            if group is None:
                break
            done += 1
        left = rawchunks.pending(self._db, name) if done else 0
        self._pack_settled()
        return left

    def _settle_rows(self, group: str, batch: list[Overview]) -> None:
        if group in self._deferred or self._holding(group) is not None:  # packed once settled, from
            self._deferred.add(group)               # what the reader holds (else by pack_tail, a batch at a
            self._insert_rows(group, batch)         # time): no tail packs made and held beside the reader
            return
        packer = self._packers.setdefault(group, packs.TailPacker(self._db, group))
        if batch:
            packer.check(batch[0].number)
        self._insert_rows(group, batch)
        packer.add(batch)

    def _settle_failed(self, group: str, _exc: Exception) -> None:
        self._packers.pop(group, None)  # its tail held the rows rolled back: a fresh packer reads the table

    def _pack_settled(self) -> None:
        """Pack the tail of each group whose chunks are all settled now."""
        for group in [*self._packers, *(self._deferred - self._packers.keys())]:
            if not rawchunks.pending(self._db, group):
                self._packers.pop(group, None)
                self._pack_tail(group)
                self._deferred.discard(group)

    def _pack_tail(self, name: str) -> None:
        """Pack the rows past the last pack (only a cache: skipped if another process is writing).

        A group the reader holds is packed whole from its Columns; else (they are no longer its rows:
        articles stored or expired meanwhile) its rows are packed a batch at a time (``packs.pack_tail``)."""
        held = self._holding(name)
        try:
            with self._store.transaction():
                if held is None or not packs.pack_held(self._db, name, held):
                    packs.pack_settled(self._db, name)
        except sqlite3.OperationalError:
            pass

    def settled(self, name: str | None = None) -> None:
        """Rows are about to be read with SQL: make them from any stored chunks first.

        If another pith holds the write lock past the busy timeout, the answer
        comes from the rows settled so far rather than an error.
        """
        if rawchunks.pending(self._db, name):
            try:
                self.settle(name)
            except sqlite3.OperationalError:
                pass

    def _insert_rows(self, name: str, batch: list[Overview]) -> None:
        """Insert rows (caller holds the transaction), drop packs over them, queue them for the index."""
        if batch:
            self._db.executemany("INSERT OR REPLACE INTO overview VALUES (?,?,?,?,?,?,?,?,?,?)",
                                 [overview_row(name, o) for o in batch])
            numbers = [o.number for o in batch]
            self.rows_changed(name, min(numbers), max(numbers))

    def rows_changed(self, name: str, first: int, last: int, index_now: bool = False) -> None:
        """Rows ``first..last`` were written: drop packs over them; index them now or queue them."""
        if first <= packs.packed_last(self._db, name):
            packs.invalidate_from(self._db, name, first)
        if index_now:
            search.index_overviews(self._db, name, first, last)
        else:
            search.queue_overviews(self._db, name, first, last)

    # -- reading ---------------------------------------------------------
    def holds(self, name: str) -> bool:
        """Whether any overview of the group is cached (rows or chunks)."""
        return (self._db.execute("SELECT 1 FROM overview WHERE grp=? LIMIT 1", (name,)).fetchone() is not None
                or bool(rawchunks.pending(self._db, name)))

    def all(self, name: str) -> Columns:
        """Every cached overview of a group, in article-number order (packs first, then the tail).

        What was read is written back as one pack when the group had several, or
        many rows past its pack (packs.repack), so the next entry decodes one
        blob; that is skipped when another process holds the write lock (it is
        only a cache).
        """
        read = packs.overviews(self._db, name)
        self._repack(name, read)
        return _with_chunks(self._db, name, read.columns)

    def first(self, name: str, limit: int) -> list[Overview]:
        """About ``limit`` of a group's lowest-numbered cached records, cheaply whatever its size.

        For a first screen of threads while the whole group is read: the first
        rows (a pack is the whole group: too much to decode twice), else the
        first stored chunk.
        """
        rows = self._db.execute(f"SELECT {packs.COLUMNS} FROM overview WHERE grp=? ORDER BY number LIMIT ?",
                                (name, limit)).fetchall()
        if rows:
            return packs.rows_to_overviews(rows)
        return list(rawchunks.first_records(self._db, name)[:limit])

    def meanwhile(self, name: str) -> Callable[[], Columns]:
        """Start reading a group's cached overviews on a helper thread; call the result to get them.

        Entering a group waits for the server (connect, GROUP, OVER of what is new)
        and for decoding what is cached; this overlaps the two. The helper has its
        own read-only connection (WAL readers see a snapshot and never block the
        writer); when called, the result adds the rows stored since that snapshot.
        """
        if str(self._store.path) == ":memory:":
            return lambda: self.all(name)
        result: list[Snapshot | BaseException] = []
        helper = threading.Thread(target=_read_snapshot, args=(str(self._store.path), name, result),
                                  name="pith-overviews", daemon=True)
        helper.start()

        def finish() -> Columns:
            helper.join()
            done = result[0] if result else None
            if done is None or isinstance(done, BaseException):
                return self.all(name)
            return self._since_snapshot(name, done)

        return finish

    def _since_snapshot(self, name: str, snapshot: Snapshot) -> Columns:
        """A helper's snapshot plus the rows and chunks stored since it was taken."""
        columns, read = snapshot
        last = columns.numbers[-1] if len(columns) else 0
        newer = self._db.execute(f"SELECT {packs.COLUMNS} FROM overview WHERE grp=? AND number > ? "
                                 "ORDER BY number", (name, last)).fetchall()
        self._repack(name, read)  # skipped unless the packs and rows are still those the helper read
        chunks = rawchunks.records(self._db, name, above=last)
        return rawchunks.merge(rawchunks.merge(columns, rows_to_columns(newer)), chunks)

    def _repack(self, name: str, read: packs.Read) -> None:
        if packs.wants_repack(read):
            try:
                with self._store.transaction():
                    packs.repack(self._db, name, read)
            except sqlite3.OperationalError:
                pass

    def count(self, name: str) -> int:
        """How many overviews of the group are cached."""
        self.settled(name)
        return int(self._db.execute("SELECT COUNT(*) FROM overview WHERE grp=?", (name,)).fetchone()[0])

    def number_for(self, name: str, message_id: str) -> int | None:
        """The group's number of an article, or None when it is not cached."""
        row = self._db.execute("SELECT number FROM overview WHERE grp=? AND message_id=?",
                               (name, message_id)).fetchone()
        if row is None:  # opening an article must not wait for a whole group to settle
            found = rawchunks.find(self._db, name, message_id=message_id)
            return found.number if found else None
        return int(row[0])

    def message_id_for(self, name: str, number: int) -> str | None:
        """The Message-ID of the group's article ``number``, or None when it is not cached."""
        row = self._db.execute("SELECT message_id FROM overview WHERE grp=? AND number=?",
                               (name, number)).fetchone()
        if row is None:
            found = rawchunks.find(self._db, name, number=number)
            return found.message_id if found else None
        return str(row[0])


def _with_chunks(db: sqlite3.Connection, name: str, columns: Columns) -> Columns:
    """Add the records of chunks not yet settled into rows (there are none most of the time)."""
    if not rawchunks.pending(db, name):
        return columns
    with packs.no_gc():
        return rawchunks.merge(columns, rawchunks.records(db, name))


def _read_snapshot(path: str, name: str, result: list[Snapshot | BaseException]) -> None:
    """On a helper thread: a group's cached overviews through a read-only connection of its own."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            db.execute("BEGIN")
            read = packs.overviews(db, name)
            result.append((_with_chunks(db, name, read.columns), read))
        finally:
            db.close()
    except BaseException as exc:  # reported to the caller, who falls back
        result.append(exc)
