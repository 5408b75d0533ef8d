"""The store caches overviews; the Library fetches only what lies above the high-water mark."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nntp.errors import NoSuchArticle, NoSuchGroup, SourceUnavailable
from store.cache import Store, StoreError, store_path
from store.library import Library
from tests.fakes.source import FakeSource, make_overview


def library(tmp_path: Path, source: FakeSource, offline: bool = False) -> Library:
    return Library(Store(tmp_path / "s.sqlite3"), lambda: source, offline=offline)


def test_reentering_a_group_fetches_only_new_articles(tmp_path: Path) -> None:
    arts = [make_overview(i, parent=1 if i > 1 else None) for i in range(1, 251)]
    source = FakeSource({"g": arts})
    lib = library(tmp_path, source)
    first = lib.enter_group("g")
    assert (first.fetched, len(first.overviews)) == (250, 250)
    assert source.requests == [("g", 1, 250)]
    arts.extend(make_overview(i) for i in range(251, 261))
    second = lib.enter_group("g")
    assert (second.fetched, len(second.overviews)) == (10, 260)
    assert source.requests[-1] == ("g", 251, 260)
    third = lib.enter_group("g")
    assert third.fetched == 0 and len(source.requests) == 2


def test_overviews_round_trip_through_sqlite(tmp_path: Path) -> None:
    arts = [make_overview(1), make_overview(2, parent=1)]
    lib = library(tmp_path, FakeSource({"g": arts}))
    assert lib.enter_group("g").overviews == arts


def test_progress_is_reported_per_batch(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    lib = library(tmp_path, FakeSource({"g": [make_overview(i) for i in range(1, 251)]}))
    lib.enter_group("g", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(100, 250), (200, 250), (250, 250)]


def test_offline_reads_the_cache_and_says_why_bodies_are_missing(tmp_path: Path) -> None:
    source = FakeSource({"g": [make_overview(1), make_overview(2)]})
    lib = library(tmp_path, source)
    lib.groups()
    lib.enter_group("g")
    assert lib.article("g", 1).body == "body 1\n"
    lib.close()
    offline = library(tmp_path, source, offline=True)
    load = offline.enter_group("g")
    assert load.offline and len(load.overviews) == 2
    assert offline.article("g", "<1@fake>").body.startswith("body 1")
    with pytest.raises(NoSuchArticle, match="no cached body"):
        offline.article("g", 2)
    with pytest.raises(NoSuchGroup):
        offline.enter_group("other")


def test_unknown_group_and_unreachable_source(tmp_path: Path) -> None:
    lib = library(tmp_path, FakeSource({}))
    with pytest.raises(NoSuchGroup):
        lib.enter_group("nope")

    def refuse() -> FakeSource:
        raise SourceUnavailable("host:1: connection refused")

    lib = Library(Store(tmp_path / "t.sqlite3"), refuse)
    with pytest.raises(SourceUnavailable):
        lib.groups()


def test_store_path_is_per_server_and_safe(tmp_path: Path) -> None:
    a = store_path(tmp_path, "127.0.0.1:1119")
    b = store_path(tmp_path, "news.example.org:119")
    assert a != b and a.parent == b.parent and "/" not in a.name


def test_newer_schema_and_garbage_files_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99' WHERE key='schema'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer pith"):
        Store(path)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="junk.sqlite3"):
        Store(junk)
    assert junk.read_bytes().startswith(b"this is not")


def test_group_names_keep_their_case(tmp_path: Path) -> None:
    lib = library(tmp_path, FakeSource({"Alt.Mixed.Case": [make_overview(1)]}))
    assert [g.name for g in lib.groups()] == ["Alt.Mixed.Case"]


def test_new_groups_are_found_by_diffing_the_active_list(tmp_path: Path) -> None:
    groups = {"a.one": [make_overview(1)]}
    lib = library(tmp_path, FakeSource(groups))
    lib.groups()
    assert lib.new_groups() == set()  # the first list ever fetched has no "before"
    groups["b.two"] = [make_overview(1)]
    lib.groups()
    assert lib.new_groups() == {"b.two"}
    lib.groups()
    assert lib.new_groups() == {"b.two"}  # stays new until the reader has seen it


def test_an_article_asked_for_by_message_id_carries_the_store_number(tmp_path: Path) -> None:
    """A server answering ARTICLE <id> names no number (nntplib gives 0/None); the reader marks
    read by number, so the library fills in the one the overview gave."""

    class ByIdWithoutNumber(FakeSource):
        def article(self, name: str, key: int | str):  # type: ignore[no-untyped-def]
            from dataclasses import replace
            found = super().article(name, key)
            return replace(found, number=None) if isinstance(key, str) else found

    source = ByIdWithoutNumber({"g": [make_overview(1), make_overview(2, parent=1)]})
    lib = library(tmp_path, source)
    lib.enter_group("g")
    message_id = lib.store.overview_store.message_id_for("g", 2)
    assert message_id and lib.article("g", message_id).number == 2
