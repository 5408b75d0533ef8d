"""Storing a batch of bodies is one INSERT per ROWS_PER_STATEMENT rows, not one per row: the sqlite3
module takes the GIL back after every row of an executemany, and while a sync's socket thread was
busy each row waited for it (list.linux-media's bodies phase: 1.10 s -> 0.85 s) (issue 16)."""

from __future__ import annotations

from pathlib import Path

from store import bodyindex
from store.cache import Store


def test_a_batch_is_one_statement_per_chunk_and_all_rows_land(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    count = bodyindex.ROWS_PER_STATEMENT + 44
    items = [(f"<{n}@x>", f"Subject: {n}\r\n\r\nbody {n}\r\n".encode()) for n in range(count)]
    inserts: list[str] = []
    store.db.set_trace_callback(lambda sql: inserts.append(sql) if sql.startswith("INSERT OR REPLACE INTO bodies") else 0)
    bodyindex.save_unindexed(store, items)
    store.db.set_trace_callback(None)
    assert len(inserts) == 2
    stored = store.db.execute("SELECT COUNT(*), SUM(size) FROM bodies").fetchone()
    assert stored == (count, sum(len(raw) for _, raw in items))
    assert bodyindex.pending(store.db) == len(items)
    assert store.body_store.get("<7@x>") == items[7][1]
    store.close()


def test_storing_a_body_again_replaces_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    bodyindex.save_unindexed(store, [("<1@x>", b"old\r\n")])
    bodyindex.save_unindexed(store, [("<1@x>", b"new\r\n"), ("<2@x>", b"two\r\n")])
    assert store.body_store.get("<1@x>") == b"new\r\n" and bodyindex.pending(store.db) == 2
    bodyindex.save_unindexed(store, [])
    store.close()
