"""Sync fetches only what is missing (twice in a row: nothing), expire drops bodies and nothing else."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nntp.errors import NoSuchArticle, SourceUnavailable
from nntp.models import Article
from store.cache import Store
from store.library import Library
from store.sync import body_targets, expire, parse_size, sync_group
from tests.fakes.source import T0, FakeSource, make_overview


class CountingSource(FakeSource):
    """Counts ARTICLE requests; articles listed in ``gone`` are no longer on the server."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fetched: list[int | str] = []
        self.gone: set[int] = set()

    def article(self, name: str, key: int | str) -> Article:
        self.fetched.append(key)
        if key in self.gone:
            raise NoSuchArticle(f"fake: {key} expired")
        return super().article(name, key)


def make_library(tmp_path: Path, source: FakeSource, offline: bool = False) -> Library:
    return Library(Store(tmp_path / "s.sqlite3"), lambda: source, offline=offline)


def test_sync_twice_fetches_nothing_the_second_time(tmp_path: Path) -> None:
    source = CountingSource({"g": [make_overview(i) for i in range(1, 251)]})
    lib = make_library(tmp_path, source)
    first = sync_group(lib, "g", bodies=True)
    assert (first.overviews, first.bodies) == (250, 250)
    requests, fetched = len(source.requests), len(source.fetched)
    second = sync_group(lib, "g", bodies=True)
    assert not second.fetched_anything
    assert (len(source.requests), len(source.fetched)) == (requests, fetched)


def test_bodies_skip_read_articles_and_count_gone_ones(tmp_path: Path) -> None:
    source = CountingSource({"g": [make_overview(i) for i in range(1, 11)]})
    source.gone = {5}
    lib = make_library(tmp_path, source)
    result = sync_group(lib, "g", bodies=True, read_numbers=lambda group: {1, 2, 3})
    assert (result.bodies, result.gone) == (6, 1)
    assert sorted(source.fetched) == [4, 5, 6, 7, 8, 9, 10]


def test_days_fetches_every_recent_body_read_or_not(tmp_path: Path) -> None:
    source = CountingSource({"g": [make_overview(i) for i in range(1, 49)]})  # one an hour from T0
    lib = make_library(tmp_path, source)
    lib.fetch_overviews("g")
    now = T0.timestamp() + 48 * 3600  # article n is dated T0 + n hours
    assert [n for n, _ in body_targets(lib, "g", 1, {30, 40}, now=now)] == list(range(24, 49))
    sync_group(lib, "g", days=100_000, read_numbers=lambda group: {1})
    assert sorted(source.fetched) == list(range(1, 49))


def test_interrupted_sync_resumes_without_refetching(tmp_path: Path) -> None:
    source = CountingSource({"g": [make_overview(i) for i in range(1, 301)]})
    lib = make_library(tmp_path, source)

    def stop_at_200(phase: str, group: str, done: int, expected: int) -> None:
        if phase == "overviews" and done >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_group(lib, "g", progress=stop_at_200)
    assert lib.store.group_table.fetched_high("g") == 200
    result = sync_group(lib, "g")
    assert result.overviews == 100 and source.requests[-1] == ("g", 201, 300)


def test_sync_refuses_to_run_offline(tmp_path: Path) -> None:
    lib = make_library(tmp_path, CountingSource({"g": []}), offline=True)
    with pytest.raises(SourceUnavailable, match="offline"):
        sync_group(lib, "g")


def test_expire_by_age_and_budget_keeps_overviews_and_other_tables(tmp_path: Path) -> None:
    source = CountingSource({"g": [make_overview(i) for i in range(1, 11)]})
    lib = make_library(tmp_path, source)
    sync_group(lib, "g", bodies=True)
    lib.store.db.execute("CREATE TABLE read_marks (grp TEXT, number INTEGER)")  # another module's table
    lib.store.db.execute("INSERT INTO read_marks VALUES ('g', 3)")
    now = T0.timestamp() + 5.5 * 3600
    (result,) = expire(lib, ["g"], days=0, now=now)  # articles 1..5 are older than "now"
    assert result.bodies == 5
    assert [n for n, _ in lib.store.body_store.missing("g")] == [1, 2, 3, 4, 5]
    size = sum(int(s) for (s,) in lib.store.db.execute("SELECT size FROM bodies"))
    (result,) = expire(lib, ["g"], max_bytes=size - 1)  # one over budget: the oldest goes
    assert result.bodies == 1 and [n for n, _ in lib.store.body_store.missing("g")] == [1, 2, 3, 4, 5, 6]
    assert lib.store.overview_store.count("g") == 10
    assert lib.store.db.execute("SELECT * FROM read_marks").fetchall() == [("g", 3)]
    assert {h.number for h in lib.search("topic", limit=None)} == set(range(1, 11))  # headers stay indexed
    assert {h.number for h in lib.search("body", limit=None)} == {7, 8, 9, 10}  # expired text left the index


def test_expired_article_reads_again_from_the_server(tmp_path: Path) -> None:
    source = CountingSource({"g": [make_overview(1)]})
    lib = make_library(tmp_path, source)
    sync_group(lib, "g", bodies=True)
    expire(lib, ["g"], days=0, now=time.time())
    assert lib.article("g", 1).body == "body 1\n"
    assert source.fetched == [1, 1]


@pytest.mark.parametrize(("text", "value"), [("500M", 500 << 20), ("2G", 2 << 30), ("800k", 800 << 10),
                                             ("1234", 1234), ("1.5GiB", int(1.5 * (1 << 30)))])
def test_parse_size(text: str, value: int) -> None:
    assert parse_size(text) == value


def test_parse_size_rejects_junk() -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")
