"""Synced bodies are indexed for search later (store/bodyindex.py): a search finds them at once, an idle
reader's bounded step indexes a few, an expired one is passed over."""

from __future__ import annotations

from pathlib import Path

from store import bodyindex
from store.cache import Store
from store.library import Library
from tests.fakes.source import FakeSource, make_overview


def library(tmp_path: Path) -> Library:
    lib = Library(Store(tmp_path / "s.sqlite3"), lambda: FakeSource({"g": [make_overview(i) for i in range(1, 101)]}))
    lib.fetch_overviews("g")
    lib.store.search_index.catch_up()
    bodyindex.save_unindexed(lib.store, [(mid, f"Subject: s\n\nword{n} zebra\n".encode())
                                         for n, mid in lib.store.body_store.missing("g")])
    return lib


def test_a_search_finds_bodies_stored_unindexed(tmp_path: Path) -> None:
    lib = library(tmp_path)
    assert bodyindex.pending(lib.store.db) == 100
    assert {h.number for h in lib.search("word42", limit=None)} == {42}
    assert len(lib.search("zebra", limit=None)) == 100
    assert bodyindex.pending(lib.store.db) == 0


def test_an_idle_step_indexes_a_few(tmp_path: Path) -> None:
    lib = library(tmp_path)
    left = lib.store.search_index.catch_up(ranges=1)
    assert left == 100 - bodyindex.BODIES_PER_RANGE


def test_an_expired_body_is_passed_over(tmp_path: Path) -> None:
    lib = library(tmp_path)
    lib.store.body_store.delete(["<1@fake>"])
    assert lib.store.search_index.catch_up() == 0
    assert {h.number for h in lib.search("zebra", limit=None)} == set(range(2, 101))
