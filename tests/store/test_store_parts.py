"""Store split by concern: the group list, overviews, bodies and search are parts on the store's one connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntp.models import GroupInfo
from store.body_store import BodyStore
from store.cache import Store
from store.group_table import GroupTable
from store.overview_store import OverviewStore
from store.search_index import SearchIndex
from tests.fakes.source import make_overview


def test_the_store_keeps_the_connection_and_exposes_one_part_per_concern(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    parts = (store.group_table, store.overview_store, store.body_store, store.search_index)
    assert [type(part) for part in parts] == [GroupTable, OverviewStore, BodyStore, SearchIndex]
    public = {name for name in vars(Store) if not name.startswith("_")}
    assert public == {"close", "transaction", "holds_nothing"}
    store.close()


def test_the_parts_write_in_the_stores_transaction(tmp_path: Path) -> None:
    """One write across concerns is one transaction: a failure leaves none of it."""
    store = Store(tmp_path / "s.sqlite3")
    with pytest.raises(RuntimeError), store.transaction():
        store.group_table.save([GroupInfo("g", 1, 1, 1)])
        store.overview_store.save("g", [make_overview(1)], 1)
        store.body_store.save("<1@fake>", b"Subject: topic 1\n\nbody\n")
        raise RuntimeError("interrupted")
    assert store.holds_nothing() and store.group_table.all() == [] and store.body_store.get("<1@fake>") is None
    store.group_table.save([GroupInfo("g", 1, 1, 1)])
    store.overview_store.save("g", [make_overview(1)], 1)
    store.body_store.save("<1@fake>", b"Subject: topic 1\n\nbody\n")
    assert store.group_table.fetched_high("g") == 1 and store.body_store.missing("g") == []
    assert [hit.number for hit in store.search_index.search("body")] == [1]
    store.close()
