"""Overview packs: runs of overview rows copied into one marshal blob, for fast group entry.

Entering a cached group reads every overview back. Stepping SQLite through
150,000 rows and building the records costs about a second; loading the same
rows from a few column-wise marshal blobs and building the records with C-level
calls costs a fifth of that. The overview table stays the truth (search, number
lookups and the packs themselves come from it); a pack is a derived copy of
``PACK_ROWS`` consecutive rows, dropped in the same transaction as any change to
a row it covers. Rows past the last pack are read row by row and packed on the
way out (Store.overviews): fetching stays as cheap as without packs, and the
next entry is fast.

marshal's format belongs to one Python version, so each pack records the format
it was written in; a pack from another Python is dropped and rebuilt, never read.
"""

from __future__ import annotations

import datetime as datetime_module
import gc
import io
import marshal
import pickle
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from itertools import repeat

from nntp.models import Overview

PACK_ROWS = 4096
FORMAT = f"marshal{marshal.version}+dates+crc32/py{sys.version_info[0]}.{sys.version_info[1]}"
"""A pack of another format (another Python, or one from before packs were sealed) is rebuilt from the rows."""
COLUMNS = "number, subject, author, date, message_id, refs, bytes, lines, xref"
_UTC = timezone.utc
_stamp = datetime.fromtimestamp
_new = tuple.__new__

Row = tuple[int, str, str, "int | None", str, str, int, int, str]


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
    """Overview rows as the table holds them -> records (the slow, row-wise path)."""
    return [
        _new(Overview, (n, s, a, _stamp(d, _UTC) if d is not None else None, m,
                        tuple(r.split()) if r else (), b, ln, x, ()))
        for n, s, a, d, m, r, b, ln, x in rows
    ]


def encode(rows: list[Row]) -> bytes:
    """Rows -> one column-wise blob: marshal for the plain columns, authors shared, references split.

    Dates travel as a pickled list of datetimes: unpickling builds them from their
    byte state in C, twice as fast as ``fromtimestamp`` per row, and only
    ``datetime``, ``timezone`` and ``timedelta`` may be named in it (see _Dates).
    """
    numbers, subjects, who, dates, ids, refs, sizes, lines, xrefs = zip(*rows)
    refs = tuple(tuple(r.split()) if r else () for r in refs)
    stamps = pickle.dumps([_stamp(d, _UTC) if d is not None else None for d in dates], protocol=4)
    subjects, who, ids, refs, sizes, lines = _shared(subjects, who, ids, refs, sizes, lines)
    return _seal(marshal.dumps((numbers, subjects, who, stamps, ids, refs, sizes, lines, xrefs)))


def _seal(blob: bytes) -> bytes:
    """A CRC-32 in front: marshal.loads can crash the interpreter on damaged bytes, so it never sees them."""
    return zlib.crc32(blob).to_bytes(4, "big") + blob


def _unsealed(data: bytes) -> memoryview:
    view = memoryview(data)[4:]
    if len(data) < 4 or int.from_bytes(data[:4], "big") != zlib.crc32(view):
        raise ValueError("damaged overview pack")
    return view


def encode_records(records: list[Overview]) -> bytes:
    """The same blob as ``encode`` gives for these records' rows, straight from the records."""
    numbers, subjects, who, dates, ids, refs, sizes, lines, xrefs, _ = zip(*records)
    stamps = pickle.dumps(list(dates), protocol=4)
    subjects, who, ids, refs, sizes, lines = _shared(subjects, who, ids, refs, sizes, lines)
    return _seal(marshal.dumps((numbers, subjects, who, stamps, ids, refs, sizes, lines, xrefs)))


def _shared(subjects: tuple[str, ...], authors: tuple[str, ...], ids: tuple[str, ...],
            refs: tuple[tuple[str, ...], ...], sizes: tuple[int, ...],
            lines: tuple[int, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...],
                                             tuple[tuple[str, ...], ...], tuple[int, ...], tuple[int, ...]]:
    """The columns with equal values made one object: marshal writes a shared object once
    and loads it back shared, so a decoded group holds each author, repeated subject and
    referenced Message-ID once per pack instead of once per article (150,000 records: 90 MB
    instead of 114 MB), and likewise equal References (siblings') and byte and line counts
    (another 7 MB)."""
    one: dict[str, str] = {}
    keep = one.setdefault
    ids = tuple(map(keep, ids, ids))
    chains: dict[tuple[str, ...], tuple[str, ...]] = {}
    numbers: dict[int, int] = {}
    return (tuple(map(keep, subjects, subjects)), tuple(map(keep, authors, authors)), ids,
            tuple(chains.setdefault(t, t) for t in (tuple(map(keep, r, r)) if r else () for r in refs)),
            tuple(map(numbers.setdefault, sizes, sizes)), tuple(map(numbers.setdefault, lines, lines)))


