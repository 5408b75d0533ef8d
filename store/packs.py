"""Overview packs: a group's overview rows copied into one blob of columns, for fast group entry.

Entering a cached group reads every overview back. Stepping SQLite through
150,000 rows and building the records costs about a second; a pack holds the
same rows as a ``Columns`` (nntp/columns.py) serialized by store/colpack.py:
arrays as machine bytes, strings as UTF-8 tables, decoded with no object per
article. The overview table stays the truth (search, number lookups and the
packs themselves come from it); a pack is a derived copy of consecutive rows,
dropped in the same transaction as any change to a row it covers. Rows past the
last pack are read row by row, and once a group has several packs or
``PACK_ROWS`` rows past them, what was read is written back as one pack
(``repack``): the next entry decodes one blob and joins nothing but the few
rows past it.

Each pack records the format it was written in (store/colpack.py ``FORMAT``: byte
order and item sizes included); a pack of another format, or a damaged one, is
dropped and rebuilt from the rows, never read.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from nntp.columns import Columns, from_records
from nntp.models import Overview
from nntp.memtrim import give_back
from store import colpack
from store.coljoin import join, part
from store.colpack import Row, from_blob, rows_to_columns, to_blob

PACK_ROWS = 4096
"""Packs cover whole runs of this many rows; fewer rows past the last pack are read as rows."""
MAX_PACK_ROWS = 256 * PACK_ROWS
"""At most this many rows (about 1,000,000: some 170 MB) in one pack; SQLite's limit for a blob is 1 GB."""
TAIL_BATCH = 8 * PACK_ROWS
"""Rows past the last pack are read this many at a time, each batch made Columns and joined: a group whose
rows were never packed (a settling cut short, a stale pack) is never held as every row's tuple at once."""

FORMAT = colpack.FORMAT
"""A pack of another format (another machine kind, or one from before packs were columns) is rebuilt."""
COLUMNS = "number, subject, author, date, message_id, refs, bytes, lines, xref"
_UTC = timezone.utc
_stamp = datetime.fromtimestamp
_new = tuple.__new__

__all__ = ["COLUMNS", "FORMAT", "PACK_ROWS", "Read", "Row", "TailPacker", "decode", "encode", "encode_records",
           "invalidate_from", "load", "no_gc", "overviews", "pack_tail", "packed_last", "repack",
           "rows_to_overviews", "wants_repack", "write_packs"]


@contextmanager
def no_gc() -> Iterator[None]:
    """Building 150,000 records triggers dozens of pointless full collections; defer them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rows_to_overviews(rows: Iterable[Row]) -> list[Overview]:
    """Overview rows as the table holds them -> records (for the few records a first screen needs)."""
    return [
        _new(Overview, (n, s, a, _stamp(d, _UTC) if d is not None else None, m,
                        tuple(r.split()) if r else (), b, ln, x, ()))
        for n, s, a, d, m, r, b, ln, x in rows
    ]


def encode(rows: list[Row]) -> bytes:
    """Rows -> one pack blob (store/colpack.py), with no record made on the way."""
    return to_blob(rows_to_columns(rows))


def encode_records(records: list[Overview]) -> bytes:
    """The pack of these records (as the table gives them back: whole seconds, no extra fields)."""
    return to_blob(from_records(records))


def decode(data: bytes) -> Columns:
    """A pack's Columns; ValueError if it is damaged (store/colpack.py checks before it hands out)."""
    return from_blob(data)


def packed_last(db: sqlite3.Connection, grp: str) -> int:
    """Highest article number covered by a pack (0: none)."""
    row = db.execute("SELECT MAX(last) FROM overview_pack WHERE grp=?", (grp,)).fetchone()
    return int(row[0] or 0)


def invalidate_from(db: sqlite3.Connection, grp: str, number: int) -> None:
    """Rows at or above ``number`` changed: drop every pack that covers any of them."""
    db.execute("DELETE FROM overview_pack WHERE grp=? AND last >= ?", (grp, number))


