"""The store's versioned schema: numbered migrations, applied in one transaction on open.

A store only ever moves forward: opening runs every migration above the version
recorded in ``meta`` (and records the new one) inside a single ``BEGIN IMMEDIATE``,
so a crash mid-migration leaves the old schema intact, and two pith processes
opening the same file at once migrate it once. A store written by a newer pith is
refused with a message naming the file, and left untouched.

Tables owned by other modules (read state, outbox, drafts) are created by those
modules' own ``ensure_schema``; this file covers the cache: groups, the overview
packs (since version 5 the one stored form of overviews: store/schema_v5.py),
bodies, archive import marks and the full-text index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from nntp.errors import PithError

SCHEMA_VERSION = 5
"""The schema this pith writes. Bump it by appending to ``MIGRATIONS``."""


class StoreError(PithError):
    """The store file is unusable (newer schema, corrupt); the message names the file."""


_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups (
    name TEXT PRIMARY KEY,
    low INTEGER NOT NULL, high INTEGER NOT NULL, count INTEGER NOT NULL,
    posting TEXT NOT NULL DEFAULT 'y', description TEXT NOT NULL DEFAULT '',
    fetched_high INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overview (
    grp TEXT NOT NULL, number INTEGER NOT NULL, message_id TEXT NOT NULL,
    subject TEXT NOT NULL, author TEXT NOT NULL, date INTEGER,
    refs TEXT NOT NULL, bytes INTEGER NOT NULL, lines INTEGER NOT NULL,
    xref TEXT NOT NULL,
    PRIMARY KEY (grp, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS overview_msgid ON overview (message_id);
CREATE TABLE IF NOT EXISTS bodies (
    message_id TEXT PRIMARY KEY, raw BLOB NOT NULL, fetched INTEGER NOT NULL
)
"""

# Version 2: body sizes for expiry budgets; overview packs (a marshal copy of runs of
# overview rows, the fast path for entering a big group); archive import marks; the
# FTS5 index over headers and cached bodies (one document per Message-ID).
_V2 = """
ALTER TABLE bodies ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE bodies SET size = length(raw);
CREATE TABLE overview_pack (
    grp TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
    count INTEGER NOT NULL, fmt TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (grp, first)
);
CREATE TABLE archive_files (
    key TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    offset INTEGER NOT NULL, line INTEGER NOT NULL, head_hash TEXT NOT NULL,
    tail_start INTEGER NOT NULL, tail_hash TEXT NOT NULL, count INTEGER NOT NULL
);
CREATE TABLE archive_members (
    key TEXT NOT NULL, grp TEXT NOT NULL, number INTEGER NOT NULL,
    PRIMARY KEY (key, grp, number)
) WITHOUT ROWID;
CREATE TABLE search_doc (
    id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE,
    has_head INTEGER NOT NULL DEFAULT 0, has_body INTEGER NOT NULL DEFAULT 0
);
CREATE VIRTUAL TABLE search_fts USING fts5(
    subject, author, body, tokenize = 'unicode61 remove_diacritics 2'
)
"""


# Version 3: header indexing leaves the fetch path. A batch of overview rows only
# records its range here (same transaction); the index catches up before a search
# answers, at the end of a sync, or when the reader is idle (store/search.py).
_V3 = """
CREATE TABLE search_pending (grp TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL)
"""


# Version 4: the first fetch of a group stores OVER answers as they came, one blob per
# answer keyed by (group, first, last); rows are made from them later, off the path to
# the reader's list (store/rawchunks.py). Stores of version 3 simply have no chunks yet.
_V4 = """
CREATE TABLE overview_raw (
    grp TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
    fmt TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (grp, first)
)
"""


def _run(script: str) -> Callable[[sqlite3.Connection], None]:
    def apply(db: sqlite3.Connection) -> None:
        for statement in script.strip().split(";\n"):
            if statement.strip():
                db.execute(statement)

    return apply


def _v2(db: sqlite3.Connection) -> None:
    _run(_V2)(db)
    from store.search import reindex_bodies  # late: search imports this module's tables

    reindex_bodies(db)  # the headers of the rows: queued by version 5, which makes them packs


def _v5(db: sqlite3.Connection) -> None:
    from store import schema_v5  # late: it needs the packs' code, which a store of version 5 never runs

    schema_v5.migrate(db)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _run(_V1), 2: _v2, 3: _run(_V3), 4: _run(_V4), 5: _v5,
}
"""Version -> step that turns a store of version-1 into that version."""


def current_version(db: sqlite3.Connection, path: Path | str = "store") -> int:
    """The version recorded in the file; 0 for a new (empty) database.

    A value that is not a version (damage, another program's table) is refused
    with a StoreError naming the file: guessing would run migrations over data
    they were not written for.
    """
    has_meta = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not has_meta:
        return 0
    row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    if row is None:
        return 0
    text = str(row[0]).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise StoreError(f"{path}: damaged store: its schema version reads {_shown(row[0])}, which no pith writes; "
                         "pith left it untouched: move the file away (pith then starts a new store)")
    return int(text)


def _shown(value: object) -> str:
    """The stored value for a one-line message: short, printable."""
    text = repr(value)
    return "".join(c if c.isprintable() else "?" for c in (text if len(text) <= 40 else text[:40] + "..."))


def migrate(db: sqlite3.Connection, path: Path) -> int:
    """Bring ``db`` up to SCHEMA_VERSION atomically; return the version it had before."""
    db.execute("BEGIN IMMEDIATE")
    try:
        before = current_version(db, path)
        if before > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: written by a newer pith (schema {before}, this one knows {SCHEMA_VERSION}); "
                "upgrade pith or move the file away"
            )
        for version in range(before + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](db)
        if before < SCHEMA_VERSION:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # SQLite already rolled back after a full disk: ROLLBACK would hide that
            db.execute("ROLLBACK")
        raise
    _switch_small_store(db, path)
    return before


SWITCH_ON_OPEN = 16 << 20
"""Largest store switched to incremental vacuum when opened (a VACUUM of it takes well under a second)."""


def _switch_small_store(db: sqlite3.Connection, path: Path) -> None:
    """A store made before pith set auto_vacuum=INCREMENTAL needs one VACUUM to switch (SQLite
    cannot change it in place). Small ones switch here, cheaply; a big one switches at its first
    ``pith expire`` (store/vacuum.py), which is when its space is wanted back anyway."""
    from store.vacuum import INCREMENTAL, disk_size, switch_to_incremental  # late: vacuum needs no schema

    if str(path) == ":memory:" or int(db.execute("PRAGMA auto_vacuum").fetchone()[0]) == INCREMENTAL:
        return
    if disk_size(Path(path)) <= SWITCH_ON_OPEN:
        try:
            switch_to_incremental(db)
        except sqlite3.OperationalError:
            pass  # another pith has the file open (VACUUM needs it alone): the next open or expire does it
