"""Giving disk space back after expiry, and saying how much.

Deleting rows only puts their pages on SQLite's free list: the file keeps its
size (245 MB for 15 MB of data after an expire, in issue 16). Three things make
it shrink: the full-text index merged so that expired text really leaves it
(FTS5 keeps deleted entries until its segments merge), the free pages cut off
the end of the file (``auto_vacuum=INCREMENTAL``; a store made before pith set it
needs one VACUUM to switch, store/schema.py does that on open for small files and
this module for the rest), and a WAL checkpoint, as in WAL mode the file only
shrinks when the log is written back.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

INCREMENTAL = 2
"""``PRAGMA auto_vacuum`` value of INCREMENTAL."""


@dataclass(frozen=True, slots=True)
class Reclaimed:
    """The store's size on disk (file and its WAL) before and after."""

    before: int
    after: int

    @property
    def freed(self) -> int:
        return max(0, self.before - self.after)


def disk_size(path: Path) -> int:
    """Bytes the store takes: the file and its write-ahead log."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def switch_to_incremental(db: sqlite3.Connection) -> bool:
    """Turn on incremental vacuum for a store made without it (one full VACUUM); True if it ran."""
    if int(db.execute("PRAGMA auto_vacuum").fetchone()[0]) == INCREMENTAL:
        return False
    db.execute("PRAGMA auto_vacuum=INCREMENTAL")
    db.execute("VACUUM")
    return True


def give_back(db: sqlite3.Connection, path: Path, before: int | None = None) -> Reclaimed:
    """Return the pages freed by deleting rows to the file system; the sizes ``before`` (measured
    before the rows went, by the caller, else now) and after."""
    before = disk_size(path) if before is None else before
    _merge_search_index(db)
    if not switch_to_incremental(db):  # a VACUUM already left no free page
        db.executescript("PRAGMA incremental_vacuum;")  # execute() would free one page only
        _compact_small(db, path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return Reclaimed(before, disk_size(path))


COMPACT_UP_TO = 64 << 20
"""Largest store rewritten whole after an expiry (a VACUUM of it takes well under a second)."""


def _compact_small(db: sqlite3.Connection, path: Path) -> None:
    """Rewrite a small store densely. The incremental vacuum returns only wholly free pages; the rows
    left beside deleted ones keep their pages part empty (a third of talk.politics.misc's bodies and
    index after ``expire --max-size 1M``, with 32 KB pages). Skipped when another pith has the file
    open (a VACUUM needs it alone): the free pages went back all the same."""
    if disk_size(path) > COMPACT_UP_TO:
        return
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        db.execute("VACUUM")
    except sqlite3.OperationalError:
        pass


def _merge_search_index(db: sqlite3.Connection) -> None:
    """Merge the FTS5 segments, dropping the entries of expired text (else they keep their pages)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name='search_fts'").fetchone():
        db.execute("INSERT INTO search_fts(search_fts) VALUES('optimize')")