def pack_tail(db: sqlite3.Connection, grp: str) -> None:
    """Pack full runs of ``PACK_ROWS`` unpacked rows (caller holds the write transaction), ``TAIL_BATCH``
    rows at a time: however many rows were never packed, they are never all held at once."""
    last = packed_last(db, grp)
    rows = db.execute(f"SELECT {COLUMNS} FROM overview WHERE grp=? AND number > ? ORDER BY number", (grp, last))
    while batch := rows.fetchmany(TAIL_BATCH):
        write_packs(db, grp, batch)
        if len(batch) % PACK_ROWS:
            break  # the rest past the last full run stays rows


def write_packs(db: sqlite3.Connection, grp: str, rows: list[Row]) -> None:
    """Pack ``rows`` (every row past the last pack, in order): their full runs as one pack; the rest stays a tail."""
    whole = len(rows) - len(rows) % PACK_ROWS
    for start in range(0, whole, MAX_PACK_ROWS):
        _insert(db, grp, rows_to_columns(rows[start : min(whole, start + MAX_PACK_ROWS)]))


def _insert(db: sqlite3.Connection, grp: str, columns: Columns, stop: int | None = None) -> None:
    """Write ``columns`` (its first ``stop`` articles) as one pack through a blob handle, piece by piece
    from the arrays themselves (caller holds the transaction): no copy of a group's pack in Python's
    memory or SQLite's."""
    numbers, pieces = columns.numbers, colpack.to_pieces(columns, stop)
    count = len(numbers) if stop is None else stop
    try:
        row = db.execute("INSERT OR REPLACE INTO overview_pack VALUES (?,?,?,?,?,zeroblob(?))",
                         (grp, numbers[0], numbers[count - 1], count, FORMAT, sum(map(len, pieces))))
        assert row.lastrowid is not None
        with db.blobopen("overview_pack", "data", row.lastrowid, readonly=False) as blob:
            for piece in pieces:
                blob.write(piece)
    finally:
        colpack.release(pieces)


JOIN_EVERY = 8
"""Packs decoded before they are joined into what is read so far: a group settled in many packs
(local.huge: 244) is never held as every pack plus their join (725 MB of peak at 1,000,000 articles).
Measured without Textual, the first entry after settling: local.big 94 MB at 8, 105 at 16, 126 at 32;
local.huge 405 MB and 8.4 s at 8, 366 MB and 4.8 s at 32 (once: the pack written back is read whole next).
Since joins grow the first part's tables in place and the pack is written back from views of the arrays
(store/coljoin.py, store/colpack.py), 8 costs local.huge 208 MB of VmHWM in ~7 s (local.big 73 MB); 4 and 2
lower local.big's peak by 1 and 7 MB but every join scans the IDs read so far: 0.37 s at 8, 0.60 at 4, 0.95 at 2."""


def load(db: sqlite3.Connection, grp: str) -> tuple[list[Columns], int] | None:
    """A group's packs, decoded, and the last number they cover; None if a pack is unusable."""
    loaded = _load(db, grp, join_every=0)
    return None if loaded is None else (loaded[0], loaded[1])


def _load(db: sqlite3.Connection, grp: str, join_every: int) -> tuple[list[Columns], int, int] | None:
    """(the packs decoded, joined every ``join_every`` (0: never), the last number, how many packs)."""
    out: list[Columns] = []
    last = packs = 0
    for rowid, first, pack_last, count, fmt in db.execute(
        "SELECT rowid, first, last, count, fmt FROM overview_pack WHERE grp=? ORDER BY first", (grp,)
    ).fetchall():
        columns = _usable(db, rowid, fmt, count) if first > last else None
        if columns is None or columns.numbers[0] != first or columns.numbers[-1] != pack_last:
            return None
        out.append(columns)
        last, packs = pack_last, packs + 1
        if join_every and len(out) > join_every:
            out = [join(out, adopt=True)]
    return out, last, packs


def _usable(db: sqlite3.Connection, rowid: int, fmt: str, count: int) -> Columns | None:
    """A pack's columns, or None when it was written in another format or is damaged.

    Read through a blob handle, a section at a time: SQLite never holds the
    whole blob, nor Python a copy of it beside the columns made from it.
    """
    if fmt != FORMAT:
        return None
    try:
        columns = _decoded(db, rowid)
    except (ValueError, sqlite3.Error):  # damaged, or not a blob: read the rows instead
        return None
    return columns if len(columns) == count and count else None


