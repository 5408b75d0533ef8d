"""Body text leaves the sync path: bodies are stored at once, indexed for search later.

Indexing a body (decoding it, MIME and all, then FTS5) costs several times what
fetching it does: on list.linux-media (9,969 bodies, 74 MB) 10 s of a 12 s sync,
where a pipelining socket needs 2 s. So a sync stores the raw bodies and queues
their Message-IDs here; the index catches up the way it does for headers (V3):
before a search answers, and a few at a time while the reader is idle
(store/search.py ``catch_up``). A body expired or replaced meanwhile is simply
indexed as it is then (or not at all).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from store.cache import Store

BODIES_PER_RANGE = 16
"""Bodies indexed per header range in a bounded catch-up (an idle reader's step stays short)."""

ROWS_PER_STATEMENT = 256
"""Bodies per INSERT statement (3 parameters each, far below SQLite's 32,766)."""

_SCHEMA = "CREATE TABLE IF NOT EXISTS search_pending_bodies (message_id TEXT PRIMARY KEY) WITHOUT ROWID"


def ensure_schema(db: sqlite3.Connection) -> None:
    db.execute(_SCHEMA)


def save_unindexed(store: Store, items: Iterable[tuple[str, bytes]], schema_known: bool = False) -> None:
    """Store bodies in one transaction, their search text queued (not decoded now).

    ``schema_known``: the caller made sure of the queue's table (a sync does once, not per batch).
    """
    if not schema_known:
        ensure_schema(store.db)
    rows = list(items)
    with store.transaction() as db:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            _insert(db, rows[start : start + ROWS_PER_STATEMENT])


def _insert(db: sqlite3.Connection, rows: list[tuple[str, bytes]]) -> None:
    """One INSERT statement for all ``rows``: SQLite releases the GIL once for them, not once per row.

    With executemany the sqlite3 module takes the GIL back between rows, and during
    a sync the socket thread holds it for milliseconds at a time (unstuffing big
    answers): each row then waited its turn (GIL convoy), and the bodies phase ran
    slower than fetching and then storing one after the other.
    """
    if not rows:
        return
    db.execute("INSERT OR REPLACE INTO bodies (message_id, raw, fetched, size) VALUES "
               + ",".join(["(?, ?, strftime('%s','now'), ?)"] * len(rows)),
               [value for m, raw in rows for value in (m, raw, len(raw))])
    db.execute("INSERT OR IGNORE INTO search_pending_bodies VALUES " + ",".join(["(?)"] * len(rows)),
               [m for m, _ in rows])


def pending(db: sqlite3.Connection) -> int:
    """Bodies stored but not yet in the search index."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name='search_pending_bodies'").fetchone():
        return 0
    return int(db.execute("SELECT COUNT(*) FROM search_pending_bodies").fetchone()[0])


def catch_up(db: sqlite3.Connection, limit: int | None = None) -> None:
    """Index queued bodies (all, or the first ``limit``). Caller holds the transaction."""
    from store.search import index_body, index_text  # late: search calls this module

    if not pending(db):
        return
    sql = ("SELECT p.message_id, b.raw FROM search_pending_bodies p LEFT JOIN bodies b "
           "ON b.message_id = p.message_id" + (f" LIMIT {int(limit)}" if limit else ""))
    for message_id, raw in db.execute(sql).fetchall():
        if raw is not None:  # expired meanwhile: nothing to index
            index_body(db, message_id, index_text(bytes(raw)))
        db.execute("DELETE FROM search_pending_bodies WHERE message_id=?", (message_id,))
