"""The overview store hands out Columns: one pack per group once read, rows and chunks joined past it,
chunk articles winning over rows of the same number, and stale or damaged packs rebuilt from the rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nntp.columns import Columns, from_records
from nntp.models import GroupInfo
from nntp.parse import STANDARD_FORMAT
from store import packs, rawchunks
from store.cache import Store
from store.overview_store import Snapshot, _read_snapshot
from tests.fakes.source import make_overview
from tests.store.test_poison_chunk import poison_data


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
    count = 3 * packs.PACK_ROWS + 100
    store = filled(tmp_path / "s.sqlite3", count)
    want = [make_overview(i, i - 1 if i % 4 else None) for i in range(1, count + 1)]
    first = store.overview_store.all("g")
    assert isinstance(first, Columns) and first == want
    assert pack_rows(store) == [(1, 3 * packs.PACK_ROWS, 3 * packs.PACK_ROWS)]  # one pack of the full runs
    second = store.overview_store.all("g")
    assert second == want and second.reference_codes(1)[0] == second.id_codes[0]


def test_several_packs_are_made_one_when_read(tmp_path: Path) -> None:
    count = 2 * packs.PACK_ROWS
    store = filled(tmp_path / "s.sqlite3", count)
    rows = store.db.execute(f"SELECT {packs.COLUMNS} FROM overview WHERE grp='g' ORDER BY number").fetchall()
    with store.transaction():
        for start in (0, packs.PACK_ROWS):
            packs.write_packs(store.db, "g", rows[start : start + packs.PACK_ROWS])
    assert len(pack_rows(store)) == 2
    assert store.overview_store.all("g") == packs.rows_to_overviews(rows)
    assert pack_rows(store) == [(1, count, count)]


def test_a_repack_is_skipped_when_the_rows_changed_since_they_were_read(tmp_path: Path) -> None:
    store = filled(tmp_path / "s.sqlite3", packs.PACK_ROWS + 10)
    read = packs.overviews(store.db, "g")
    store.overview_store.save("g", [make_overview(packs.PACK_ROWS + 11)], packs.PACK_ROWS + 11)
    with store.transaction():
        packs.repack(store.db, "g", read)
    assert pack_rows(store) == []


def test_a_damaged_pack_is_rebuilt_from_the_rows(tmp_path: Path) -> None:
    store = filled(tmp_path / "s.sqlite3", packs.PACK_ROWS + 5)
    want = store.overview_store.all("g")
    store.db.execute("UPDATE overview_pack SET data = substr(data, 1, 100)")
    assert store.overview_store.all("g") == list(want)
    assert packs.load(store.db, "g") is not None


def test_chunk_articles_win_over_rows_of_the_same_number(tmp_path: Path) -> None:
    rows = from_records([make_overview(i) for i in range(1, 8)])
    chunks = from_records([make_overview(3)._replace(subject="newer"), make_overview(9), make_overview(5, 3)])
    merged = rawchunks.merge(rows, chunks)
    assert [o.number for o in merged] == [1, 2, 3, 4, 5, 6, 7, 9]
    assert merged[2].subject == "newer" and merged[4].references == ("<3@fake>",)
    after = rawchunks.merge(from_records([make_overview(1)]), from_records([make_overview(2, 1)]))
    assert after.reference_codes(1)[0] == after.id_codes[0]


def test_chunks_read_the_same_through_the_kernel_and_the_block_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = (poison_data(1), poison_data(20))
    kernel = rawchunks.over_columns_many(blocks, STANDARD_FORMAT)
    monkeypatch.setattr(rawchunks, "_kernel", lambda: None)
    parsed = rawchunks.over_columns_many(blocks, STANDARD_FORMAT)
    records = [r for block in blocks for r in rawchunks.parse_chunk("\n".join(STANDARD_FORMAT), block)]
    assert list(kernel[0]) == list(parsed[0]) == list(from_records(records)) and kernel[1] == parsed[1]


def test_the_helper_thread_reads_the_pack_not_the_rows(tmp_path: Path) -> None:
    store = filled(tmp_path / "s.sqlite3", packs.PACK_ROWS + 10)
    want = store.overview_store.all("g")
    result: list[Snapshot | BaseException] = []
    _read_snapshot(str(store.path), "g", result)
    assert not isinstance(result[0], BaseException)
    columns, read = result[0]
    assert columns == list(want) and not read.stale and read.packs == 1 and read.tail == 10


def test_a_read_only_connection_reads_packs_from_their_bytes(tmp_path: Path) -> None:
    store = filled(tmp_path / "s.sqlite3", packs.PACK_ROWS + 10)
    want = list(store.overview_store.all("g"))
    readonly = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    loaded = packs.load(readonly, "g")
    assert loaded is not None and list(loaded[0][0]) == want[: packs.PACK_ROWS]


def test_reading_a_pack_takes_no_write_lock(tmp_path: Path) -> None:
    """A reader inside its transaction (the entry's helper thread) never keeps the session from writing."""
    store = filled(tmp_path / "s.sqlite3", packs.PACK_ROWS + 10)
    store.overview_store.all("g")
    reader = sqlite3.connect(store.path, isolation_level=None)
    reader.execute("BEGIN")
    assert packs.load(reader, "g") is not None
    store.db.execute("PRAGMA busy_timeout=0")
    with store.transaction():
        store.group_table.raise_fetched_high("g", packs.PACK_ROWS + 20)
    reader.execute("COMMIT")
