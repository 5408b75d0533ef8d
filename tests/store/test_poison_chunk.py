"""A stored pack can never brick the store: hostile OVER lines read, a pack that cannot be read is set aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntp.errors import SourceUnavailable
from nntp.models import GroupInfo, RawOverviews
from nntp.parse import STANDARD_FORMAT
from store import packread, packs, rawchunks
from store.cache import Store
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
    """A store holding a poison OVER answer as it came."""
    store = Store(path)
    store.group_table.save([GroupInfo("bad.group", 1, 20, 20), GroupInfo("other.group", 1, 1, 1)])
    store.overview_store.save_raw("bad.group", RawOverviews(1, 20, poison_data(1), STANDARD_FORMAT))
    store.overview_store.save_raw("other.group", RawOverviews(1, 1, GOOD.format(n=1).encode(), STANDARD_FORMAT))
    return store


def offline() -> FakeSource:
    raise SourceUnavailable("news.example:119: connection refused")


def test_a_poison_answer_reads_with_every_article_listed(tmp_path: Path) -> None:
    store = poisoned_store(tmp_path / "s.sqlite3")
    rows = store.overview_store.all("bad.group")  # read, and compacted
    assert [r.number for r in rows] == list(range(1, 9))
    assert not any(rawchunks.is_over(p[4]) for p in packread.listed(store.db, "bad.group"))
    rows = store.overview_store.all("bad.group")
    assert [r.number for r in rows] == list(range(1, 9))
    assert rows[1].subject == "boom" and rows[4].subject == "boom"
    assert rows[7].date is None and rows[7].bytes == 0
    assert store.overview_store.count("other.group") == 1
    assert store.group_table.fetched_high("bad.group") == 20


def test_a_store_with_a_poison_answer_works_on_the_next_open(tmp_path: Path) -> None:
    poisoned_store(tmp_path / "s.sqlite3").close()
    library = Library(Store(tmp_path / "s.sqlite3"), offline)
    assert [g.name for g in library.groups()] == ["bad.group", "other.group"]
    assert [r.number for r in library.enter_group("other.group").overviews] == [1]
    assert len(library.enter_group("bad.group").overviews) == 8
    assert {h.number for h in library.search("boom")} == {2, 5, 6, 7}  # 3 and 4: "b\u00ffoom" (Latin-1)
    assert [e.group for e in expire(library, ["bad.group", "other.group"], days=1)] == ["bad.group", "other.group"]
    library.close()


def failing_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every OVER-encoded pack impossible to decode (any bug a future line might trigger)."""
    def fail(*args: object) -> object:
        raise ValueError("cannot read this answer")

    monkeypatch.setattr(rawchunks, "over_columns_many", fail)


def test_a_pack_that_cannot_be_read_is_set_aside_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = poisoned_store(tmp_path / "s.sqlite3")
    library = Library(store, offline)
    failing_decoder(monkeypatch)
    assert len(library.enter_group("bad.group").overviews) == 0
    (kept,) = store.db.execute(f"SELECT grp, first, last, error, lost FROM {packs.QUARANTINE_TABLE}").fetchall()
    assert kept == ("bad.group", 1, 20, "ValueError: cannot read this answer", 8)
    assert library.warnings == ["bad.group: the stored overviews of articles 1-20 cannot be read (ValueError: "
                                "cannot read this answer); they were set aside"]
    assert store.group_table.fetched_high("bad.group") == 20  # not fetched again either
    monkeypatch.undo()
    assert store.overview_store.all("bad.group") == [] and store.overview_store.count("other.group") == 1
    assert store.search_index.search("good") and not store.search_index.search("boom")
    library.close()


def test_a_busy_database_keeps_the_pack_where_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    store = poisoned_store(tmp_path / "s.sqlite3")

    def busy(*args: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(packs, "quarantine", busy)
    failing_decoder(monkeypatch)
    assert store.overview_store.all("bad.group") == []  # skipped by this reading
    monkeypatch.undo()
    assert len(store.overview_store.all("bad.group")) == 8


def test_a_damaged_binary_pack_is_set_aside_never_misread(tmp_path: Path) -> None:
    from tests.store.test_rawchunks import expected, raw_slice

    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, 9000, 9000)])
    store.overview_store.save_raw("g", raw_slice(1, 9000))
    assert store.overview_store.all("g") == expected(1, 9000)  # compacted into one binary pack
    (rowid, data), *_ = store.db.execute("SELECT rowid, data FROM overview_pack WHERE grp='g'")
    damaged = bytes(data).replace(b"subject 5 ", b"subjekt 5 ", 1)
    assert damaged != data
    store.db.execute("UPDATE overview_pack SET data=? WHERE rowid=?", (damaged, rowid))
    assert store.overview_store.all("g") == [] and store.overview_store.notes  # the checksum caught it
    assert store.db.execute(f"SELECT COUNT(*) FROM {packs.QUARANTINE_TABLE}").fetchone() == (1,)
    store.close()
