"""Raw overview chunks: OVER answers stored as they arrived, turned into rows later.

Entering a group for the first time used to parse every line, insert every row,
maintain the Message-ID index, read all rows back and pack them before the list
could show: 5-6 s for 150,000 articles against a 0.7-1.0 s wire. Now each answer
(or the whole records of one cut short) is stored as one blob keyed by
(group, first, last), in one transaction with the high-water mark, and the
records the reader needs are parsed from the bytes in hand, a block at a time.

``pith sync`` stores chunks the same way and only counts their records
(nntp/overblock.py ``count_records``). The rows (Message-ID lookups, search,
sync's body targets, expiry) are made from the chunks later by ``settle``: one
transaction per chunk inserts its rows, queues them for the search index and
deletes the chunk, so a ``kill -9`` leaves every record either in a chunk or in
the rows, never both and never neither. Code that reads the overview table
settles first (store/cache.py does); code that only needs the articles reads
chunks and rows together, as Columns (``records``, ``merge``; the chunks through
nntp/overcols.py's kernel when it is built).
"""

from __future__ import annotations

import importlib
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import groupby
from operator import attrgetter, itemgetter

from nntp.columns import Columns, from_records
from nntp.models import Overview, RawOverviews
from nntp.overblock import parse_over_block
from store.coljoin import join

CHUNK_COLUMNS = "grp, first, last, fmt, data"


def save(db: sqlite3.Connection, grp: str, raw: RawOverviews) -> None:
    """Store one slice as it came (caller holds the transaction); an empty slice stores nothing.

    Written through a blob handle into a zeroblob: bound as a parameter, SQLite
    would copy the answer (1.4 MB at OVER_CHUNK) and build a record of it again
    beside the reader's columns growing at the same time.
    """
    if raw.data:
        row = db.execute("INSERT OR REPLACE INTO overview_raw (grp, first, last, fmt, data) "
                         "VALUES (?,?,?,?,zeroblob(?))", (grp, raw.first, raw.last, "\n".join(raw.fmt), len(raw.data)))
        assert row.lastrowid is not None
        with db.blobopen("overview_raw", "data", row.lastrowid, readonly=False) as blob:
            blob.write(raw.data)


def pending(db: sqlite3.Connection, grp: str | None = None) -> int:
    """Chunks not yet turned into rows (of one group, or all)."""
    if grp is None:
        return int(db.execute("SELECT COUNT(*) FROM overview_raw").fetchone()[0])
    return int(db.execute("SELECT COUNT(*) FROM overview_raw WHERE grp=?", (grp,)).fetchone()[0])


def as_stored(records: list[Overview]) -> list[Overview]:
    """Records as the overview table gives them back: the table keeps no extra OVERVIEW.FMT fields.

    So a group reads the same whether its records came from the wire, a chunk or
    the rows (the extra fields were never stored before chunks either).
    """
    if any(map(attrgetter("extra"), records)):
        return [r._replace(extra=()) if r.extra else r for r in records]
    return records


def parse_chunk(fmt: str, data: bytes) -> list[Overview]:
    return as_stored(parse_over_block(bytes(data), tuple(fmt.split("\n")))[0])


def over_columns(data: bytes, fields: tuple[str, ...]) -> tuple[Columns, int]:
    """OVER lines -> (Columns as the table keeps them, malformed lines): see ``over_columns_many``."""
    return over_columns_many((data,), fields)


def over_columns_many(blocks: Iterable[bytes], fields: tuple[str, ...]) -> tuple[Columns, int]:
    """Several answers' OVER lines -> one Columns as the table keeps them, and the malformed lines: the
    compiled kernel when it is there (nntp/overcols.py), else the block parser's records made columns
    (the same articles)."""
    kernel = _kernel()
    if kernel is not None:
        columns, skipped = kernel(blocks, fields)
        return stored(columns), skipped
    parts, skipped = [], 0
    for data in blocks:
        records, bad = parse_over_block(data, fields)
        parts.append(from_records(as_stored(records)))
        skipped += bad
    return join(parts, adopt=True), skipped


@cache
def _kernel() -> Callable[[Iterable[bytes], tuple[str, ...]], tuple[Columns, int]] | None:
    try:
        return importlib.import_module("nntp.overcols").over_columns_many
    except (ImportError, AttributeError):
        return None


