"""Compacting the group a reader holds: written from the Columns it holds, never read again beside them.

Decoding and joining every article of a group beside the reader's own copy of it
raised local.big's cold reader's peak by 56 MB; the idle step writes the group
from what the reader holds instead, and only when that is still exactly what is stored.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from pathlib import Path

import pytest

from nntp.columns import Columns
from nntp.models import GroupInfo
from store import packread, packs, rawchunks
from store.cache import Store
from tests.store.test_rawchunks import expected, raw_slice


def answered(tmp_path: Path, last: int, step: int = 3000) -> Store:
    """A group stored as a server's answers came, ``step`` articles each."""
    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, last, last)])
    for first in range(1, last + 1, step):
        store.overview_store.save_raw("g", raw_slice(first, min(first + step - 1, last)))
    return store


def listed(store: Store, grp: str = "g") -> list[tuple[int, int, int, bool]]:
    return [(p[1], p[2], p[3], rawchunks.is_over(p[4])) for p in packread.listed(store.db, grp)]


def never(*_args: object) -> None:
    raise AssertionError("the group was read again")


def test_the_group_a_reader_holds_is_compacted_from_what_it_holds(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    last = 12_788
    store = answered(tmp_path, last)
    held = store.overview_store.read("g")  # what a reader holds (from the answers as they came)
    store.overview_store.hold("g", held)
    monkeypatch.setattr(packread, "decoded", never)
    assert store.overview_store.compact() == 0
    assert listed(store) == [(1, last, last, False)]
    monkeypatch.undo()
    monkeypatch.setattr(packs, "compact", lambda *_: pytest.fail("the pack was written back"))
    read = packread.overviews(store.db, "g")
    assert len(read.packs) == 1 and read.columns == expected(1, last) == held
    assert store.overview_store.all("g") == held


def test_many_packs_are_joined_as_they_are_decoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A group stored in many binary packs is read a few packs at a time into what is read so far."""
    monkeypatch.setattr(packread, "JOIN_EVERY", 3)
    store = Store(tmp_path / "s.sqlite3")
    want = expected(1, 1450)
    for start in range(0, 1450, 100):
        store.overview_store.save("g", want[start : start + 100], min(start + 100, 1450))
    assert len(listed(store)) == 15
    sizes: list[int] = []
    join = packread.join

    def counted(parts: list[Columns], adopt: bool = False) -> Columns:
        sizes.append(len(parts))
        return join(parts, adopt)

    monkeypatch.setattr(packread, "join", counted)
    read = packread.overviews(store.db, "g")
    assert read.columns == want and len(read.packs) == 15 and max(sizes) <= 4


def test_answers_of_one_fetch_are_read_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = answered(tmp_path, 5000, step=500)
    passes: list[int] = []
    many = rawchunks.over_columns_many

    def counted(blocks: Iterable[bytes], fields: tuple[str, ...]) -> tuple[Columns, int]:
        held = list(blocks)
        passes.append(len(held))
        return many(held, fields)

    monkeypatch.setattr(rawchunks, "over_columns_many", counted)
    assert packread.overviews(store.db, "g").columns == expected(1, 5000) and passes == [10]


def test_what_a_reader_holds_is_not_written_when_the_group_moved_on(tmp_path: Path) -> None:
    """Articles stored after the reader's entry: what it holds is not the group; the next entry compacts."""
    last = 8202
    store = answered(tmp_path, last)
    held = store.overview_store.read("g")
    store.overview_store.save_raw("g", raw_slice(last + 1, last + 50))
    store.overview_store.hold("g", held)
    before = listed(store)
    assert store.overview_store.compact() == 0 and listed(store) == before
    assert store.overview_store.all("g") == expected(1, last + 50)
    assert listed(store) == [(1, last + 50, last + 50, False)]


def test_another_group_held_leaves_this_one_as_it_is(tmp_path: Path) -> None:
    store = answered(tmp_path, 8202)
    before = listed(store)
    store.overview_store.hold("other", store.overview_store.read("g"))
    assert store.overview_store.compact() == 0 and listed(store) == before


def test_the_store_keeps_no_group_alive_the_reader_let_go(tmp_path: Path) -> None:
    """Left for the group list, a group's Columns are freed: the store only remembers them weakly, and the
    idle step then has nothing to write from."""
    store = answered(tmp_path, 8202)
    before = listed(store)
    held = store.overview_store.read("g")
    store.overview_store.hold("g", held)
    gone = weakref.ref(held)
    del held
    assert gone() is None
    assert store.overview_store.compact() == 0 and listed(store) == before
