"""A stored OVER chunk can never brick the store: hostile lines settle, a chunk that cannot is set aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntp.errors import SourceUnavailable
from nntp.models import GroupInfo, Overview, RawOverviews
from nntp.parse import STANDARD_FORMAT
from store import rawchunks
from store.cache import Store
from store.overview_store import OverviewStore
from store.library import Library
from store.sync import expire
from tests.fakes.source import FakeSource

GOOD = "{n}\tgood {n}\tAnn <a@x>\tTue, 02 Jan 2024 10:00:00 +0000\t<{n}@ok>\t\t100\t3\r\n"
POISON_SUBJECTS = ("=?undefined?q?boom?=", "=?idna?q?b=FFoom?=", "=?punycode?q?b=FFoom?=", "=?a\x00b?q?boom?=",
                   "=?rot13?q?boom?=", "=?zlib?b?Ym9vbQ==?=")


def poison_data(first: int) -> bytes:
    """OVER lines INN stores and serves as they were posted: each one broke the old settle."""
    lines = [GOOD.format(n=first)]
    for i, subject in enumerate(POISON_SUBJECTS, first + 1):
        lines.append(f"{i}\t{subject}\tBob <b@x>\tTue, 02 Jan 2024 10:00:00 +0000\t<{i}@bad>\t<{first}@ok>\t1\t1\r\n")
    n = first + len(POISON_SUBJECTS) + 1
    lines.append(f"{n}\tfar future\tC <c@x>\tFri, 31 Dec 9999 23:59:59 -0900\t<{n}@bad>\t\t{'9' * 30}\t1\r\n")
    lines.append(f"{'9' * 30}\thuge number\tD <d@x>\tTue, 02 Jan 2024 10:00:00 +0000\t<huge@bad>\t\t1\t1\r\n")
    return "".join(lines).encode()


def poisoned_store(path: Path) -> Store:
    """A store as the old code left it: the raw chunk saved, never settled."""
    store = Store(path)
    store.group_table.save([GroupInfo("bad.group", 1, 20, 20), GroupInfo("other.group", 1, 1, 1)])
    store.overview_store.save_raw("bad.group", RawOverviews(1, 20, poison_data(1), STANDARD_FORMAT))
    store.overview_store.save_raw("other.group", RawOverviews(1, 1, GOOD.format(n=1).encode(), STANDARD_FORMAT))
    return store


def offline() -> FakeSource:
    raise SourceUnavailable("news.example:119: connection refused")


def test_a_poison_chunk_settles_with_every_article_listed(tmp_path: Path) -> None:
    store = poisoned_store(tmp_path / "s.sqlite3")
    assert [r.number for r in store.overview_store.all("bad.group")] == list(range(1, 9))  # read from the chunk
    assert store.overview_store.settle() == 0
    rows = store.overview_store.all("bad.group")
    assert [r.number for r in rows] == list(range(1, 9)) and rawchunks.pending(store.db) == 0
    assert rows[1].subject == "boom" and rows[4].subject == "boom"
    assert rows[7].date is None and rows[7].bytes == 0
    assert store.overview_store.count("other.group") == 1
    assert store.group_table.fetched_high("bad.group") == 20


def test_a_store_with_a_poison_chunk_recovers_on_the_next_open(tmp_path: Path) -> None:
    poisoned_store(tmp_path / "s.sqlite3").close()
    library = Library(Store(tmp_path / "s.sqlite3"), offline)
    assert [g.name for g in library.groups()] == ["bad.group", "other.group"]
    assert [r.number for r in library.enter_group("other.group").overviews] == [1]
    assert len(library.enter_group("bad.group").overviews) == 8
    assert {h.number for h in library.search("boom")} == {2, 5, 6, 7}  # 3 and 4: "b\u00ffoom" (Latin-1)
    assert [e.group for e in expire(library, ["bad.group", "other.group"], days=1)] == ["bad.group", "other.group"]
    library.close()


def failing_insert(store: Store, monkeypatch: pytest.MonkeyPatch, group: str, number: int | None = None) -> None:
    """Make rows of ``group`` (or only row ``number``) impossible to insert (any bug a future line might trigger)."""
    real = OverviewStore._insert_rows

    def insert(self: OverviewStore, name: str, batch: list[Overview]) -> None:
        if name == group and (number is None or number in [r.number for r in batch]):
            raise ValueError("cannot store this row")
        real(self, name, batch)

    monkeypatch.setattr(OverviewStore, "_insert_rows", insert)


def test_a_chunk_that_cannot_settle_is_set_aside_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = poisoned_store(tmp_path / "s.sqlite3")
    failing_insert(store, monkeypatch, "bad.group")
    assert store.overview_store.settle() == 0
    assert rawchunks.pending(store.db) == 0
    assert store.overview_store.count("other.group") == 1 and store.overview_store.count("bad.group") == 0
    (kept,) = store.db.execute(f"SELECT grp, first, last, error, lost FROM {rawchunks.QUARANTINE_TABLE}").fetchall()
    assert kept == ("bad.group", 1, 20, "ValueError: cannot store this row", 8)
    assert store.group_table.fetched_high("bad.group") == 20  # not fetched again either
    monkeypatch.undo()
    assert store.overview_store.all("bad.group") == [] and store.search_index.search("good")


def test_a_busy_database_keeps_the_chunk_for_later(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    store = poisoned_store(tmp_path / "s.sqlite3")

    def busy(self: OverviewStore, name: str, batch: list[Overview]) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(OverviewStore, "_insert_rows", busy)
    with pytest.raises(sqlite3.OperationalError):
        store.overview_store.settle()
    assert rawchunks.pending(store.db) == 2
    monkeypatch.undo()
    assert store.overview_store.settle() == 0 and store.overview_store.count("bad.group") == 8


def test_only_the_record_that_cannot_be_stored_is_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = poisoned_store(tmp_path / "s.sqlite3")
    failing_insert(store, monkeypatch, "bad.group", number=3)
    assert store.overview_store.settle() == 0
    monkeypatch.undo()
    assert [r.number for r in store.overview_store.all("bad.group")] == [1, 2, 4, 5, 6, 7, 8]
    assert store.db.execute(f"SELECT lost FROM {rawchunks.QUARANTINE_TABLE}").fetchall() == [(1,)]
    assert {h.number for h in store.search_index.search("boom")} == {2, 5, 6, 7}


def test_a_damaged_pack_is_rebuilt_from_the_rows_never_unmarshalled(tmp_path: Path) -> None:
    from store import packs
    from tests.store.test_rawchunks import expected, raw_slice

    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, 9000, 9000)])
    store.overview_store.save_raw("g", raw_slice(1, 9000))
    assert store.overview_store.settle() == 0 and packs.packed_last(store.db, "g") > 0
    (first, data), *_ = store.db.execute("SELECT first, data FROM overview_pack WHERE grp='g' ORDER BY first")
    damaged = bytes(data).replace(b"subject 5 ", b"subjekt 5 ", 1)  # still unmarshals, to the wrong text
    assert damaged != data  # (other damage can crash marshal.loads, and with it the interpreter)
    store.db.execute("UPDATE overview_pack SET data=? WHERE grp='g' AND first=?", (damaged, first))
    assert store.overview_store.all("g") == expected(1, 9000)
    assert packs.load(store.db, "g") is not None  # rebuilt
