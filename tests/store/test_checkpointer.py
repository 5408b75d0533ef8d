"""store/bodywriter.py Checkpointer: while a sync stores bodies, the WAL is copied into the file by a
connection of its own, the committing one no longer stops for it, and its setting comes back after."""

from __future__ import annotations

import time
from pathlib import Path

from store import bodyindex
from store.bodywriter import Checkpointer
from store.cache import Store


def autocheckpoint(store: Store) -> int:
    return int(store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def test_committed_batches_are_copied_on_by_the_checkpointer(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    before = autocheckpoint(store)
    with Checkpointer(store.db, str(store.path)) as checkpointer:
        assert autocheckpoint(store) == Checkpointer.LIMIT > before
        bodyindex.save_unindexed(store, [(f"<{n}@x>", b"x" * 20000) for n in range(50)])
        checkpointer.committed()
        deadline = time.monotonic() + 10
        while not checkpointer.copied and time.monotonic() < deadline:
            time.sleep(0.01)
        assert checkpointer.copied
        assert store.path.stat().st_size > 50 * 20000  # in the file, not only in the WAL (1 MB: no autocheckpoint)
    assert autocheckpoint(store) == before
    assert store.body_store.get("<49@x>") == b"x" * 20000
    store.close()


def test_no_second_connection_means_no_checkpointer_and_no_harm(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    with Checkpointer(store.db, str(tmp_path / "no" / "such" / "dir" / "s.sqlite3")) as checkpointer:
        bodyindex.save_unindexed(store, [("<1@x>", b"body")])
        checkpointer.committed()
    assert store.body_store.get("<1@x>") == b"body" and autocheckpoint(store) == 1000
    store.close()


def test_a_sync_checkpoints_on_its_own_thread_and_a_read_ahead_does_not(tmp_path: Path) -> None:
    from contextlib import nullcontext

    from store.library import Library
    from store.sync import BODY_BATCH, _checkpointer

    library = Library(Store(tmp_path / "s.sqlite3"), lambda: None)  # type: ignore[arg-type, return-value]
    assert isinstance(_checkpointer(library, BODY_BATCH + 1), Checkpointer)
    assert isinstance(_checkpointer(library, 4), nullcontext)
    library.close()
