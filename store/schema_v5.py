"""Schema version 5: a group's overviews live in one stored form, its packs.

Version 4 kept them three ways: rows (table ``overview``), OVER answers not yet
settled into rows (``overview_raw``) and packs copied from the rows. Here, inside
the migration's one transaction (store/schema.py), the packs that are still
exactly the rows they cover are kept, the rows past them become binary packs, each
stored answer becomes a pack in the OVER encoding as it is, and both tables go.
The search index keeps its documents and learns where each article is
(``search_head``); whatever it had not indexed yet is queued.
"""

from __future__ import annotations

import sqlite3

from nntp.models import RawOverviews
from store import packread, packs
from store.colpack import rows_to_columns
from store.headindex import HEAD_SCHEMA

ROWS = "number, subject, author, date, message_id, refs, bytes, lines, xref"
"""An ``overview`` row as store/colpack.py ``rows_to_columns`` takes it."""
BATCH = 1 << 15
"""Rows made into one pack at a time: a big group's rows are never all held at once."""


PACKS = """
CREATE TABLE overview_pack_v5 (
    id INTEGER PRIMARY KEY AUTOINCREMENT, grp TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
    count INTEGER NOT NULL, fmt TEXT NOT NULL, data BLOB NOT NULL, UNIQUE (grp, first)
);
INSERT INTO overview_pack_v5 (grp, first, last, count, fmt, data) SELECT grp, first, last, count, fmt, data
    FROM overview_pack ORDER BY grp, first;
DROP TABLE overview_pack;
ALTER TABLE overview_pack_v5 RENAME TO overview_pack
"""
"""Packs get an id never given twice (AUTOINCREMENT): a reader tells the packs it read from any written
since by their ids (store/packs.py ``compact``), and a rowid freed by a deleted pack was given again."""


def migrate(db: sqlite3.Connection) -> None:
    for statement in (*PACKS.strip().split(";\n"), *HEAD_SCHEMA.strip().split(";\n")):
        db.execute(statement)
    db.execute("INSERT OR IGNORE INTO search_head SELECT o.grp, o.number, d.id, o.date FROM overview o "
               "JOIN search_doc d ON d.message_id = o.message_id WHERE d.has_head = 1")
    db.execute("INSERT INTO search_pending SELECT grp, MIN(number), MAX(number) FROM overview o GROUP BY grp "
               "HAVING COUNT(*) > (SELECT COUNT(*) FROM search_head h WHERE h.grp = o.grp)")
    _packs_from_rows(db)
    _packs_from_answers(db)
    if db.execute("SELECT 1 FROM sqlite_master WHERE name='overview_raw_bad'").fetchone():
        db.execute(f"ALTER TABLE overview_raw_bad RENAME TO {packs.QUARANTINE_TABLE}")
    db.execute("DROP TABLE overview")
    db.execute("DROP TABLE overview_raw")


def _packs_from_rows(db: sqlite3.Connection) -> None:
    """Every group's rows as binary packs: its packs kept where they are still its rows, the rest packed."""
    db.execute("DELETE FROM overview_pack WHERE fmt != ? OR grp NOT IN (SELECT DISTINCT grp FROM overview)",
               (packs.FORMAT,))
    for (grp,) in db.execute("SELECT DISTINCT grp FROM overview").fetchall():
        last = _kept(db, grp)
        rows = db.execute(f"SELECT {ROWS} FROM overview WHERE grp=? AND number > ? ORDER BY number", (grp, last))
        while batch := rows.fetchmany(BATCH):
            packs.put(db, grp, rows_to_columns(batch))


def _kept(db: sqlite3.Connection, grp: str) -> int:
    """The last number of a group's packs when they are still exactly its rows (they were dropped whenever
    a row they cover changed, but one may be damaged), else 0 with them all dropped."""
    listed = packread.listed(db, grp)
    if not listed:
        return 0
    last = listed[-1][2]
    (rows,) = db.execute("SELECT COUNT(*) FROM overview WHERE grp=? AND number <= ?", (grp, last)).fetchone()
    try:
        whole = rows == sum(p[3] for p in listed) and all(len(packread.decoded(db, grp, [p])) for p in listed)
    except packread.DamagedPack:
        whole = False
    if whole:
        return int(last)
    db.execute("DELETE FROM overview_pack WHERE grp=?", (grp,))
    return 0


def _packs_from_answers(db: sqlite3.Connection) -> None:
    """Each stored OVER answer as a pack as it is (folded into the group's packs where it overlaps them, its
    articles winning: they were the newer), queued for the index as settling would have."""
    for rowid, grp, first, last, fmt in db.execute(
            "SELECT rowid, grp, first, last, fmt FROM overview_raw ORDER BY grp, first").fetchall():
        (data,) = db.execute("SELECT data FROM overview_raw WHERE rowid=?", (rowid,)).fetchone()
        packs.insert_over(db, grp, RawOverviews(first, last, bytes(data), tuple(str(fmt).split("\n"))))
        db.execute("INSERT INTO search_pending VALUES (?,?,?)", (grp, first, last))
