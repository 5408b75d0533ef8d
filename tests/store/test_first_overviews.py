"""A group's first records for a first screen: from its first pack, whichever its encoding, and the early call."""

from __future__ import annotations

from pathlib import Path

from nntp.models import GroupInfo, Overview
from store import packread
from store.cache import Store
from store.library import EARLY_RECORDS, Library
from tests.fakes.source import FakeSource, make_overview
from tests.store.test_rawchunks import expected, raw_slice

GROUP = "fake.group"


def stored(tmp_path: Path, count: int) -> Store:
    store = Store(tmp_path / "store.sqlite3")
    store.group_table.update(GroupInfo(GROUP, 1, count, count))
    store.overview_store.save(GROUP, [make_overview(n) for n in range(1, count + 1)], count)
    return store


def test_from_packs_the_first_records_in_order(tmp_path: Path) -> None:
    store = stored(tmp_path, 12_298)
    store.overview_store.all(GROUP)  # one pack, as after the first entry
    assert len(packread.listed(store.db, GROUP)) == 1
    first = store.overview_store.first(GROUP, 100)
    assert [o.number for o in first] == list(range(1, 101))
    assert first == store.overview_store.all(GROUP)[:100]
    with_two = store.overview_store.first(GROUP, 4097)
    assert [o.number for o in with_two] == list(range(1, 4098))


def test_the_single_pack_decoded_for_the_first_records_is_not_decoded_again(tmp_path: Path) -> None:
    store = stored(tmp_path, 50)
    assert [o.number for o in store.overview_store.first(GROUP, 20)] == list(range(1, 21))
    decoded = packread.decoded
    packread.decoded = lambda *_: (_ for _ in ()).throw(AssertionError("decoded twice"))  # type: ignore[assignment]
    try:
        assert [o.number for o in store.overview_store.meanwhile(GROUP)()] == list(range(1, 51))
    finally:
        packread.decoded = decoded


def test_from_the_first_answer_as_it_came(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite3")
    store.group_table.update(GroupInfo(GROUP, 1, 30, 30))
    store.overview_store.save_raw(GROUP, raw_slice(1, 10))
    store.overview_store.save_raw(GROUP, raw_slice(11, 30))
    assert store.overview_store.first(GROUP, 5) == [o._replace(extra=()) for o in expected(1, 10)][:5]
    assert store.overview_store.first("no.such.group", 5) == []


class GrowingSource(FakeSource):
    """Notes the moment the early call came: how many OVER batches had been asked for by then."""

    batches_served = 0

    def iter_overviews(self, name: str, first: int, last: int):  # type: ignore[no-untyped-def]
        for batch in super().iter_overviews(name, first, last):
            self.batches_served += 1
            yield batch


def test_enter_group_calls_early_once_with_the_first_records(tmp_path: Path) -> None:
    overviews = [make_overview(n, n - 1 if n % 4 else None) for n in range(1, 501)]
    source = GrowingSource({GROUP: overviews}, chunk=100)
    library = Library(Store(tmp_path / "store.sqlite3"), lambda: source)
    calls: list[tuple[list[Overview], int]] = []
    early = lambda records: calls.append((records, source.batches_served))  # noqa: E731

    cold = library.enter_group(GROUP, early=early)
    assert len(cold.overviews) == 500
    (records, served), = calls
    assert [o.number for o in records] == list(range(1, 101)) and served == 1  # after the first answer

    calls.clear()
    source.groups[GROUP] = overviews + [make_overview(n, n - 1) for n in range(501, 601)]
    warm = library.enter_group(GROUP, early=early)
    assert len(warm.overviews) == 600
    (records, served), = calls
    assert [o.number for o in records] == list(range(1, 501)) and served == 5  # from the cache, before any OVER
    assert len(records) <= EARLY_RECORDS


def test_offline_entry_gives_early_records_from_the_cache(tmp_path: Path) -> None:
    store = stored(tmp_path, 40)
    library = Library(store, None, offline=True)
    calls: list[list[Overview]] = []
    load = library.enter_group(GROUP, early=calls.append)
    assert load.offline and len(load.overviews) == 40
    assert [[o.number for o in c] for c in calls] == [list(range(1, 41))]
