"""Writing overview packs: the one stored form of a group's overviews.

A pack covers articles ``first..last`` of one group, in one of two encodings
recorded in its ``fmt``: binary columns (store/colpack.py) or an OVER answer as
it came from a server (store/rawchunks.py, the cheapest write on the cold path).
store/packread.py decodes both to Columns. There is no other copy: lookups,
search indexing, body targets and expiry all read packs.

Every write keeps a group's packs from overlapping (``put`` folds what it
overlaps into one pack, the new articles winning), so a group is its packs in
order of ``first``. Compaction (``compact``, ``write_whole``) replaces the packs
a reader read by binary packs of what it read: the next entry decodes one blob.
It compacts one form; it converts nothing into another.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from nntp.columns import Columns
from nntp.models import RawOverviews
from nntp.overblock import count_records
from store import colpack, rawchunks
from store.coljoin import join, part
from store.packread import PackRow, Read, decoded, listed

MAX_PACK_ROWS = 1 << 20
"""At most this many articles (about 1,000,000: some 170 MB) in one pack; SQLite's limit for a blob is 1 GB."""
QUARANTINE_TABLE = "overview_bad"
"""Packs that could not be decoded, kept with their error, out of every reader's way."""

FORMAT = colpack.FORMAT
_INSERT = "INSERT INTO overview_pack (grp, first, last, count, fmt, data) VALUES (?,?,?,?,?,zeroblob(?))"


def insert_over(db: sqlite3.Connection, grp: str, raw: RawOverviews, count: int | None = None) -> None:
    """Keep one OVER answer as it came (caller holds the transaction); an empty answer keeps nothing.

    Written through a blob handle into a zeroblob: bound as a parameter, SQLite
    would copy the answer (1.4 MB at OVER_CHUNK) and build a record of it again
    beside the reader's columns growing at the same time. An answer over numbers
    the group already holds (a refetch) is folded into them instead (``put``).
    """
    if not raw.data:
        return
    if listed(db, grp, raw.first, raw.last):
        put(db, grp, rawchunks.over_columns(raw.data, raw.fmt)[0])
        return
    held = count if count is not None else count_records(raw.data, raw.fmt)[0]
    row = db.execute(_INSERT, (grp, raw.first, raw.last, held, rawchunks.over_format(raw.fmt), len(raw.data)))
    assert row.lastrowid is not None
    with db.blobopen("overview_pack", "data", row.lastrowid, readonly=False) as blob:
        blob.write(raw.data)


def put(db: sqlite3.Connection, grp: str, columns: Columns) -> None:
    """Store ``columns`` as binary packs (caller holds the transaction); packs they overlap are folded in,
    an article of ``columns`` replacing one of the same number."""
    numbers = columns.numbers
    if not numbers:
        return
    old = listed(db, grp, min(numbers), max(numbers))
    if old:
        columns = merge(decoded(db, grp, old), columns)
        _delete(db, old)
    _insert_all(db, grp, columns)


def merge(older: Columns, newer: Columns) -> Columns:
    """Two sets of a group's articles in number order; an article of ``newer`` wins over one of the same
    number. ``older`` is handed over: its arrays may be extended in place."""
    if not newer:
        return older
    if not older or min(newer.numbers) > max(older.numbers):
        return join([older, newer], adopt=True)
    both = join([older, newer])
    at = dict(zip(both.numbers, range(len(both))))  # the last of equal numbers: the newer one
    return both.take(at[n] for n in sorted(at))


def write_whole(db: sqlite3.Connection, grp: str, columns: Columns) -> None:
    """Replace every pack of a group by binary packs of ``columns`` (caller holds the transaction)."""
    db.execute("DELETE FROM overview_pack WHERE grp=?", (grp,))
    _insert_all(db, grp, columns)


def _insert_all(db: sqlite3.Connection, grp: str, columns: Columns) -> None:
    for start in range(0, len(columns), MAX_PACK_ROWS):
        stop = min(len(columns), start + MAX_PACK_ROWS)
        if start:
            _insert(db, grp, part(columns, start, stop))
        else:  # the front of the group (all of it below MAX_PACK_ROWS): its arrays viewed, never sliced
            _insert(db, grp, columns, stop)


