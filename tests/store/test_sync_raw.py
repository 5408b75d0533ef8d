"""`pith sync` from a server stores its OVER answers as they came (packs) and counts them; nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import running
from nntp.models import RawOverviews
from nntp.resilient import ResilientSource
from nntp.source import Capability
from store import packread, rawchunks
from store.cache import Store
from store.library import Library
from store.sync import sync_group
from tests.cli_run import run
from tests.store.test_poison_chunk import poison_data
from tests.store.test_rawchunks import FMT, CutClient, expected


class RawServer(CutClient):
    """A server with raw OVER answers (1,000 a slice, every 7th article gone), cut at ``cuts``,
    and one malformed line after article ``junk_after`` (0: none)."""

    def __init__(self, last: int, cuts: list[int] | None = None, junk_after: int = 0) -> None:
        super().__init__(last, cuts or [], [])
        self.junk_after = junk_after

    def iter_raw_overviews(self, name: str, first: int, last: int) -> Iterator[RawOverviews]:
        for raw in super().iter_raw_overviews(name, first, last):
            if raw.first <= self.junk_after <= raw.last:
                raw = RawOverviews(raw.first, raw.last, raw.data + b"junk\tline\r\n", raw.fmt, raw.complete)
            yield raw


def library(tmp_path: Path, server: RawServer) -> Library:
    return Library(Store(tmp_path / "s.sqlite3"), lambda: ResilientSource(lambda: server, "raw",  # type: ignore
                                                                          sleep=lambda _: None))


def over_ranges(lib: Library, grp: str = "g") -> list[tuple[int, int]]:
    return [(p[1], p[2]) for p in packread.listed(lib.store.db, grp) if rawchunks.is_over(p[4])]


def test_sync_stores_the_answers_as_they_came_and_counts_their_records(tmp_path: Path) -> None:
    lib = library(tmp_path, RawServer(5000, cuts=[2500], junk_after=3000))
    result = sync_group(lib, "g")
    records = expected(1, 5000, gap=7)
    assert (result.overviews, result.skipped) == (len(records), 1)
    ranges = over_ranges(lib)  # nothing parsed to store, every pack as it came
    assert ranges[0][0] == 1 and ranges[-1][1] == 5000 and all(b[0] == a[1] + 1 for a, b in zip(ranges, ranges[1:]))
    assert lib.store.overview_store.count("g") == len(records)
    assert lib.store.overview_store.message_id_for("g", 8) == "<8@raw>"
    assert not sync_group(lib, "g").fetched_anything
    assert lib.store.overview_store.all("g") == records  # the reader reads them, and compacts them
    assert over_ranges(lib) == [] and lib.store.overview_store.all("g") == records
    lib.close()


def test_an_interrupted_sync_resumes_after_the_last_answer_stored(tmp_path: Path) -> None:
    server = RawServer(5000)
    lib = library(tmp_path, server)

    def stop_at_2000(phase: str, group: str, done: int, expected: int) -> None:
        if done >= 2000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync_group(lib, "g", progress=stop_at_2000)
    assert lib.store.group_table.fetched_high("g") == 2000
    result = sync_group(lib, "g")
    assert server.log[-3:] == [(2001, 3000), (3001, 4000), (4001, 5000)]
    assert result.overviews == len(expected(2001, 5000, gap=7))
    assert lib.store.overview_store.all("g") == expected(1, 5000, gap=7)
    lib.close()


def test_search_indexes_what_sync_stored(tmp_path: Path) -> None:
    lib = library(tmp_path, RawServer(1000))
    sync_group(lib, "g")
    assert [h.number for h in lib.search("subject", group="g", limit=3, order="date")]
    heads = lib.store.db.execute("SELECT COUNT(*) FROM search_head WHERE grp='g'").fetchone()[0]
    assert heads == len(expected(1, 1000, gap=7)) and over_ranges(lib)  # indexed from the packs as they came
    lib.close()


def test_a_poison_answer_is_stored_counted_and_read(tmp_path: Path) -> None:
    class Poison(RawServer):
        def iter_raw_overviews(self, name: str, first: int, last: int) -> Iterator[RawOverviews]:
            yield RawOverviews(first, last, poison_data(first), FMT)

    lib = library(tmp_path, Poison(20))
    result = sync_group(lib, "bad.group")
    assert (result.overviews, result.skipped) == (8, 1)  # the 30-digit article number is no record
    assert [r.number for r in lib.store.overview_store.all("bad.group")] == list(range(1, 9))
    assert {h.number for h in lib.search("boom")} == {2, 5, 6, 7}
    lib.close()


def test_pith_sync_leaves_the_answers_to_the_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.sqlite3"
    monkeypatch.setattr(running, "open_library_factory",
                        lambda args: (lambda: library(tmp_path, RawServer(3000)), "fake"))
    code, out, err = run(capsys, "sync", "g", "--quiet")
    assert code == 0 and out == f"g: {len(expected(1, 3000, gap=7)):,} new overview(s), 0 bodies\n", err
    store = Store(path)
    assert len([p for p in packread.listed(store.db, "g") if rawchunks.is_over(p[4])]) == 3
    assert store.overview_store.all("g") == expected(1, 3000, gap=7)
    store.close()


def test_a_source_without_raw_answers_stores_binary_packs(tmp_path: Path) -> None:
    from tests.fakes.source import FakeSource, make_overview

    source = FakeSource({"g": [make_overview(i) for i in range(1, 101)]})
    assert Capability.RAW_OVERVIEWS not in source.capabilities
    lib = Library(Store(tmp_path / "s.sqlite3"), lambda: source)
    assert sync_group(lib, "g").overviews == 100
    assert [p[1:4] for p in packread.listed(lib.store.db, "g")] == [(1, 100, 100)]
    assert lib.store.overview_store.all("g") == [make_overview(i) for i in range(1, 101)]
    lib.close()