def _decoded(db: sqlite3.Connection, rowid: int) -> Columns:
    """A pack's columns through a read-only blob handle (a handle opened for writing would take the
    write lock), or from its bytes where SQLite opens none."""
    try:
        blob = db.blobopen("overview_pack", "data", rowid, readonly=True)
    except sqlite3.OperationalError:
        (data,) = db.execute("SELECT data FROM overview_pack WHERE rowid=?", (rowid,)).fetchone()
        return decode(data)
    with blob:
        return colpack.from_reader(blob.read, len(blob))


@dataclass(frozen=True, slots=True)
class Read:
    """What reading a group's packs and the rows past them gave."""

    columns: Columns
    """Every row of the group, in number order (packs first, then the rows past them)."""
    tail: int
    """How many rows were read past the last pack."""
    tail_last: int | None
    """The number of the last of them (None: none)."""
    stale: bool
    """Whether a pack was unusable (another format, damaged): then every row was read."""
    packs: int
    """How many packs were read."""
    last: int
    """The last number the packs cover (0: none)."""


def overviews(db: sqlite3.Connection, grp: str) -> Read:
    """All of a group's rows as Columns, read from its packs and the rows past them."""
    with no_gc():
        packed = _load(db, grp, JOIN_EVERY)
        parts, last, count = packed if packed is not None else ([], 0, 0)
        rows = db.execute(f"SELECT {COLUMNS} FROM overview WHERE grp=? AND number > ? ORDER BY number", (grp, last))
        tail, tail_last = 0, None
        while batch := rows.fetchmany(TAIL_BATCH):
            parts.append(rows_to_columns(batch))
            tail, tail_last = tail + len(batch), batch[-1][0]
            if len(parts) > JOIN_EVERY:
                parts = [join(parts, adopt=True)]
        columns = join(parts, adopt=True)
    if count > 1 or tail:
        give_back(len(columns))  # the joins' temporary tables: their pages back before the reader threads and scores
    return Read(columns, tail, tail_last, packed is None, count, last)