def stored(c: Columns) -> Columns:
    """``as_stored`` for Columns: the same articles without extra OVERVIEW.FMT fields."""
    if not c.extras:
        return c
    return Columns(c.numbers, c.stamps, c.sizes, c.lines, c.subject_codes, c.subjects, c.author_codes, c.authors,
                   c.id_codes, c.ids, c.ref_starts, c.ref_codes, c.xrefs)


def chunk_columns(fmt: str, data: bytes) -> Columns:
    return over_columns(bytes(data), tuple(fmt.split("\n")))[0]


SETTLE_PIECE = 1 << 18
"""Bytes of a chunk parsed at a time when settling (about 1,000 lines): the block
parser's working set is several times its input, and settling runs beside a
reader's whole group, so a piece keeps the reader's peak memory where it was."""


def chunk_pieces(fmt: str, data: bytes, size: int = SETTLE_PIECE) -> Iterator[list[Overview]]:
    """A chunk's records, a line-aligned piece of about ``size`` bytes at a time, in line order."""
    fields = tuple(fmt.split("\n"))
    view = bytes(data)
    start = 0
    while start < len(view):
        cut = view.find(b"\r\n", min(start + size, len(view)) - 2) if start + size < len(view) else -1
        end = len(view) if cut < 0 else cut + 2
        yield as_stored(parse_over_block(view[start:end], fields)[0])
        start = end


def records(db: sqlite3.Connection, grp: str, above: int = 0) -> Columns:
    """The articles of a group's chunks (those past article ``above``), in article-number order.

    Chunks of one OVERVIEW.FMT (all of them, as a rule) are read into one Columns in one pass."""
    chunks = db.execute("SELECT fmt, data FROM overview_raw WHERE grp=? AND last > ? ORDER BY first", (grp, above))
    parts = [_above(over_columns_many((bytes(data) for _, data in run), tuple(fmt.split("\n")))[0], above)
             for fmt, run in groupby(chunks, itemgetter(0))]
    return join(parts, adopt=True) if parts else from_records(())


def _above(columns: Columns, above: int) -> Columns:
    numbers = columns.numbers
    if not numbers or min(numbers) > above:
        return columns
    return columns.take([i for i, n in enumerate(numbers) if n > above])


def first_records(db: sqlite3.Connection, grp: str) -> Columns:
    """The articles of a group's first chunk (none when it has none)."""
    row = db.execute("SELECT fmt, data FROM overview_raw WHERE grp=? ORDER BY first LIMIT 1", (grp,)).fetchone()
    return chunk_columns(*row) if row is not None else from_records(())


def find(db: sqlite3.Connection, grp: str, number: int | None = None,
         message_id: str | None = None) -> Overview | None:
    """One record by number or Message-ID from the chunks, parsing only the chunk that holds it."""
    if number is not None:
        rows = db.execute("SELECT fmt, data FROM overview_raw WHERE grp=? AND first <= ? AND last >= ?",
                          (grp, number, number)).fetchall()
        wanted = [r for fmt, data in rows for r in parse_chunk(fmt, data) if r.number == number]
        return wanted[-1] if wanted else None
    if message_id is None:
        return None
    needle = message_id.encode("utf-8", "replace")
    for fmt, data in db.execute("SELECT fmt, data FROM overview_raw WHERE grp=? ORDER BY first", (grp,)):
        if needle in data:
            wanted = [r for r in parse_chunk(fmt, data) if r.message_id == message_id]
            if wanted:
                return wanted[0]
    return None


def merge(rows: Columns, chunks: Columns) -> Columns:
    """Rows and chunk articles of one group in number order; a chunk's article wins (it is newer).

    ``rows`` is handed over: its arrays may be extended in place (a whole group is not copied).
    """
    if not chunks:
        return rows
    if not rows or chunks.numbers[0] > rows.numbers[-1]:
        return join([rows, chunks], adopt=True)
    both = join([rows, chunks])
    at = dict(zip(both.numbers, range(len(both))))  # the last of equal numbers: the chunk's
    return both.take(at[n] for n in sorted(at))


