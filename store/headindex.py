"""Headers into the search index, from a group's packs: subject and author per Message-ID, and where each
article is (``search_head``: group, number, document, date), so a search needs no other table.

A fetch only queues the numbers it stored (``search_pending``, in its own
transaction); they are indexed here before a search answers, at the end of a sync
or while the reader is idle (store/search.py ``catch_up``), each group's packs
decoded once for all its queued ranges. An archive indexes its batches at once
from the Columns in hand (``index_columns``). Callers hold the write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import groupby

from nntp.columns import NO_DATE, Columns
from store import packread

HEAD_SCHEMA = """
CREATE TABLE IF NOT EXISTS search_head (
    grp TEXT NOT NULL, number INTEGER NOT NULL, doc INTEGER NOT NULL, date INTEGER,
    PRIMARY KEY (grp, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS search_head_doc ON search_head (doc)
"""
_BATCH = "CREATE TEMP TABLE IF NOT EXISTS head_batch (number INTEGER, message_id TEXT, subject TEXT, author TEXT, " \
         "date INTEGER)"


SLICE = 1 << 14
"""Articles indexed per round of statements: a group's index is built without a list of every subject."""


def index_ranges(db: sqlite3.Connection, queued: list[tuple[int, str, int, int]]) -> None:
    """Index queued (rowid, group, first, last) ranges and take them off the queue: a pack at a time, each
    decoded once for every range it serves (one that cannot be is left out: the next read sets it aside)."""
    for grp, run in groupby(sorted(queued, key=lambda q: (q[1], q[0])), key=lambda q: q[1]):
        spans = [(first, last) for _, _, first, last in run]
        for pack in packread.listed(db, grp, min(f for f, _ in spans), max(h for _, h in spans)):
            try:
                columns = packread.decoded(db, grp, [pack])
            except packread.DamagedPack:
                continue
            picked = packread.numbers_in(columns.numbers, spans)
            index_columns(db, grp, columns if len(picked) == len(columns) else columns.take(picked))
    db.executemany("DELETE FROM search_pending WHERE rowid=?", [(q[0],) for q in queued])


def index_columns(db: sqlite3.Connection, grp: str, columns: Columns) -> None:
    """Index these articles of ``grp``: a document per new Message-ID, and where each article is."""
    db.execute(_BATCH)
    for start in range(0, len(columns), SLICE):
        db.executemany("INSERT INTO temp.head_batch VALUES (?,?,?,?,?)", _heads(columns, start, start + SLICE))
        _index_batch(db, grp)


def _heads(c: Columns, start: int, stop: int) -> Iterator[tuple[int, str, str, str, int | None]]:
    """(number, Message-ID, subject, author, date) of articles ``start..stop``, made as they are inserted."""
    subjects, authors, ids = c.subjects, c.authors, c.ids
    for n, s, a, i, d in zip(c.numbers[start:stop], c.subject_codes[start:stop], c.author_codes[start:stop],
                             c.id_codes[start:stop], c.stamps[start:stop]):
        yield n, ids[i], subjects[s], authors[a], None if d == NO_DATE else d


def _index_batch(db: sqlite3.Connection, grp: str) -> None:
    """The articles in ``temp.head_batch`` into the index, then the batch emptied."""
    before = int(db.execute("SELECT COALESCE(MAX(id), 0) FROM search_doc").fetchone()[0])
    db.execute("INSERT OR IGNORE INTO search_doc (message_id, has_head) SELECT message_id, 1 FROM temp.head_batch")
    db.execute("INSERT INTO search_fts (rowid, subject, author, body) SELECT d.id, h.subject, h.author, '' "
               "FROM search_doc d JOIN temp.head_batch h ON h.message_id = d.message_id WHERE d.id > ? GROUP BY d.id",
               (before,))
    body_first = db.execute("SELECT d.id, h.subject, h.author FROM temp.head_batch h JOIN search_doc d "
                            "ON d.message_id = h.message_id WHERE d.has_head = 0 GROUP BY d.id").fetchall()
    for doc, subject, author in body_first:  # the body was cached before its overview
        db.execute("UPDATE search_fts SET subject=?, author=? WHERE rowid=?", (subject, author, doc))
        db.execute("UPDATE search_doc SET has_head=1 WHERE id=?", (doc,))
    db.execute("INSERT OR REPLACE INTO search_head SELECT ?, h.number, d.id, h.date FROM temp.head_batch h "
               "JOIN search_doc d ON d.message_id = h.message_id", (grp,))
    db.execute("DELETE FROM temp.head_batch")


def forget_articles(db: sqlite3.Connection, grp: str, numbers: list[int]) -> None:
    """Articles left a group (archive re-import): no hit names them any more."""
    db.executemany("DELETE FROM search_head WHERE grp=? AND number=?", [(grp, n) for n in numbers])
