"""The overview store hands out Columns: a group's packs read as one and written back as one, newer articles
winning over older ones of the same number, and a damaged pack set aside, never misread."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nntp.columns import Columns, from_records
from nntp.models import GroupInfo
from nntp.parse import STANDARD_FORMAT
from nntp.overblock import parse_over_block
from store import packread, packs, rawchunks
from store.cache import Store
from store.overview_store import _read_snapshot
from store.packread import Read
from tests.fakes.source import make_overview
from tests.store.test_poison_chunk import poison_data

RUN = 4096


def filled(path: Path, count: int) -> Store:
    store = Store(path)
    store.group_table.save([GroupInfo("g", 1, count, count)])
    arts = [make_overview(i, i - 1 if i % 4 else None) for i in range(1, count + 1)]
    for start in range(0, count, 1000):
        store.overview_store.save("g", arts[start : start + 1000], min(start + 1000, count))
    return store


def pack_rows(store: Store) -> list[tuple[int, int, int]]:
    return store.db.execute("SELECT first, last, count FROM overview_pack WHERE grp='g' ORDER BY first").fetchall()


def test_all_gives_columns_and_packs_the_group_as_one(tmp_path: Path) -> None:
    count = 3 * RUN + 100
    store = filled(tmp_path / "s.sqlite3", count)
    want = [make_overview(i, i - 1 if i % 4 else None) for i in range(1, count + 1)]
    assert len(pack_rows(store)) == 13  # a pack per batch saved
    first = store.overview_store.all("g")
    assert isinstance(first, Columns) and first == want
    assert pack_rows(store) == [(1, count, count)]  # one pack of the whole group
    second = store.overview_store.all("g")
    assert second == want and second.reference_codes(1)[0] == second.id_codes[0]


def test_a_compaction_is_skipped_when_the_packs_changed_since_they_were_read(tmp_path: Path) -> None:
    store = filled(tmp_path / "s.sqlite3", 2000)
    read = packread.overviews(store.db, "g")
    store.overview_store.save("g", [make_overview(1500)._replace(subject="newer")], 2000)  # folds into a pack read
    with store.transaction():
        assert not packs.compact(store.db, "g", read)
    assert store.overview_store.all("g")[1499].subject == "newer"


def test_a_compaction_leaves_what_was_stored_meanwhile(tmp_path: Path) -> None:
    store = filled(tmp_path / "s.sqlite3", 2000)
    read = packread.overviews(store.db, "g")
    store.overview_store.save("g", [make_overview(2001)], 2001)
    with store.transaction():
        assert packs.compact(store.db, "g", read)
    assert pack_rows(store) == [(1, 2000, 2000), (2001, 2001, 1)]
    assert [o.number for o in store.overview_store.all("g")] == list(range(1, 2002))


def test_the_helper_s_read_is_compacted_and_not_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pack a compaction writes is no article stored since the helper's snapshot: it is not decoded and
    merged with what the helper read (local.big after a sync: 81 -> 166 MB of peak when it was)."""
    store = filled(tmp_path / "s.sqlite3", 3000)
    finish = store.overview_store.meanwhile("g")
    monkeypatch.setattr(packs, "merge", lambda *_: pytest.fail("the compacted pack was read back"))
    assert finish() == [make_overview(i, i - 1 if i % 4 else None) for i in range(1, 3001)]
    assert pack_rows(store) == [(1, 3000, 3000)]


def test_newer_articles_win_over_older_ones_of_the_same_number() -> None:
    older = from_records([make_overview(i) for i in range(1, 8)])
    newer = from_records([make_overview(3)._replace(subject="newer"), make_overview(9), make_overview(5, 3)])
    merged = packs.merge(older, newer)
    assert [o.number for o in merged] == [1, 2, 3, 4, 5, 6, 7, 9]
    assert merged[2].subject == "newer" and merged[4].references == ("<3@fake>",)
    after = packs.merge(from_records([make_overview(1)]), from_records([make_overview(2, 1)]))
    assert after.reference_codes(1)[0] == after.id_codes[0]


def test_answers_read_the_same_through_the_kernel_and_the_block_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = (poison_data(1), poison_data(20))
    kernel = rawchunks.over_columns_many(blocks, STANDARD_FORMAT)
    monkeypatch.setattr(rawchunks, "_kernel", lambda: None)
    parsed = rawchunks.over_columns_many(blocks, STANDARD_FORMAT)
    records = [r for block in blocks for r in parse_over_block(block, STANDARD_FORMAT)[0]]
    assert list(kernel[0]) == list(parsed[0]) == list(from_records(records)) and kernel[1] == parsed[1]


def test_the_helper_thread_reads_the_packs(tmp_path: Path) -> None:
    store = filled(tmp_path / "s.sqlite3", RUN + 10)
    want = store.overview_store.all("g")
    store.overview_store.save("g", [make_overview(RUN + 11)], RUN + 11)
    result: list[Read | BaseException] = []
    _read_snapshot(str(store.path), "g", result)
    read = result[0]
    assert isinstance(read, Read) and read.columns == [*want, make_overview(RUN + 11)] and len(read.packs) == 2


def test_a_read_only_connection_reads_packs_from_their_bytes(tmp_path: Path) -> None:
    store = filled(tmp_path / "s.sqlite3", RUN + 10)
    want = list(store.overview_store.all("g"))
    readonly = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    assert list(packread.overviews(readonly, "g").columns) == want


def test_reading_a_pack_takes_no_write_lock(tmp_path: Path) -> None:
    """A reader inside its transaction (the entry's helper thread) never keeps the session from writing."""
    store = filled(tmp_path / "s.sqlite3", RUN + 10)
    store.overview_store.all("g")
    reader = sqlite3.connect(store.path, isolation_level=None)
    reader.execute("BEGIN")
    assert len(packread.overviews(reader, "g").columns) == RUN + 10
    store.db.execute("PRAGMA busy_timeout=0")
    with store.transaction():
        store.group_table.raise_fetched_high("g", RUN + 20)
    reader.execute("COMMIT")