def settle_next(db: sqlite3.Connection, grp: str | None, insert: Callable[[str, list[Overview]], None],
                failed: Callable[[str, Exception], None] | None = None) -> str | None:
    """Turn the oldest chunk (of ``grp``, or any) into rows and delete it; returns its group, None if none.

    The caller holds the write transaction: rows, the search queue and the chunk's
    removal commit together. A chunk whose rows cannot be made (anything but a
    busy or full database, which the caller retries) is settled record by record,
    the records that still fail left out, and a copy kept aside with the error
    (``quarantine``) rather than left to fail every later command; its numbers
    stay fetched, so it is not fetched again either. ``failed`` hears of each failure.
    """
    sql = f"SELECT rowid, {CHUNK_COLUMNS} FROM overview_raw"
    row = db.execute(sql + (" WHERE grp=? ORDER BY first LIMIT 1" if grp is not None else
                            " ORDER BY grp, first LIMIT 1"), (grp,) if grp is not None else ()).fetchone()
    if row is None:
        return None
    rowid, name, _first, _last, fmt, data = row
    db.execute("SAVEPOINT settle_chunk")
    try:
        for records in chunk_pieces(fmt, data):
            insert(name, records)
    except sqlite3.OperationalError:
        raise  # locked, busy, disk full: the caller's transaction rolls back and the chunk waits
    except Exception as exc:
        db.execute("ROLLBACK TO settle_chunk")
        if failed is not None:
            failed(str(name), exc)
        lost = _salvage(db, name, fmt, data, insert, failed)
        quarantine(db, rowid, exc, lost)
    db.execute("RELEASE settle_chunk")
    db.execute("DELETE FROM overview_raw WHERE rowid=?", (rowid,))
    return str(name)


QUARANTINE_TABLE = "overview_raw_bad"


def _salvage(db: sqlite3.Connection, name: str, fmt: str, data: bytes, insert: Callable[[str, list[Overview]], None],
             failed: Callable[[str, Exception], None] | None) -> int:
    """A chunk that failed as a whole, one record at a time; returns the records that could not be stored."""
    lost = 0
    try:
        records = [r for piece in chunk_pieces(fmt, data) for r in piece]
    except Exception:  # the parser never raises; if it ever does, the whole chunk is what is lost
        return -1
    for record in records:
        db.execute("SAVEPOINT settle_record")
        try:
            insert(name, [record])
        except sqlite3.OperationalError:
            raise
        except Exception as exc:
            db.execute("ROLLBACK TO settle_record")
            lost += 1
            if failed is not None:
                failed(name, exc)  # the caller drops state that may hold the record rolled back
        db.execute("RELEASE settle_record")
    return lost


def quarantine(db: sqlite3.Connection, rowid: int, error: BaseException, lost: int = -1) -> None:
    """Keep a copy of a chunk that could not be settled, with its error, out of every reader's way.

    ``lost``: how many of its records are not in the rows (-1: all of them).
    """
    db.execute(f"CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (grp TEXT NOT NULL, first INTEGER NOT NULL, "
               "last INTEGER NOT NULL, fmt TEXT NOT NULL, data BLOB NOT NULL, error TEXT NOT NULL, "
               "lost INTEGER NOT NULL, at INTEGER NOT NULL)")
    db.execute(f"INSERT INTO {QUARANTINE_TABLE} SELECT {CHUNK_COLUMNS}, ?, ?, strftime('%s','now') "
               "FROM overview_raw WHERE rowid=?", (f"{type(error).__name__}: {error}"[:500], lost, rowid))


class BackgroundWriter:
    """Commits chunks on a helper thread while the caller parses the next one.

    SQLite lets go of the GIL while it writes, so storing 40 MB of answers costs
    the reader's list almost nothing. At most ``depth`` chunks wait (memory stays
    bounded); leaving the ``with`` block waits for every commit and raises the
    first error. The store's connection is only used by this thread meanwhile.
    """

    def __init__(self, write: Callable[[RawOverviews], None], depth: int = 2) -> None:
        self._write = write
        self._queue: queue.Queue[RawOverviews | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pith-chunk-writer", daemon=True)

    def __enter__(self) -> BackgroundWriter:
        self._thread.start()
        return self

    def put(self, raw: RawOverviews) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(raw)

    def _run(self) -> None:
        while (raw := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._write(raw)
                except BaseException as exc:  # handed to the fetching thread
                    self._error = exc

    def __exit__(self, *exc_info: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise self._error