def _insert(db: sqlite3.Connection, grp: str, columns: Columns, stop: int | None = None) -> None:
    """Write ``columns`` (its first ``stop`` articles) as one binary pack through a blob handle, piece by
    piece from the arrays themselves: no copy of a group's pack in Python's memory or SQLite's."""
    count = len(columns) if stop is None else stop
    numbers = columns.numbers if count == len(columns) else columns.numbers[:count]
    pieces = colpack.to_pieces(columns, stop)
    try:
        row = db.execute(_INSERT, (grp, min(numbers), max(numbers), count, FORMAT, sum(map(len, pieces))))
        assert row.lastrowid is not None
        with db.blobopen("overview_pack", "data", row.lastrowid, readonly=False) as blob:
            for piece in pieces:
                blob.write(piece)
    finally:
        colpack.release(pieces)


def _delete(db: sqlite3.Connection, packs: Iterable[PackRow]) -> None:
    db.executemany("DELETE FROM overview_pack WHERE rowid=?", [(p[0],) for p in packs])


# -- compaction ----------------------------------------------------------------------------------
def wants_compaction(read: Read) -> bool:
    """Whether what was read should be written back: an answer kept as it came, or more packs than its size needs."""
    return read.over or len(read.packs) > -(-len(read.columns) // MAX_PACK_ROWS)


def compact(db: sqlite3.Connection, grp: str, read: Read) -> bool:
    """Write what was read back as binary packs over the very packs it came from (caller holds the write
    transaction) when they are still there and nothing stored since lies among them; -> whether it was done."""
    if not wants_compaction(read) or not len(read.columns):
        return False
    now = listed(db, grp)
    if not set(read.packs) <= set(now):
        return False
    low, high = min(p[1] for p in read.packs), max(p[2] for p in read.packs)
    if any(low <= p[2] and p[1] <= high for p in set(now) - set(read.packs)):
        return False
    _delete(db, read.packs)
    _insert_all(db, grp, read.columns)
    return True


def compact_held(db: sqlite3.Connection, grp: str, columns: Columns) -> bool:
    """Write a group back from the Columns a reader holds of it, when they are its stored articles (as
    many, within the numbers its packs cover) and it is not one binary pack already (caller holds the
    write transaction); -> whether it was done."""
    now = listed(db, grp)
    numbers = columns.numbers
    if not now or not numbers or not wants_compaction(Read(columns, tuple(now))):
        return False
    if sum(p[3] for p in now) != len(numbers) or min(numbers) < now[0][1] or max(numbers) > max(p[2] for p in now):
        return False
    write_whole(db, grp, columns)
    return True


# -- what a group holds, and what is set aside ----------------------------------------------------
def span(db: sqlite3.Connection, grp: str) -> tuple[int, int, int]:
    """(lowest, highest number its packs cover, how many articles) of a group; zeros for none."""
    low, high, count = db.execute("SELECT COALESCE(MIN(first), 0), COALESCE(MAX(last), 0), COALESCE(SUM(count), 0) "
                                  "FROM overview_pack WHERE grp=?", (grp,)).fetchone()
    return int(low), int(high), int(count)


def remove(db: sqlite3.Connection, grp: str, doomed: set[int]) -> list[tuple[int, str]]:
    """Take articles out of a group (archive re-import); -> (number, Message-ID) of those taken."""
    packs = listed(db, grp)
    columns = decoded(db, grp, packs)
    kept = [i for i, n in enumerate(columns.numbers) if n not in doomed]
    if len(kept) == len(columns):
        return []
    gone = [(columns.numbers[i], columns.message_id(i)) for i, n in enumerate(columns.numbers) if n in doomed]
    _delete(db, packs)
    _insert_all(db, grp, columns.take(kept))
    return gone


def quarantine(db: sqlite3.Connection, pack: PackRow, error: BaseException) -> None:
    """Move a pack that cannot be decoded out of every reader's way, with its error (caller holds the
    transaction). Its numbers stay fetched: a poison answer is not fetched again to fail again."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (grp TEXT NOT NULL, first INTEGER NOT NULL, "
               "last INTEGER NOT NULL, fmt TEXT NOT NULL, data BLOB NOT NULL, error TEXT NOT NULL, "
               "lost INTEGER NOT NULL, at INTEGER NOT NULL)")
    db.execute(f"INSERT INTO {QUARANTINE_TABLE} SELECT grp, first, last, fmt, data, ?, count, strftime('%s','now') "
               "FROM overview_pack WHERE rowid=?", (f"{type(error).__name__}: {error}"[:500], pack[0]))
    _delete(db, [pack])