def wants_repack(read: Read) -> bool:
    """Whether what was read should be written back as packs: stale ones, several, or many rows past them."""
    return read.stale or read.tail >= PACK_ROWS or read.packs > -(-len(read.columns) // MAX_PACK_ROWS)


def repack(db: sqlite3.Connection, grp: str, read: Read) -> None:
    """Write back what was read as one pack of its full runs (caller holds the write transaction).

    Stale packs are dropped (``read`` then holds every row). ``read`` is written
    only if the packs and rows are still what it saw (another connection may
    have written since): the same packs, and the same rows past them.
    """
    if read.stale:
        invalidate_from(db, grp, 0)
    whole = len(read.columns) - len(read.columns) % PACK_ROWS
    if not wants_repack(read) or not whole or not _unchanged(db, grp, read):
        return
    write_whole(db, grp, read.columns)


def write_whole(db: sqlite3.Connection, grp: str, columns: Columns) -> None:
    """Replace a group's packs by packs of the full runs of ``columns``, every row of the group in order
    (caller holds the write transaction); the rest stays rows past them."""
    whole = len(columns) - len(columns) % PACK_ROWS
    invalidate_from(db, grp, 0)
    for start in range(0, whole, MAX_PACK_ROWS):
        stop = min(whole, start + MAX_PACK_ROWS)
        if start:
            _insert(db, grp, part(columns, start, stop))
        else:  # the front of the group (all of it below MAX_PACK_ROWS): its arrays viewed, never sliced
            _insert(db, grp, columns, stop)


def pack_held(db: sqlite3.Connection, grp: str, columns: Columns) -> bool:
    """Pack a settled group from the Columns a reader holds of it, when they are its rows (the same count,
    first and last number): one pack written from memory, where settling packed run by run and the next
    entry would read and join those runs and write them back as one (caller holds the write transaction).
    -> whether it was done."""
    count, low, high = db.execute("SELECT COUNT(*), MIN(number), MAX(number) FROM overview WHERE grp=?",
                                  (grp,)).fetchone()
    numbers = columns.numbers
    if not count or (count, low, high) != (len(numbers), numbers[0], numbers[-1]) or len(numbers) < PACK_ROWS:
        return False
    write_whole(db, grp, columns)
    return True


def pack_settled(db: sqlite3.Connection, grp: str) -> None:
    """A group's chunks are all rows now: pack the full runs of rows past its packs (caller holds the
    write transaction).

    Several packs are not made one here: that means reading the whole group, and
    settling runs beside a reader that already holds it (local.big: +56 MB of
    peak). The next entry reads the packs anyway and writes back the one it
    joined (``repack``)."""
    last = packed_last(db, grp)
    past = db.execute("SELECT COUNT(*) FROM overview WHERE grp=? AND number > ?", (grp, last)).fetchone()[0]
    if past >= PACK_ROWS:
        pack_tail(db, grp)


def _unchanged(db: sqlite3.Connection, grp: str, read: Read) -> bool:
    packs, last = db.execute("SELECT COUNT(*), COALESCE(MAX(last), 0) FROM overview_pack WHERE grp=?",
                             (grp,)).fetchone()
    count, top = db.execute("SELECT COUNT(*), MAX(number) FROM overview WHERE grp=? AND number > ?",
                            (grp, last)).fetchone()
    return (packs, last, count) == (read.packs, read.last, read.tail) and (not read.tail or top == read.tail_last)


class TailPacker:
    """Packs records as chunks of them are settled, without reading them back (store/rawchunks.py).

    Each ``add`` runs in the transaction that inserts those rows. It packs only
    while every record it is given lies above every row already in the table (the
    usual first fetch); anything else (a refetch over existing rows, numbers out
    of order) stops it, and ``pack_tail`` afterwards packs from the table as before.
    The records must be as the table gives them back (rawchunks.as_stored).
    """

    def __init__(self, db: sqlite3.Connection, grp: str) -> None:
        self.db, self.grp = db, grp
        self.tail: list[Overview] | None = None
        self.stopped = False

    def resumable(self) -> bool:
        """Whether the tail held here is still exactly the table's rows past the last pack.

        Between two ``settle`` calls another writer (a sync, expiry, a failed
        transaction) may have changed them; then the packer must be made afresh.
        """
        if self.stopped or self.tail is None:
            return False
        last = packed_last(self.db, self.grp)
        count, top = self.db.execute("SELECT COUNT(*), MAX(number) FROM overview WHERE grp=? AND number > ?",
                                     (self.grp, last)).fetchone()
        if not self.tail:
            return count == 0
        return count == len(self.tail) and top == self.tail[-1].number and self.tail[0].number > last

    def check(self, first: int) -> None:
        """Before rows from ``first`` on are inserted: stop if the table already has any there."""
        if not self.stopped and self.db.execute(
                "SELECT 1 FROM overview WHERE grp=? AND number >= ? LIMIT 1", (self.grp, first)).fetchone():
            self.stopped = True

    def add(self, records: list[Overview]) -> None:
        """Records just inserted, in number order: write every full pack they complete."""
        if self.stopped or not records:
            return
        numbers = [r.number for r in records]
        if any(a >= b for a, b in zip(numbers, numbers[1:])) or any(r.date and r.date.microsecond for r in records):
            self.stopped = True
            return
        if self.tail is None:
            last = packed_last(self.db, self.grp)
            (before,) = self.db.execute("SELECT COUNT(*) FROM overview WHERE grp=? AND number > ? AND number < ?",
                                        (self.grp, last, numbers[0])).fetchone()
            if before > TAIL_BATCH:  # rows a settling beside a reader left unpacked: not read as records here;
                self.stopped = True  # pack_tail packs them a batch at a time once the group is settled
                return
            self.tail = rows_to_overviews(self.db.execute(
                f"SELECT {COLUMNS} FROM overview WHERE grp=? AND number > ? AND number < ? ORDER BY number",
                (self.grp, last, numbers[0])).fetchall())
        self.tail.extend(records)
        for start in range(0, len(self.tail) - PACK_ROWS + 1, PACK_ROWS):
            _insert(self.db, self.grp, from_records(self.tail[start : start + PACK_ROWS]))
        del self.tail[: len(self.tail) - len(self.tail) % PACK_ROWS]
