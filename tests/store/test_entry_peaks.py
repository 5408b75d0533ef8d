"""Entering a group holds little beside the group it reads (issue 17: reader peak RSS <= 100 MB at 150,000).

Each test pins one transient that used to cost a group's worth of memory at
the peak of an entry, by the allocations it makes (tracemalloc) or by the
work it must not do.
"""

from __future__ import annotations

import sqlite3
import tracemalloc
from array import array
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.columns import from_records
from nntp.models import Overview, RawOverviews
from store import coljoin, colpack, packcheck, packs
from store.cache import Store
from store.coljoin import join, part
from store.colpack import empty, from_blob, from_reader, to_blob
from tests.conftest import missing
from tests.fakes.source import make_overview
from tests.store.test_colpack import resealed_with, sample
from tests.store.test_rawchunks import FMT, expected, over_line


def records(first: int, last: int) -> list[Overview]:
    return [make_overview(n, n - 1 if n % 3 and n > first else None) for n in range(first, last + 1)]


def test_an_empty_part_is_left_out_of_a_join(monkeypatch: pytest.MonkeyPatch) -> None:
    """A group whose articles are all in chunks joins its (empty) rows with them: that must not hash
    every Message-ID of the chunks (local.big unsettled: +83 MB of peak, now +48)."""
    chunks = from_records(records(1, 50))
    monkeypatch.setattr(coljoin, "_merged_ids", lambda *_: pytest.fail("the chunks' IDs were hashed"))
    assert join([empty(), chunks], adopt=True) is chunks
    assert join([chunks, from_records([])]) is chunks


def test_a_later_part_is_never_adopted_when_the_first_is_left_out() -> None:
    a, b = from_records(records(1, 5)), from_records(records(6, 9))
    numbers = list(a.numbers)
    joined = join([empty(), a, b], adopt=True)
    assert list(joined) == records(1, 9) and list(a.numbers) == numbers and joined.numbers is not a.numbers


@pytest.fixture(params=["compiled", "pure"])
def checks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test of the pack checks runs on the compiled checks and on the Python ones."""
    if request.param == "pure":
        monkeypatch.setattr(packcheck, "compiled", lambda: None)
    elif packcheck.compiled() is None:
        missing("nntp/_overcols.pyx is not built (setup.py build_ext --inplace): its pack checks are untested")
    return str(request.param)


def pack_of(count: int) -> bytes:
    return to_blob(from_records([r._replace(xref=f"news.example g:{r.number}") for r in records(1, count)]))


def test_decoding_a_pack_holds_little_beside_the_columns(checks: str) -> None:
    """A list of Python ints per offsets array, a str of a whole blob, the bytes of an array section beside
    the array and a list of the subjects' bytes beside their strs made the peak 1.55x the columns."""
    blob, at = pack_of(20_000), 0

    def read(size: int) -> bytes:
        nonlocal at
        at += size
        return blob[at - size : at]

    tracemalloc.start()
    try:
        columns = from_reader(read, len(blob))
        size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(columns) == 20_000 and peak < 1.3 * size


def test_offsets_that_go_back_are_still_damage(checks: str) -> None:
    blob = to_blob(from_records(sample()))
    ends = from_records(sample()).ids.ends
    backwards = array("q", ends)
    backwards[2], backwards[3] = backwards[3], backwards[2]  # within the blob, ending at its end: only the order
    with pytest.raises(ValueError):
        from_blob(resealed_with(blob, 12, backwards.tobytes()))
    assert list(from_blob(blob)) == sample()


offsets = st.lists(st.integers(-3, 40), max_size=12)


@settings(max_examples=80, deadline=None)
@given(offsets, st.integers(-2, 3), st.integers(0, 45), st.binary(max_size=40))
def test_the_compiled_checks_and_the_python_ones_agree(items: list[int], low: int, high: int, text: bytes) -> None:
    kernel = packcheck.compiled()
    ends = array("q", items)
    inside = array("q", [e for e in items if 0 <= e <= len(text)])
    expected = (ends.tolist() == sorted(ends) and all(low <= e <= high for e in ends) and (bool(items) or low <= high),
                all(0 <= c < high for c in items),
                all(e >= len(text) or text[e] & 0xC0 != 0x80 for e in inside))
    with patch.object(packcheck, "compiled", lambda: None), patch.object(packcheck, "WINDOW", 3):
        pure = (packcheck.offsets_rise(ends, low, high), packcheck.codes_within(array("i", items), high),
                packcheck.cuts_whole(text, inside))
    assert pure == expected
    if kernel is not None:
        assert (kernel.offsets_rise(ends, low, high), kernel.codes_within(array("i", items), high),
                kernel.cuts_whole(text, inside)) == expected


