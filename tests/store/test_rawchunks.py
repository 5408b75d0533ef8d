"""Raw OVER chunks: stored as they came, read back exactly, settled into rows, resumed after a cut."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
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
from store import packs, rawchunks
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


def test_chunks_read_back_exactly_and_settle_into_the_same_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, 9000, 9000)])
    for first in range(1, 9001, 3000):
        store.overview_store.save_raw("g", raw_slice(first, first + 2999, gap=11))
    want = expected(1, 9000, gap=11)
    assert store.group_table.fetched_high("g") == 9000
    assert store.overview_store.all("g") == want
    assert store.overview_store.message_id_for("g", 5) == "<5@raw>" and store.overview_store.number_for("g", "<8000@raw>") == 8000
    assert store.db.execute("SELECT COUNT(*) FROM overview").fetchone() == (0,)  # looked up in the chunks
    assert store.overview_store.settle() == 0
    assert store.db.execute("SELECT COUNT(*) FROM overview_raw").fetchone() == (0,)
    assert store.overview_store.count("g") == len(want)
    assert packs.packed_last(store.db, "g") > 0  # the next entry reads packs
    parts, last = packs.load(store.db, "g") or ([], 0)
    rows = store.db.execute(f"SELECT {packs.COLUMNS} FROM overview WHERE number <= ? ORDER BY number", (last,))
    assert [repr(r) for part in parts for r in part] == [repr(r) for r in packs.rows_to_overviews(rows.fetchall())]
    assert store.overview_store.all("g") == want
    assert sorted(h.number for h in store.search_index.search('"subject 42 café"', group="g", limit=None)) == \
        [o.number for o in want if o.subject == "subject 42 café"]
    store.close()


def test_sql_readers_settle_first_and_a_refetched_chunk_wins(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, 100, 100)])
    store.overview_store.save("g", expected(1, 50), 50)
    store.overview_store.save_raw("g", raw_slice(51, 100))
    assert store.overview_store.all("g") == expected(1, 100)
    assert [n for n, _ in store.body_store.missing("g")] == list(range(1, 101))
    assert store.db.execute("SELECT COUNT(*) FROM overview_raw").fetchone() == (0,)
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
    assert current_version(store.db) == SCHEMA_VERSION == 4
    assert store.overview_store.message_id_for("g", 1) == "<1@x>" and store.group_table.fetched_high("g") == 1
    store.overview_store.save_raw("g", raw_slice(2, 3))
    assert [o.number for o in store.overview_store.all("g")] == [1, 2, 3]
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
def test_a_cut_inside_a_chunk_resumes_right_after_its_last_record(tmp_path: Path, cuts: list[int]) -> None:
    log: list[tuple[int, int]] = []

    def connect() -> ResilientSource:
        return ResilientSource(lambda: CutClient(5000, cuts, log), "cut", sleep=lambda _: None)  # type: ignore

    library = Library(Store(tmp_path / "s.sqlite3"), connect)
    load = library.enter_group("g")
    assert load.overviews == expected(1, 5000, gap=7)
    ranges = sorted(library.store.db.execute("SELECT first, last FROM overview_raw").fetchall())
    assert all(b[0] == a[1] + 1 for a, b in zip(ranges, ranges[1:]))  # no gap, no overlap
    assert (ranges[0][0], ranges[-1][1]) == (1, 5000)
    library.close()
    store = Store(tmp_path / "s.sqlite3")  # closing settled the chunks into rows and packs
    assert store.db.execute("SELECT COUNT(*) FROM overview_raw").fetchone() == (0,)
    assert store.overview_store.all("g") == expected(1, 5000, gap=7)
    store.close()


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 4000), count=st.integers(1, 60), broken=st.sets(st.integers(1, 60), max_size=5))
def test_a_chunk_settles_in_pieces_into_exactly_its_records(size: int, count: int, broken: set[int]) -> None:
    """Settling parses a chunk a line-aligned piece at a time; the pieces add up to the whole."""
    lines = [b"garbage without tabs\r\n" if n in broken else over_line(n) for n in range(1, count + 1)]
    data = b"".join(lines)
    fmt = "\n".join(FMT)
    pieces = list(rawchunks.chunk_pieces(fmt, data, size))
    assert [r for piece in pieces for r in piece] == rawchunks.parse_chunk(fmt, data)
    assert len(pieces) <= max(1, len(data) // size + 1)


def test_settling_a_chunk_per_call_packs_as_settling_all_at_once(tmp_path: Path) -> None:
    """The packer is kept between one-chunk calls (an idle reader's pace) and dropped when the table moved."""
    def settled(path: Path, step: bool, meddle: bool = False) -> Sequence[object]:
        store = Store(path)
        store.group_table.save([GroupInfo("g", 1, 20000, 20000)])
        for first in range(1, 20001, 2500):
            store.overview_store.save_raw("g", raw_slice(first, first + 2499, gap=13))
        if not step:
            store.overview_store.settle()
        calls = 0
        while step and store.overview_store.settle(chunks=1):
            calls += 1
            if meddle and calls == 3:  # another writer drops packs over rows the packer holds
                with store.transaction():
                    packs.invalidate_from(store.db, "g", 1)
        assert calls == (7 if step else 0)
        parts, last = packs.load(store.db, "g") or ([], 0)
        rows = store.db.execute(f"SELECT {packs.COLUMNS} FROM overview WHERE number <= ? ORDER BY number", (last,))
        assert [repr(r) for part in parts for r in part] == [repr(r) for r in packs.rows_to_overviews(rows.fetchall())]
        return store.overview_store.all("g")

    whole = settled(tmp_path / "a.sqlite3", step=False)
    assert settled(tmp_path / "b.sqlite3", step=True) == whole == expected(1, 20000, gap=13)
    assert settled(tmp_path / "c.sqlite3", step=True, meddle=True) == whole
