"""store/bodywriter.py Checkpointer: while a sync stores bodies, the WAL is copied into the file by a
connection of its own, the committing one no longer stops for it, the WAL still starts over every few
batches (it does not grow by the whole sync), and the committing connection's settings (no checkpoints of its own, a
bigger page cache) come back after."""

from __future__ import annotations

import os
import time
from contextlib import nullcontext
from pathlib import Path

from store import bodyindex
from store.bodywriter import Checkpointer
from store.cache import Store
from store.library import Library
from store.bodywriter import BATCH_LEAST, CACHE_KIB
from store.sync import _checkpointer

MB = 1 << 20


def autocheckpoint(store: Store) -> int:
    return int(store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def batch(store: Store, checkpointer: Checkpointer, first: int) -> None:
    """One batch as store/sync.py stores it: 1 MB of bodies in one transaction."""
    checkpointer.before_batch()
    bodyindex.save_unindexed(store, [(f"<{n}@x>", b"x" * (MB // 16)) for n in range(first, first + 16)])
    checkpointer.committed()


def test_committed_batches_are_copied_into_the_file_by_the_checkpointer(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    before = autocheckpoint(store)
    cache = store.db.execute("PRAGMA cache_size").fetchone()[0]
    with Checkpointer(store.db, str(store.path)) as checkpointer:
        assert autocheckpoint(store) == 0  # the committing connection does not stop to checkpoint
        assert store.db.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB  # a batch and its indexes
        batch(store, checkpointer, 0)
        deadline = time.monotonic() + 10
        while not checkpointer.copied and time.monotonic() < deadline:
            time.sleep(0.01)
        assert checkpointer.copied and store.path.stat().st_size > MB  # in the file, not only in the WAL
    assert autocheckpoint(store) == before and store.db.execute("PRAGMA cache_size").fetchone()[0] == cache
    assert store.body_store.get("<15@x>") == b"x" * (MB // 16)
    store.close()


def test_the_wal_starts_over_every_few_batches(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    wal, largest = f"{store.path}-wal", 0
    with Checkpointer(store.db, str(store.path)) as checkpointer:
        for k in range(24):
            batch(store, checkpointer, 16 * k)
            largest = max(largest, os.path.getsize(wal))
    assert largest < (Checkpointer.RESTART_EVERY + 3) * MB  # 24 MB went through it
    assert len(store.body_store.missing("g")) == 0 and store.body_store.has("<383@x>")
    store.close()


def test_no_second_connection_means_no_checkpointer_and_no_harm(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    with Checkpointer(store.db, str(tmp_path / "no" / "such" / "dir" / "s.sqlite3")) as checkpointer:
        batch(store, checkpointer, 0)
        assert autocheckpoint(store) == 1000  # SQLite's own checkpoints, as always
    assert store.body_store.has("<15@x>")
    store.close()


def test_a_sync_checkpoints_on_its_own_thread_and_a_read_ahead_does_not(tmp_path: Path) -> None:
    library = Library(Store(tmp_path / "s.sqlite3"), lambda: None)  # type: ignore[arg-type, return-value]
    assert isinstance(_checkpointer(library, BATCH_LEAST + 1), Checkpointer)
    assert isinstance(_checkpointer(library, 4), nullcontext)
    library.close()