@given(st.binary(max_size=30) | st.text(max_size=10).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_utf8_in_pieces_is_utf8_whole(data: bytes) -> None:
    try:
        data.decode("utf-8", "surrogatepass")
        whole = True
    except UnicodeDecodeError:
        whole = False
    with patch.object(packcheck, "TEXT_PIECE", 1):
        assert packcheck.utf8(data) is whole


def test_joining_a_tail_to_an_adopted_pack_never_holds_its_tables_twice(checks: str) -> None:
    """A pack plus a few rows past it: the pack's Message-ID and Xref tables are grown, never copied
    (local.big: +8 MB of peak for 2,544 rows; a million articles: one 45 MB table held twice)."""
    tail = from_records(records(20_001, 20_100))
    pack = from_blob(pack_of(20_000))
    expected = list(pack) + list(tail)
    ids, xrefs = len(pack.ids.blob), len(pack.xrefs.blob)
    tracemalloc.start()
    try:
        joined = join([pack, tail], adopt=True)
        size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert list(joined) == expected and joined.ids is pack.ids and len(joined.ids) == len(set(joined.ids))
    copies = ids + xrefs if checks == "pure" else 0
    assert peak < size + copies + ids // 4


def test_appending_never_changes_bytes_someone_else_holds() -> None:
    kernel = packcheck.compiled()
    if kernel is None:
        missing("nntp/_overcols.pyx is not built (setup.py build_ext --inplace): appended is untested")
    held = b"abc" * 1000
    assert kernel.appended([held], b"de") == held + b"de" and held == b"abc" * 1000
    alone = [bytes(range(256)) * 64]
    assert kernel.appended(alone, b"z") == bytes(range(256)) * 64 + b"z" and alone == []
    assert kernel.appended([b"x"], b"") == b"x" and kernel.appended([b""], b"y") == b"y"


def test_the_whole_runs_of_a_group_are_written_without_copying_its_arrays() -> None:
    """Writing back what an entry read as one pack of its whole runs sliced a copy of every array
    (local.big, 150,000 articles of which 147,456 in whole runs: +17 MB at the peak of its first entry)."""
    columns = from_blob(pack_of(20_000))
    columns.extras[19_999] = (("X-Last", "1"),)
    stop = 16_384
    assert colpack.to_blob(part(columns, 0, stop)) == b"".join(colpack.to_pieces(columns, stop))
    peaks = []
    for count in (None, stop):  # the whole group's pieces are views: a run's must be as cheap
        tracemalloc.start()
        try:
            colpack.release(colpack.to_pieces(columns, count))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < peaks[0] + 50_000


class Recording:
    """A connection that records every parameter it is given (SQLite copies a bound blob, then builds a
    record of it again: two more answers in memory while the reader's columns grow)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db, self.bound = db, list[object]()

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        self.bound.extend(params)
        return self.db.execute(sql, params)

    def blobopen(self, *args: object, **kwargs: object) -> sqlite3.Blob:
        return self.db.blobopen(*args, **kwargs)  # type: ignore[arg-type]


def test_an_answer_is_stored_without_binding_its_bytes(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    data = b"".join(b"%d\tSubject %d\tA <a@x>\t\t<%d@x>\t\t10\t1\r\n" % (n, n, n) for n in range(1, 2000))
    recording = Recording(store.db)
    with store.transaction():
        packs.insert_over(recording, "g", RawOverviews(1, 1999, data, ("Subject:",)))  # type: ignore[arg-type]
    assert not [p for p in recording.bound if isinstance(p, (bytes, bytearray, memoryview)) and len(p) > 100]
    assert store.db.execute("SELECT data FROM overview_pack").fetchone()[0] == data
    store.close()


def test_the_compiled_reader_hands_over_its_blobs_without_copying_them() -> None:
    """Building the columns copied every buffer into a new array or bytes: the largest (a million
    articles' Message-IDs, ~45 MB) was held twice at the end of a cold entry."""
    from nntp import overcols

    if overcols.KERNEL is None:
        missing("nntp/_overcols.pyx is not built (setup.py build_ext --inplace): its OVER reader is untested")
    data = b"".join(over_line(n) for n in range(1, 20_001))
    tracemalloc.start()
    try:
        filler = overcols.new_filler(overcols.KERNEL, 9, FMT)
        filler.feed(data)
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        parts = filler.build()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    ids, xrefs = parts[9], parts[13]
    assert len(ids) > 150_000 and len(xrefs) > 150_000 and peak - before < len(xrefs) // 8
    assert list(overcols.assemble(parts)) == expected(1, 20_000)
