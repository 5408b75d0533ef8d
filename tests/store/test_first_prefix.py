"""The first screen of a big group reads its pack in part (store/colprefix.py through OverviewStore.first):
the caller's thread never decodes the pack whole, the helper thread does (and still checks its CRC)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from nntp.columns import Columns
from nntp.models import GroupInfo
from store import colpack, packread
from store.cache import Store
from store.overview_store import WHOLE_FIRST
from tests.fakes.source import make_overview
from tests.store.test_rawchunks import raw_slice

GROUP = "fake.group"
BIG = WHOLE_FIRST + 2_000


def stored(tmp_path: Path, count: int, start: int = 1) -> Store:
    store = Store(tmp_path / "store.sqlite3")
    store.group_table.update(GroupInfo(GROUP, 1, start + count - 1, count))
    store.overview_store.save(GROUP, [make_overview(n, n - 1 if n % 3 else None)
                                      for n in range(start, start + count)], start + count - 1)
    return store


@pytest.fixture
def whole_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that decode a binary pack whole."""
    threads: list[str] = []
    real = colpack.from_reader

    def noted(*args, **kwargs) -> Columns:  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(colpack, "from_reader", noted)
    return threads


def test_a_big_pack_gives_its_first_records_and_is_decoded_whole_on_the_helper_only(
        tmp_path: Path, whole_decodes: list[str]) -> None:
    store = stored(tmp_path, BIG)
    assert len(packread.listed(store.db, GROUP)) == 1
    whole_decodes.clear()
    first = store.overview_store.first(GROUP, 1500)
    assert whole_decodes == []
    group = store.overview_store.meanwhile(GROUP)()
    assert whole_decodes == ["pith-overviews"] and len(group) == BIG
    assert first == list(group)[:1500]


def test_a_small_single_pack_is_decoded_once_for_the_whole_entry(tmp_path: Path, whole_decodes: list[str]) -> None:
    store = stored(tmp_path, 3000)
    whole_decodes.clear()
    first = store.overview_store.first(GROUP, 1500)
    group = store.overview_store.meanwhile(GROUP)()
    assert whole_decodes == [threading.current_thread().name] and first == list(group)[:1500]


def test_a_big_pack_with_packs_stored_past_it_reads_only_its_front(tmp_path: Path, whole_decodes: list[str]) -> None:
    store = stored(tmp_path, BIG)
    store.overview_store.save(GROUP, [make_overview(n) for n in range(BIG + 1, BIG + 11)], BIG + 10)
    assert len(packread.listed(store.db, GROUP)) == 2
    whole_decodes.clear()
    assert [o.number for o in store.overview_store.first(GROUP, 50)] == list(range(1, 51))
    assert whole_decodes == []


def test_small_leading_packs_give_as_many_records_as_asked(tmp_path: Path) -> None:
    store = stored(tmp_path, 10)
    store.overview_store.save(GROUP, [make_overview(n) for n in range(11, BIG + 11)], BIG + 10)
    assert [p[3] for p in packread.listed(store.db, GROUP)] == [10, BIG]
    first = store.overview_store.first(GROUP, 1500)
    assert [o.number for o in first] == list(range(1, 1501))
    assert first == list(store.overview_store.all(GROUP))[:1500]


def test_answers_as_they_came_give_their_run_up_to_the_count(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite3")
    store.group_table.update(GroupInfo(GROUP, 1, 30, 30))
    store.overview_store.save_raw(GROUP, raw_slice(1, 10))
    store.overview_store.save_raw(GROUP, raw_slice(11, 30))
    first = store.overview_store.first(GROUP, 15)
    assert [o.number for o in first] == list(range(1, 16)) and first == list(store.overview_store.all(GROUP))[:15]


def flip(store: Store, at: int) -> None:
    """One byte of the group's only pack flipped, its CRC left as it was."""
    (rowid,), = store.db.execute("SELECT rowid FROM overview_pack WHERE grp=?", (GROUP,)).fetchall()
    with store.transaction(), store.db.blobopen("overview_pack", "data", rowid, readonly=False) as blob:
        blob.seek(at)
        byte = blob.read(1)[0]
        blob.seek(at)
        blob.write(bytes([byte ^ 0x41]))


HEADER = 4 + 8 + 21 * 8


def test_damage_past_the_first_screen_is_set_aside_by_the_whole_decode(tmp_path: Path) -> None:
    store = stored(tmp_path, BIG)
    flip(store, HEADER + 8 * (BIG - 5))  # the number of an article far from the first screen
    assert [o.number for o in store.overview_store.first(GROUP, 100)] == list(range(1, 101))
    assert len(store.overview_store.meanwhile(GROUP)()) == 0
    assert "cannot be read" in store.overview_store.notes[0] and not packread.listed(store.db, GROUP)


def test_damage_the_first_screen_meets_gives_no_first_screen_and_is_set_aside(tmp_path: Path) -> None:
    store = stored(tmp_path, BIG)
    flip(store, HEADER + 8 * BIG * 4 + 3)  # a byte of the first Subject code
    assert store.overview_store.first(GROUP, 100) == []
    assert len(store.overview_store.meanwhile(GROUP)()) == 0 and store.overview_store.notes
