"""Settling a group's chunks runs beside a reader that holds the group: it must never read the whole group.

Making a group's several packs one means decoding and joining every article of
it: local.big's cold reader peaked 56 MB higher while settling did that. The
next entry reads the packs anyway and writes back the one pack it joined.
"""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from nntp.columns import Columns
from nntp.models import GroupInfo
from store import packs
from store.cache import Store
from tests.store.test_rawchunks import expected, raw_slice


def test_settling_packs_what_it_settled_without_reading_the_group(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "s.sqlite3")
    last = 3 * packs.PACK_ROWS + 500
    store.group_table.save([GroupInfo("g", 1, last, last)])
    for first in range(1, last + 1, 3000):
        store.overview_store.save_raw("g", raw_slice(first, min(first + 2999, last)))

    def whole_group(*_args: object) -> None:
        raise AssertionError("settling read the whole group")

    monkeypatch.setattr(packs, "overviews", whole_group)
    assert store.overview_store.settle("g") == 0
    counted = store.db.execute("SELECT COUNT(*), SUM(count), MAX(last) FROM overview_pack WHERE grp='g'").fetchone()
    assert counted[0] >= 1 and counted[1] == counted[2] == 3 * packs.PACK_ROWS
    monkeypatch.undo()
    assert store.overview_store.all("g") == expected(1, last)
    assert store.db.execute("SELECT COUNT(*) FROM overview_pack WHERE grp='g'").fetchone()[0] == 1


def test_many_packs_are_joined_as_they_are_decoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A group settled in many packs is read a few packs at a time into what is read so far."""
    monkeypatch.setattr(packs, "PACK_ROWS", 100)
    monkeypatch.setattr(packs, "JOIN_EVERY", 3)
    store = Store(tmp_path / "s.sqlite3")
    last = 1450
    store.group_table.save([GroupInfo("g", 1, last, last)])
    for first in range(1, last + 1, 300):
        store.overview_store.save_raw("g", raw_slice(first, min(first + 299, last)))
    store.overview_store.settle("g")
    assert store.db.execute("SELECT COUNT(*) FROM overview_pack WHERE grp='g'").fetchone()[0] == 14
    sizes: list[int] = []
    join = packs.join

    def counted(parts: list[Columns], adopt: bool = False) -> Columns:
        sizes.append(len(parts))
        return join(parts, adopt)

    monkeypatch.setattr(packs, "join", counted)
    read = packs.overviews(store.db, "g")
    assert read.columns == expected(1, last) and read.packs == 14 and max(sizes) <= 5


def chunked(tmp_path: Path, last: int) -> Store:
    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, last, last)])
    for first in range(1, last + 1, 3000):
        store.overview_store.save_raw("g", raw_slice(first, min(first + 2999, last)))
    return store


def test_a_group_a_reader_holds_is_packed_from_what_it_holds(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Settled, the group the reader entered is written as one pack from the Columns it holds, not read
    again: its next entry decodes one pack, with no join and no pack written back."""
    last = 3 * packs.PACK_ROWS + 500
    store = chunked(tmp_path, last)
    held = store.overview_store.all("g")  # what a reader holds (from the chunks)
    store.overview_store.hold("g", held)

    def whole_group(*_args: object) -> None:
        raise AssertionError("settling read the whole group")

    monkeypatch.setattr(packs, "overviews", whole_group)
    while store.overview_store.settle("g", chunks=1):  # a chunk at a time, as an idle reader settles
        pass
    counted = store.db.execute("SELECT COUNT(*), SUM(count), MAX(last) FROM overview_pack WHERE grp='g'").fetchone()
    assert counted == (1, 3 * packs.PACK_ROWS, 3 * packs.PACK_ROWS)
    monkeypatch.undo()
    monkeypatch.setattr(packs, "repack", lambda *_: pytest.fail("the pack was written back"))
    read = packs.overviews(store.db, "g")
    assert read.packs == 1 and read.columns == expected(1, last) == held


