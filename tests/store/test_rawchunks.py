"""OVER answers kept as packs as they came: read back exactly, looked up, compacted, resumed after a cut."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.compress import WireStats
from nntp.errors import ConnectionLost
from nntp.models import GroupInfo, Overview, RawOverviews
from nntp.overblock import parse_over_block
from nntp.parse import parse_overview_format
from nntp.resilient import ResilientSource
from nntp.source import Capability, NewsSource
from store import packread, packs, rawchunks
from store.cache import Store
from store.library import Library
from store.schema import MIGRATIONS, SCHEMA_VERSION, current_version

FMT = parse_overview_format(["Subject:", "From:", "Date:", "Message-ID:", "References:", "Bytes:", "Lines:",
                             "Xref:full"])


def over_line(n: int) -> bytes:
    refs = f"<{n // 3}@raw>" if n % 3 else ""
    zone = "+0000" if n % 5 else "-0130"
    return (f"{n}\tsubject {n % 97} caf\u00e9\tuser{n % 7} <u{n % 7}@x>\tTue, 02 Jan 2024 {n % 24:02d}:10:23 {zone}"
            f"\t<{n}@raw>\t{refs}\t{100 + n}\t{n % 40}\tXref: h g:{n}\r\n").encode()


def raw_slice(first: int, last: int, gap: int = 0) -> RawOverviews:
    data = b"".join(over_line(n) for n in range(first, last + 1) if not gap or n % gap)
    return RawOverviews(first, last, data, FMT)


def expected(first: int, last: int, gap: int = 0) -> list[Overview]:
    return parse_over_block(raw_slice(first, last, gap).data, FMT)[0]


def over_packs(store: Store, grp: str = "g") -> list[tuple[int, int]]:
    """(first, last) of the group's packs kept as they came."""
    return [(p[1], p[2]) for p in packread.listed(store.db, grp) if rawchunks.is_over(p[4])]


def test_answers_read_back_exactly_and_compact_into_one_binary_pack(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, 9000, 9000)])
    for first in range(1, 9001, 3000):
        store.overview_store.save_raw("g", raw_slice(first, first + 2999, gap=11))
    want = expected(1, 9000, gap=11)
    assert store.group_table.fetched_high("g") == 9000
    assert over_packs(store) == [(1, 3000), (3001, 6000), (6001, 9000)]
    assert store.overview_store.count("g") == len(want) and store.overview_store.holds("g")
    assert store.overview_store.message_id_for("g", 5) == "<5@raw>"
    assert store.overview_store.number_for("g", "<8000@raw>") == 8000
    assert store.overview_store.message_id_for("g", 11) is None and store.overview_store.number_for("g", "<11@raw>") is None
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "overview" not in tables and "overview_raw" not in tables  # one stored form
    assert store.overview_store.all("g") == want  # read, and written back as one binary pack
    (only,) = packread.listed(store.db, "g")
    assert only[1:4] == (1, 9000, len(want)) and only[4] == packs.FORMAT
    assert store.overview_store.all("g") == want and store.overview_store.first("g", 10) == want[:10]
    assert sorted(h.number for h in store.search_index.search('"subject 42 café"', group="g", limit=None)) == \
        [o.number for o in want if o.subject == "subject 42 café"]
    store.close()


def test_a_refetched_answer_wins_and_nothing_overlaps(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, 100, 100)])
    store.overview_store.save("g", [o._replace(subject="old") for o in expected(1, 60)], 60)
    store.overview_store.save_raw("g", raw_slice(51, 100))
    assert store.overview_store.all("g") == [o._replace(subject="old") for o in expected(1, 50)] + expected(51, 100)
    assert [n for n, _ in store.body_store.missing("g")] == list(range(1, 101))
    listed = packread.listed(store.db, "g")
    assert all(b[1] > a[2] for a, b in zip(listed, listed[1:]))
    store.close()


def test_a_v3_store_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for version in (1, 2, 3):
        MIGRATIONS[version](db)
    db.execute("INSERT INTO meta VALUES ('schema', '3')")
    db.execute("INSERT INTO groups (name, low, high, count, fetched_high) VALUES ('g', 1, 1, 1, 1)")
    db.execute("INSERT INTO overview VALUES ('g', 1, '<1@x>', 'old', 'Ann', 0, '', 10, 1, '')")
    db.close()
    store = Store(path)
    assert current_version(store.db) == SCHEMA_VERSION == 5
    assert store.overview_store.message_id_for("g", 1) == "<1@x>" and store.group_table.fetched_high("g") == 1
    store.overview_store.save_raw("g", raw_slice(2, 3))
    assert [o.number for o in store.overview_store.all("g")] == [1, 2, 3]
    assert [h.number for h in store.search_index.search("old")] == [1]  # indexed from its pack
    store.close()


