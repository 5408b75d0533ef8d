"""Counting a block's records without parsing it (``pith sync``) says what the parser would say, exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nntp.overblock as overblock
from nntp.overblock import count_records, parse_over_block
from nntp.parse import STANDARD_FORMAT
from tests.nntp.test_overblock import EXTRA_FORMAT, INN_FORMAT, block, line


def parsed(data: bytes, fmt: tuple[str, ...]) -> tuple[int, int]:
    records, skipped = parse_over_block(data, fmt)
    return len(records), skipped


def plain(count: int) -> bytes:
    return block(*(line(n, f"subject {n}", "a <a@x>", mid=f"<{n}@x>", refs="" if n % 3 else f"<{n - 1}@x>",
                        extra=f"Xref: h g:{n}") for n in range(1, count + 1)))


def test_a_plain_block_is_counted_without_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    data = plain(500)
    assert parsed(data, INN_FORMAT) == (500, 0)

    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(overblock, "parse_over_block", no_parsing)
    assert count_records(data, INN_FORMAT) == (500, 0)


@pytest.mark.parametrize("bad", [
    line(7, mid="", extra="x"), line(7, mid="   ", extra="x"), line(7, mid="\x1f", extra="x"),
    line(7, mid="\u3000", extra="x"), line(7, mid="\xa0", extra="x"), line(7, mid=" \t<a@x>"),
    b"7\ta\tb\tc", b"7\ta\tb\tc\t<m@x>\td", b"x\ta\tb\tc\t<m@x>\t\t1\t1\tx", b"", b"\t",
    b"..7\ta\tb\tc\t<m@x>\t\t1\t1\tx", b".7\ta\tb\tc\t<m@x>\t\t1\t1\tx",
    line(int("9" * 19), extra="x"), line(-1, extra="x"), b"+7\ta\tb\tc\t<m@x>\t\t1\t1\tx",
    b" 7\ta\tb\tc\t<m@x>\t\t1\t1\tx", "\u0663\ta\tb\tc\t<m@x>\t\t1\t1\tx".encode(),
    line(7, subject="a\nb", extra="x"), line(7, extra="x\ty"), line(7, extra="x") + b"\r",
    line(7, mid="<m@x>\x01", extra="x"), line(7, subject="caf\xe9", extra="x").replace(b"\xc3\xa9", b"\xe9"),
])
def test_any_odd_line_counts_as_the_parser_counts(bad: bytes) -> None:
    for data in (block(bad), plain(3) + block(bad), block(bad) + plain(3), plain(2) + block(bad, bad) + plain(2)):
        assert count_records(data, INN_FORMAT) == parsed(data, INN_FORMAT), data


def test_formats_and_empty_answers() -> None:
    data = block(line(1), line(2))
    assert count_records(data, STANDARD_FORMAT) == parsed(data, STANDARD_FORMAT) == (2, 0)
    assert count_records(data, INN_FORMAT) == parsed(data, INN_FORMAT)  # a field short: still records
    assert count_records(data, ("Subject:", "From:")) == parsed(data, ("Subject:", "From:"))
    extra = block(line(1, "s", "a", "d", "<m@x>", "", "1", "1", "Xref: h g:1", "X-Face: xx", "Xref: second"))
    assert count_records(extra, EXTRA_FORMAT) == parsed(extra, EXTRA_FORMAT) == (1, 0)
    assert count_records(b"", INN_FORMAT) == (0, 0)
    assert count_records(plain(2)[:-2], INN_FORMAT) == parsed(plain(2)[:-2], INN_FORMAT)  # no final CRLF


number = st.sampled_from(["7", "007", "9" * 18, "9" * 19, "+7", " 7", "-7", "x", "", ".7", "\u0663"])
field = st.sampled_from(["", " ", "s", "<a@x>", "<a@x> <b@x>", "Tue, 02 Jan 2024 02:10:23 +0000", "\x1f", "\u3000",
                         "\xa0", "a\nb", "a\rb", "\x00", "..", "\x01", "12", "caf\xe9", "=?utf-8?b?w6k=?="])
over_line = st.tuples(number, st.lists(field, min_size=0, max_size=10)).map(lambda t: "\t".join((t[0], *t[1])))
good_line = st.tuples(number, st.lists(field, min_size=8, max_size=8)).map(
    lambda t: "\t".join((t[0], "s", "a", "d", "<m@x>", *t[1][4:])))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(over_line, good_line), min_size=1, max_size=8),
       st.sampled_from([INN_FORMAT, STANDARD_FORMAT, EXTRA_FORMAT]), st.sampled_from(["utf-8", "latin-1"]))
def test_any_lines_count_as_the_parser_counts(lines: list[str], fmt: tuple[str, ...], encoding: str) -> None:
    data = b"".join(text.encode(encoding, "replace") + b"\r\n" for text in lines)
    assert count_records(data, fmt) == parsed(data, fmt)