def test_what_a_reader_holds_is_not_packed_when_the_rows_moved_on(tmp_path: Path) -> None:
    """Articles stored after the reader's entry: what it holds is not the group; the rows are packed a batch
    at a time once settled."""
    last = 2 * packs.PACK_ROWS + 10
    store = chunked(tmp_path, last)
    held = store.overview_store.all("g")
    store.overview_store.save_raw("g", raw_slice(last + 1, last + 50))
    store.overview_store.hold("g", held)
    assert store.overview_store.settle("g") == 0
    assert packs.packed_last(store.db, "g") == 2 * packs.PACK_ROWS
    assert store.overview_store.all("g") == expected(1, last + 50)


def test_another_group_settles_into_its_packs_as_before(tmp_path: Path) -> None:
    store = chunked(tmp_path, 2 * packs.PACK_ROWS + 10)
    store.overview_store.hold("other", store.overview_store.all("g"))
    while store.overview_store.settle("g", chunks=1):
        pass
    assert packs.packed_last(store.db, "g") == 2 * packs.PACK_ROWS


def test_rows_never_packed_are_read_a_batch_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A settling beside the reader cut short (the process ended) leaves rows and no pack: the next entry
    reads them a batch at a time (never every row's tuple at once), gives the same articles, writes its
    pack back."""
    last = 2 * packs.PACK_ROWS + 10
    store = chunked(tmp_path, last)
    held = store.overview_store.all("g")  # what the reader holds (the store keeps no reference of its own)
    store.overview_store.hold("g", held)
    assert store.overview_store.settle("g", chunks=2) > 0
    assert packs.packed_last(store.db, "g") == 0
    store.close()
    store = Store(tmp_path / "s.sqlite3")  # the next process
    monkeypatch.setattr(packs, "TAIL_BATCH", 1000)
    sizes = batch_sizes(monkeypatch)
    assert store.overview_store.all("g") == expected(1, last)
    assert sizes and max(sizes) <= 1000 and sum(sizes) == 6000  # the rows; the last chunk is read as it is
    assert packs.packed_last(store.db, "g") == packs.PACK_ROWS  # the full run of those rows, written back


def test_a_settling_the_reader_left_packs_a_batch_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader entered another group while its last one settled: the rows settled meanwhile are not read
    back as records for tail packs; once settled they are packed a batch at a time."""
    monkeypatch.setattr(packs, "TAIL_BATCH", 2 * packs.PACK_ROWS)
    last = 3 * packs.PACK_ROWS + 10
    store = chunked(tmp_path, last)
    held = store.overview_store.all("g")
    store.overview_store.hold("g", held)
    assert store.overview_store.settle("g", chunks=2) > 0
    other = store.overview_store.all("other")
    store.overview_store.hold("other", other)
    monkeypatch.setattr(packs, "rows_to_overviews", lambda *_: pytest.fail("rows read back as records"))
    sizes = batch_sizes(monkeypatch)
    while store.overview_store.settle("g", chunks=1):
        pass
    assert packs.packed_last(store.db, "g") == 3 * packs.PACK_ROWS
    assert sizes and max(sizes) <= 2 * packs.PACK_ROWS
    monkeypatch.undo()
    assert store.overview_store.all("g") == expected(1, last)


def batch_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the row batches made Columns from now on."""
    sizes: list[int] = []
    made = packs.rows_to_columns

    def counted(rows: list[packs.Row]) -> Columns:
        sizes.append(len(rows))
        return made(rows)

    monkeypatch.setattr(packs, "rows_to_columns", counted)
    return sizes


def test_the_store_keeps_no_group_alive_the_reader_let_go(tmp_path: Path) -> None:
    """Left for the group list, a group's Columns are freed: the store only remembers them weakly, and its
    settling then packs run by run as for any group."""
    store = chunked(tmp_path, 2 * packs.PACK_ROWS + 10)
    held = store.overview_store.all("g")
    store.overview_store.hold("g", held)
    gone = weakref.ref(held)
    del held
    assert gone() is None
    while store.overview_store.settle("g", chunks=1):
        pass
    assert packs.packed_last(store.db, "g") == 2 * packs.PACK_ROWS