class _Dates(pickle.Unpickler):
    """Unpickles a list of datetimes and nothing else (a store file is data, never code)."""

    def find_class(self, module: str, name: str) -> type:
        if module == "datetime" and name in ("datetime", "timezone", "timedelta"):
            return getattr(datetime_module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in an overview pack")


def decode(data: bytes) -> list[Overview]:
    numbers, subjects, authors, stamps, ids, refs, sizes, lines, xrefs = marshal.loads(_unsealed(data))
    dates = _Dates(io.BytesIO(stamps)).load()
    # Shared across packs too (a pack shares only its own): local.big's 150,000 records hold 8,700
    # distinct authors and 15,000 subjects in 96,000 and 64,000 objects; interned, ~11 MB less.
    subjects, authors = map(sys.intern, subjects), map(sys.intern, authors)
    return list(map(_new, repeat(Overview), zip(
        numbers, subjects, authors, dates, ids, refs, sizes, lines, xrefs, repeat((), len(numbers)))))


def packed_last(db: sqlite3.Connection, grp: str) -> int:
    """Highest article number covered by a pack (0: none)."""
    row = db.execute("SELECT MAX(last) FROM overview_pack WHERE grp=?", (grp,)).fetchone()
    return int(row[0] or 0)


def invalidate_from(db: sqlite3.Connection, grp: str, number: int) -> None:
    """Rows at or above ``number`` changed: drop every pack that covers any of them."""
    db.execute("DELETE FROM overview_pack WHERE grp=? AND last >= ?", (grp, number))


def pack_tail(db: sqlite3.Connection, grp: str) -> None:
    """Pack full runs of ``PACK_ROWS`` unpacked rows (caller holds the write transaction)."""
    last = packed_last(db, grp)
    rows = db.execute(f"SELECT {COLUMNS} FROM overview WHERE grp=? AND number > ? ORDER BY number",
                      (grp, last)).fetchall()
    write_packs(db, grp, rows)


def write_packs(db: sqlite3.Connection, grp: str, rows: list[Row]) -> None:
    """Pack ``rows`` (every row past the last pack, in order) in full runs; the rest stays a tail."""
    for start in range(0, len(rows) - PACK_ROWS + 1, PACK_ROWS):
        run = rows[start : start + PACK_ROWS]
        db.execute("INSERT OR REPLACE INTO overview_pack VALUES (?,?,?,?,?,?)",
                   (grp, run[0][0], run[-1][0], len(run), FORMAT, encode(run)))


def load(db: sqlite3.Connection, grp: str) -> tuple[list[Overview], int] | None:
    """Every packed record of a group and the last number they cover; None if a pack is unusable."""
    out: list[Overview] = []
    last = 0
    for first, pack_last, count, fmt, data in db.execute(
        "SELECT first, last, count, fmt, data FROM overview_pack WHERE grp=? ORDER BY first", (grp,)
    ):
        records = _usable(fmt, data, count) if first > last else None
        if records is None:
            return None
        out.extend(records)
        last = pack_last
    return out, last


def first_records(db: sqlite3.Connection, grp: str, limit: int) -> list[Overview]:
    """The records of a group's first packs, at least ``limit`` of them if there are so many ([] if unusable)."""
    out: list[Overview] = []
    for count, fmt, data in db.execute(
        "SELECT count, fmt, data FROM overview_pack WHERE grp=? ORDER BY first", (grp,)
    ):
        records = _usable(fmt, data, count)
        if records is None:
            return []
        out.extend(records)
        if len(out) >= limit:
            break
    return out


def _usable(fmt: str, data: bytes, count: int) -> list[Overview] | None:
    """A pack's records, or None when it was written by another Python or is damaged."""
    if fmt != FORMAT:
        return None
    try:
        records = decode(data)
    except Exception:  # damaged in any way (marshal and pickle raise many kinds): read the rows instead
        return None
    return records if len(records) == count else None


def overviews(db: sqlite3.Connection, grp: str) -> tuple[list[Overview], list[Row], bool]:
    """All records of a group in number order, the rows read past the packs, and whether packs are stale."""
    with no_gc():
        packed = load(db, grp)
        stale = packed is None
        records, last = packed if packed is not None else ([], 0)
        tail = db.execute(
            f"SELECT {COLUMNS} FROM overview WHERE grp=? AND number > ? ORDER BY number", (grp, last)
        ).fetchall()
        records.extend(rows_to_overviews(tail))
    return records, tail, stale


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
            self.tail = rows_to_overviews(self.db.execute(
                f"SELECT {COLUMNS} FROM overview WHERE grp=? AND number > ? AND number < ? ORDER BY number",
                (self.grp, last, numbers[0])).fetchall())
        self.tail.extend(records)
        for start in range(0, len(self.tail) - PACK_ROWS + 1, PACK_ROWS):
            run = self.tail[start : start + PACK_ROWS]
            self.db.execute("INSERT OR REPLACE INTO overview_pack VALUES (?,?,?,?,?,?)",
                            (self.grp, run[0].number, run[-1].number, len(run), FORMAT, encode_records(run)))
        del self.tail[: len(self.tail) - len(self.tail) % PACK_ROWS]
