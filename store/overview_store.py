"""The overviews of a store: a group's packs, written and read as Columns.

One concern of store/cache.py's ``Store``, on its connection. A group's
overviews live in one stored form, its packs (store/packs.py writes them,
store/packread.py reads them): a server's OVER answers as they came, or binary
columns. Each write commits with the high-water mark and queues its numbers for
the search index; a group read in several packs (or from answers as they came)
is compacted into one binary pack, from what was read or from what the reader holds.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from nntp.columns import Columns, from_records
from nntp.models import Overview, RawOverviews
from store import headindex, packread, packs, search
from store.colpack import empty
from store.packread import DamagedPack, Read
from store.rawchunks import is_over, stored

if TYPE_CHECKING:
    from store.cache import Store

WHOLE_FIRST = 8192
"""A group in one binary pack of at most this many articles is decoded whole for its first screen and kept for
the entry (~2 ms: less than a helper thread decoding it again); a bigger one is read in part (``first``)."""


class OverviewStore:
    """Overviews of one store, by group and article number. Used by one thread at a time."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.notes: list[str] = []
        """One line per pack set aside because it could not be read (the Library shows them)."""
        self._held: tuple[str, weakref.ref[Columns]] | None = None
        """The group a reader entered last and its Columns (the very object it reads, not kept alive here
        once the reader lets it go): the group is compacted from them when the reader is idle."""
        self._early: tuple[str, Read] | None = None
        """A group's single pack decoded for its first screen, kept for the rest of the entry."""

    @property
    def _db(self) -> sqlite3.Connection:
        return self._store.db

    def hold(self, name: str, columns: Columns) -> None:
        """A reader holds ``columns`` as group ``name``: compaction writes the group from them."""
        self._held = (name, weakref.ref(columns))

    def _holding(self, name: str) -> Columns | None:
        held = self._held
        return held[1]() if held is not None and held[0] == name else None

    # -- writing ---------------------------------------------------------
    def save(self, name: str, overviews: Iterable[Overview], fetched_through: int) -> None:
        """Store one batch as a binary pack and advance the high-water mark in the same transaction."""
        columns = stored(from_records(overviews))
        with self._store.transaction():
            self.put(name, columns)
            self._store.group_table.raise_fetched_high(name, fetched_through)

    def put(self, name: str, columns: Columns, index_now: bool = False) -> None:
        """Store articles (caller holds the transaction); index them now or queue them for the index."""
        if not len(columns):
            return
        packs.put(self._db, name, columns)
        if index_now:
            headindex.index_columns(self._db, name, columns)
        else:
            search.queue_overviews(self._db, name, min(columns.numbers), max(columns.numbers))

    def save_raw(self, name: str, raw: RawOverviews, count: int | None = None) -> None:
        """Store one OVER answer as it came (``count``: its records, if the caller counted them) and advance
        the high-water mark, in one transaction: no parsing, no index upkeep on the cold path."""
        with self._store.transaction():
            packs.insert_over(self._db, name, raw, count)
            if raw.data:
                search.queue_overviews(self._db, name, raw.first, raw.last)
            self._store.group_table.raise_fetched_high(name, raw.last)

    def compact(self) -> int:
        """Write the group the reader holds back as one binary pack, if it is not one already (an idle
        reader's step after a first entry; only a cache of work: skipped when another pith writes).
        -> the steps left (always 0)."""
        held = self._held
        columns = held[1]() if held is not None else None
        if held is None or columns is None:
            return 0
        try:
            with self._store.transaction():
                packs.compact_held(self._db, held[0], columns)
        except sqlite3.OperationalError:
            pass
        return 0

    # -- reading ---------------------------------------------------------
    def holds(self, name: str) -> bool:
        """Whether any overview of the group is stored."""
        return self._db.execute("SELECT 1 FROM overview_pack WHERE grp=? LIMIT 1", (name,)).fetchone() is not None

    def count(self, name: str) -> int:
        """How many overviews of the group are stored."""
        return packs.span(self._db, name)[2]

    def all(self, name: str) -> Columns:
        """Every stored overview of a group, in article-number order; compacted when it was in several
        packs or in answers as they came, so the next entry decodes one blob."""
        read = self._take_early(name) or self._read(name)
        self._compact(name, read)
        return read.columns

    def read(self, name: str) -> Columns:
        """Every stored overview of a group, never written back (a sync's body targets, expiry: the
        reader's next entry compacts, not a command that only looks)."""
        return (self._take_early(name) or self._read(name)).columns

    def first(self, name: str, limit: int) -> list[Overview]:
        """About ``limit`` of a group's lowest-numbered records, for a first screen while the rest is read.

        A group in one small pack (or one OVER answer) is decoded whole and kept for
        the entry's ``meanwhile`` or ``all`` rather than decoded twice; of a bigger
        group only the leading packs that hold the records are read, the last of them
        only as far as they need (store/colprefix.py): the whole decode, which checks
        the pack's CRC, stays on ``meanwhile``'s helper thread (local.huge: 0.24 s ->
        a few ms of the caller's thread)."""
        self._early = None
        listed = packread.listed(self._db, name)
        if not listed:
            return []
        if len(listed) == 1 and (is_over(listed[0][4]) or listed[0][3] <= WHOLE_FIRST):
            read = self._read(name)
            self._early = (name, read)
            return list(read.columns[:limit])
        try:
            return list(packread.leading(self._db, name, listed, limit))
        except DamagedPack:
            return []  # set aside when the whole group is read

    def meanwhile(self, name: str) -> Callable[[], Columns]:
        """Start reading a group's overviews on a helper thread; call the result to get them.

        Entering a group waits for the server (connect, GROUP, OVER of what is new)
        and for decoding what is stored; this overlaps the two. The helper has its
        own read-only connection (WAL readers see a snapshot and never block the
        writer); when called, the result adds the packs stored since that snapshot.
        """
        early = self._take_early(name)
        if early is not None:
            return lambda: self._since(name, early)
        if str(self._store.path) == ":memory:":
            return lambda: self.all(name)
        result: list[Read | BaseException] = []
        helper = threading.Thread(target=_read_snapshot, args=(str(self._store.path), name, result),
                                  name="pith-overviews", daemon=True)
        helper.start()

        def finish() -> Columns:
            helper.join()
            done = result[0] if result else None
            if done is None or isinstance(done, BaseException):
                return self.all(name)
            return self._since(name, done)

        return finish

    def _take_early(self, name: str) -> Read | None:
        early, self._early = self._early, None
        return early[1] if early is not None and early[0] == name else None

    def _since(self, name: str, read: Read) -> Columns:
        """What a snapshot read, compacted when wanted, plus the packs stored since it was taken (listed
        before the compaction writes its own)."""
        newer = [p for p in packread.listed(self._db, name) if p not in set(read.packs)]
        self._compact(name, read)
        if not newer:
            return read.columns
        try:
            return packs.merge(read.columns, packread.decoded(self._db, name, newer))
        except DamagedPack:
            return self.all(name)

    def _read(self, name: str) -> Read:
        """A group's packs decoded; one that cannot be is set aside (with a note) and the rest read."""
        skip: frozenset[int] = frozenset()
        while True:
            try:
                return packread.overviews(self._db, name, skip)
            except DamagedPack as bad:
                skip |= {bad.pack[0]}
                self._set_aside(bad)

    def _set_aside(self, bad: DamagedPack) -> None:
        self.notes.append(str(bad))
        try:
            with self._store.transaction():
                packs.quarantine(self._db, bad.pack, bad.error)
        except sqlite3.OperationalError:
            pass  # another pith writes: left where it is, skipped by this reading

    def _compact(self, name: str, read: Read) -> None:
        if packs.wants_compaction(read):
            try:
                with self._store.transaction():
                    packs.compact(self._db, name, read)
            except sqlite3.OperationalError:
                pass

    def between(self, name: str, low: int, high: int) -> Columns:
        """The group's articles numbered ``low..high`` (only the packs covering them decoded)."""
        return self._decoding(name, lambda: packread.between(self._db, name, low, high))

    def _decoding(self, name: str, read: Callable[[], Columns]) -> Columns:
        """``read()`` of some of a group's packs; when one cannot be decoded, the group is read whole (which
        sets it aside) and ``read`` tried once more; nothing when it still fails (another pith writes)."""
        try:
            return read()
        except DamagedPack:
            self._read(name)
        try:
            return read()
        except DamagedPack:
            return empty()

    def number_for(self, name: str, message_id: str) -> int | None:
        """The group's number of an article, or None when it is not stored."""
        for columns in self._naming(name, message_id):
            at = packread.index_of_id(columns, message_id)
            if at is not None:
                return columns.numbers[at]
        return None

    def _naming(self, name: str, message_id: str) -> Iterator[Columns]:
        """Where ``message_id`` may be: the reader's Columns, then each pack whose bytes hold it, decoded."""
        held = self._holding(name)
        if held is not None:
            yield held
        for pack in packread.packs_naming(self._db, name, message_id):
            yield self._pack(name, pack)

    def message_id_for(self, name: str, number: int) -> str | None:
        """The Message-ID of the group's article ``number``, or None when it is not stored (the reader's
        Columns when it holds the group, else the one pack covering the number)."""
        held = self._holding(name)
        columns = held if held is not None and packread.index_of_number(held, number) is not None \
            else self.between(name, number, number)
        at = packread.index_of_number(columns, number)
        return columns.message_id(at) if at is not None else None

    def _pack(self, name: str, pack: packread.PackRow) -> Columns:
        return self._decoding(name, lambda: packread.decoded(self._db, name, [pack]))


def _read_snapshot(path: str, name: str, result: list[Read | BaseException]) -> None:
    """On a helper thread: a group's packs through a read-only connection of its own."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            db.execute("BEGIN")
            result.append(packread.overviews(db, name))
        finally:
            db.close()
    except BaseException as exc:  # reported to the caller, who falls back
        result.append(exc)