class CutClient(NewsSource):
    """An NNTPClient stand-in whose connections drop inside an answer, at given records."""

    capabilities = Capability.RAW_OVERVIEWS

    def __init__(self, last: int, cuts: list[int], log: list[tuple[int, int]]) -> None:
        self.last, self.cuts, self.log = last, cuts, log
        self.wire = WireStats()

    @property
    def stats(self) -> WireStats:
        return self.wire

    def select_group(self, name: str) -> GroupInfo:
        return GroupInfo(name, 1, self.last, self.last)

    def iter_raw_overviews(self, name: str, first: int, last: int) -> Iterator[RawOverviews]:
        for start in range(first, last + 1, 1000):
            end = min(last, start + 999)
            whole = raw_slice(start, end, gap=7)
            cut = next((c for c in self.cuts if start <= c <= end), None)
            if cut is not None:
                self.cuts.remove(cut)
                self.log.append((start, cut))
                yield RawOverviews(start, cut, raw_slice(start, cut, gap=7).data, FMT, complete=False)
                raise ConnectionLost("cut")
            self.log.append((start, end))
            yield whole

    def close(self) -> None:
        pass


@pytest.mark.parametrize("cuts", [[1500], [999, 1000, 4321], [1, 2, 3]])
def test_a_cut_inside_an_answer_resumes_right_after_its_last_record(tmp_path: Path, cuts: list[int]) -> None:
    log: list[tuple[int, int]] = []

    def connect() -> ResilientSource:
        return ResilientSource(lambda: CutClient(5000, cuts, log), "cut", sleep=lambda _: None)  # type: ignore

    library = Library(Store(tmp_path / "s.sqlite3"), connect)
    load = library.enter_group("g")
    assert load.overviews == expected(1, 5000, gap=7)
    ranges = over_packs(library.store)
    assert all(b[0] == a[1] + 1 for a, b in zip(ranges, ranges[1:]))  # no gap, no overlap
    assert (ranges[0][0], ranges[-1][1]) == (1, 5000)
    library.close()  # nothing to wait for: the answers are stored as they came
    store = Store(tmp_path / "s.sqlite3")
    assert over_packs(store) == ranges
    assert store.overview_store.all("g") == expected(1, 5000, gap=7)
    store.close()


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 60), broken=st.sets(st.integers(1, 60), max_size=5))
def test_an_answer_with_broken_lines_decodes_to_exactly_its_records(count: int, broken: set[int]) -> None:
    """A pack kept as it came reads as the block parser reads the answer (the compiled reader or not)."""
    lines = [b"garbage without tabs\r\n" if n in broken else over_line(n) for n in range(1, count + 1)]
    data = b"".join(lines)
    columns, skipped = rawchunks.over_columns(data, FMT)
    records, bad = parse_over_block(data, FMT)
    assert list(columns) == records and skipped == bad


def test_compacting_from_what_the_reader_holds_is_compacting_what_was_read(tmp_path: Path) -> None:
    """An idle reader writes the group from its Columns; a pack stored meanwhile stops it (the next entry
    compacts from what it reads instead)."""
    def compacted(path: Path, held: bool, meddle: bool = False) -> list[tuple[int, int, int, str]]:
        store = Store(path)
        store.group_table.save([GroupInfo("g", 1, 20000, 20000)])
        for first in range(1, 20001, 2500):
            store.overview_store.save_raw("g", raw_slice(first, first + 2499, gap=13))
        columns = store.overview_store.read("g")
        if meddle:
            store.overview_store.save_raw("g", raw_slice(20001, 20010))
        if held:
            store.overview_store.hold("g", columns)
            assert store.overview_store.compact() == 0
        else:
            store.overview_store.all("g")
        assert store.overview_store.read("g") == expected(1, 20000, gap=13) + (expected(20001, 20010) if meddle else [])
        return [p[1:] for p in packread.listed(store.db, "g")]

    whole = compacted(tmp_path / "a.sqlite3", held=False)
    assert compacted(tmp_path / "b.sqlite3", held=True) == whole and len(whole) == 1 and whole[0][3] == packs.FORMAT
    assert len(compacted(tmp_path / "c.sqlite3", held=True, meddle=True)) == 9  # left for the next entry
