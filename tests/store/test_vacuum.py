"""Expire gives the space back (issue 16: 9,120 bodies dropped, the file stayed at 245 MB) and says how much;
a store made before auto_vacuum=INCREMENTAL is switched."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta
from pathlib import Path

from store.cache import Store
from store.library import Library
from store.sync import expire_and_give_back
from store.vacuum import INCREMENTAL, disk_size
from tests.fakes.source import FakeSource, make_overview


def filled_store(path: Path, count: int = 400) -> Library:
    lib = Library(Store(path), lambda: FakeSource({"g": [make_overview(i) for i in range(1, count + 1)]}))
    lib.fetch_overviews("g")
    words = " ".join(os.urandom(6).hex() for _ in range(2_000))  # ~26 KB of distinct words each: indexed text
    lib.store.body_store.save_many((mid, f"Subject: x\r\n\r\n{n} {words}\r\n".encode(), None)
                          for n, mid in lib.store.body_store.missing("g"))
    lib.store.search_index.catch_up()
    return lib


def test_expire_to_a_small_budget_shrinks_the_file(tmp_path: Path) -> None:
    lib = filled_store(tmp_path / "s.sqlite3")
    lib.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = disk_size(lib.store.path)
    results, space = expire_and_give_back(lib, ["g"], max_bytes=1 << 20)
    after = disk_size(lib.store.path)
    assert results[0].bodies > 300
    assert after <= 0.3 * before
    assert (space.before, space.after) == (before, after) and space.freed == before - after
    lib.close()


def old_store(path: Path) -> None:
    """A store as an older pith left it: no auto_vacuum."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA auto_vacuum=NONE")
    db.execute("VACUUM")
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    db.close()


def test_an_old_big_store_switches_at_its_first_expire(tmp_path: Path, monkeypatch: object) -> None:
    path = tmp_path / "s.sqlite3"
    filled_store(path).close()
    old_store(path)
    import store.schema

    monkeypatch.setattr(store.schema, "SWITCH_ON_OPEN", 0)  # type: ignore[attr-defined]
    lib = Library(Store(path), lambda: FakeSource({}))
    assert lib.store.db.execute("PRAGMA auto_vacuum").fetchone()[0] == 0  # too big to switch on open
    before = disk_size(path)
    _, space = expire_and_give_back(lib, ["g"], max_bytes=1 << 20)
    assert lib.store.db.execute("PRAGMA auto_vacuum").fetchone()[0] == INCREMENTAL
    assert space.after <= 0.3 * before
    lib.close()


def test_a_small_old_store_switches_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    old_store(path)
    store = Store(path)
    assert store.db.execute("PRAGMA auto_vacuum").fetchone()[0] == INCREMENTAL
    store.close()


def test_pith_expire_says_how_much_it_freed(tmp_path: Path, monkeypatch: object, capsys: object) -> None:
    import main
    from store.cache import store_path

    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))  # type: ignore[attr-defined]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # type: ignore[attr-defined]
    path = store_path(data / "pith", "127.0.0.1:1")
    path.parent.mkdir(parents=True, exist_ok=True)
    filled_store(path).close()
    code = main.main(["--server", "127.0.0.1:1", "--offline", "expire", "--max-size", "1M"])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert code == 0
    last = out.splitlines()[-1]
    assert last.startswith("freed ") and "; store now " in last and last.split(";")[0].endswith("MiB"), last


def test_a_new_store_writes_32k_pages(tmp_path: Path) -> None:
    """Bodies are written with far fewer system calls in 32 KB pages, and expire still gives back nearly all."""
    store = Store(tmp_path / "new.sqlite3")
    try:
        assert store.db.execute("PRAGMA page_size").fetchone()[0] == 32768
    finally:
        store.close()


def test_a_small_store_is_left_dense_after_an_expire(tmp_path: Path) -> None:
    """The incremental vacuum gives back only wholly free pages: bodies of a few KB kept beside expired ones
    (here every other one: articles dated out of their number order) kept their pages part empty, a third
    of a small group's store after ``expire --max-size 1M``. A small store is rewritten whole: a VACUUM
    after it finds nothing more to give back (without it: 4.3 MB where 2.8 MB will do)."""
    path = tmp_path / "s.sqlite3"
    odd_first = [o._replace(date=o.date - timedelta(days=30)) if o.number % 2 else o
                 for o in (make_overview(i) for i in range(1, 401))]
    lib = Library(Store(path), lambda: FakeSource({"g": odd_first}))
    lib.fetch_overviews("g")
    words = " ".join(os.urandom(6).hex() for _ in range(300))  # ~4 KB: several bodies to a page
    lib.store.body_store.save_many((mid, f"Subject: x\r\n\r\n{n} {words}\r\n".encode(), None)
                                   for n, mid in lib.store.body_store.missing("g"))
    lib.store.search_index.catch_up()
    results, space = expire_and_give_back(lib, ["g"], max_bytes=1_500_000)
    assert results[0].bodies > 200
    lib.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("VACUUM")
    db.close()
    assert disk_size(path) >= space.after - 2 * 32768
