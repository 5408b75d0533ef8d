"""The compiled plain-lines count of an OVER block (nntp/_unstuff.pyx plain_over_lines, what a sync counts its
answers with) agrees with the pure check it replaces (nntp/overblock.py _plainly_records), on any lines."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nntp import overblock
from nntp.overblock import _plainly_records, count_records, parse_over_block
from nntp.parse import STANDARD_FORMAT

try:
    from nntp._unstuff import plain_over_lines
except ImportError:
    plain_over_lines = None  # type: ignore[assignment]

needs_compiled = pytest.mark.skipif(plain_over_lines is None, reason="nntp/_unstuff.pyx is not built here")
FIELDS = [b"1", b"42", b"1234567890123456789", b"", b" ", b"  <a@b>", b"<m@x>", b"x", b".", b"..5", b"\xe9t\xe9",
          b"a\rb", b"a\nb", b"9a", b"\x7f", b"Tue, 02 Jan 2024 02:10:23 +0000"]
lines = st.lists(st.sampled_from(FIELDS), min_size=1, max_size=10).map(b"\t".join)
blocks = st.lists(st.tuples(lines, st.sampled_from([b"\r\n", b"\n", b"\r\r\n"])), max_size=6).map(
    lambda pairs: b"".join(line + end for line, end in pairs))


@needs_compiled
@given(blocks, st.sampled_from([7, 8, 9]))
def test_the_compiled_count_agrees_with_the_pure_check(data: bytes, tabs: int) -> None:
    pure = _plainly_records(data, data.count(b"\r\n"), tabs)
    assert (plain_over_lines(data, tabs) >= 0) == pure
    if pure:
        assert plain_over_lines(data, tabs) == data.count(b"\r\n")


@given(blocks)
def test_records_are_counted_as_the_parser_counts_them(data: bytes) -> None:
    fmt = STANDARD_FORMAT + ("Xref:full",)
    records, skipped = parse_over_block(data, fmt)
    assert count_records(data, fmt) == (len(records), skipped)


def test_the_compiled_count_is_in_use_where_built() -> None:
    if not os.environ.get("PITH_PURE_KERNELS"):
        assert (overblock._PLAIN_LINES is not None) == (plain_over_lines is not None)


@needs_compiled
@pytest.mark.parametrize(("data", "count"), [
    (b"1\ts\ta\td\t<m@x>\t\t10\t2\r\n2\ts\ta\td\t  <n@x>\t<m@x>\t10\t2\r\n", 2),
    (b"1\ts\ta\td\t \t\t10\t2\r\n", -1),  # a blank Message-ID
    (b"1\ts\ta\td\t<m@x>\t\t10\t2\r\n.2\ts\ta\td\t<n@x>\t\t10\t2\r\n", -1),  # a dot-stuffed line
    (b"1\ts\ta\td\t<m@x>\t\t10\t2\n", -1), (b"1\ts\ta\td\t<m@x>\t\t10\r\n", -1), (b"", -1),
])
def test_examples(data: bytes, count: int) -> None:
    assert plain_over_lines(data, 7) == count
    assert (count >= 0) == _plainly_records(data, data.count(b"\r\n"), 7)


ID_FIELDS = [b"<m@x>", b" <n@x> ", b"  ", b"<a b@x>", b"<\xe9@x>", b"<c\x01@x>", b"<d@x>\r", b"=?utf-8?q?x?="]


@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(ID_FIELDS)), max_size=8), st.booleans())
def test_ids_are_the_parsed_records_or_none(rows: list[tuple[int, bytes]], compiled: bool) -> None:
    fmt = STANDARD_FORMAT + ("Xref:full",)
    data = b"".join(b"%d\ts\ta\td\t%s\t\t1\t2\tx\r\n" % (n, mid) for n, mid in rows)
    saved = overblock._PLAIN_IDS
    if not compiled:
        overblock._PLAIN_IDS = None
    try:
        got = overblock.plain_ids(data, fmt, 1, 20)
    finally:
        overblock._PLAIN_IDS = saved
    records = parse_over_block(data, fmt)[0]
    plain_ascii = all(1 <= n <= 20 and all(0x20 <= c <= 0x7e for c in mid) and mid.strip() for n, mid in rows)
    assert (got is not None) == (bool(rows) and plain_ascii)
    if got is not None:
        assert got == [(r.number, r.message_id) for r in records]
