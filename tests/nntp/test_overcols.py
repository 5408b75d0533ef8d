"""Raw OVER bytes into Columns: the compiled kernel, the pure path and the definition agree, array for array.

The definition is ``from_records(parse_over_block(data, fmt)[0])``; the kernel
(nntp/_overcols.pyx) must give the same arrays, codes, tables and blobs, not only
the same records, on the sample, the 20 Newsgroups corpus (when ../shared holds
it), the hostile corpus, hand-picked odd lines and random ones. Where the kernel
is not built its comparisons are skipped, except under CI=true or
PITH_REQUIRE_COMPILED, where a missing kernel is a failed build.
"""

from __future__ import annotations

import os
import re
import tarfile
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntp import overcols
from nntp.archive import iter_mbox
from nntp.columns import Columns, StringTable, from_records
from nntp.overblock import parse_over_block
from nntp.overcols import kernel_columns, over_columns, over_columns_many, pure_columns_many
from nntp.parse import STANDARD_FORMAT
from tests.hostile import corpus as hostile
from tests.nntp.test_overblock import EXTRA_FORMAT, INN_FORMAT, block, line

try:
    from nntp._overcols import Filler as compiled
except ImportError:
    compiled = None  # type: ignore[assignment,misc]

REQUIRED = bool(os.environ.get("CI") or os.environ.get("PITH_REQUIRE_COMPILED"))
needs_compiled = pytest.mark.skipif(compiled is None and not REQUIRED, reason="nntp/_overcols.pyx is not built here")
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "sample.mbox"
NEWS = ROOT.parent / "shared" / "corpus" / "20news-19997.tar.gz"
FORMATS = [INN_FORMAT, STANDARD_FORMAT, EXTRA_FORMAT, ("Subject:",), STANDARD_FORMAT + ("XREF",)]


def definition(blocks: list[bytes], fmt: tuple[str, ...]) -> tuple[Columns, int]:
    """What over_columns means: each block through the block parser, all records into Columns."""
    parsed = [parse_over_block(data, fmt) for data in blocks]
    return from_records([r for records, _ in parsed for r in records]), sum(skipped for _, skipped in parsed)


def fields(columns: Columns) -> dict[str, object]:
    """Every array, table and blob of a Columns, typecodes included: equal only if built the same way."""
    out: dict[str, object] = {}
    for name in Columns.FIELDS:
        value = getattr(columns, name)
        if isinstance(value, StringTable):
            out[name] = (value.blob, value.ends.typecode, list(value.ends))
        elif hasattr(value, "typecode"):
            out[name] = (value.typecode, list(value))
        else:
            out[name] = value
    return out


def same(blocks: list[bytes], fmt: tuple[str, ...] = INN_FORMAT) -> None:
    """Pure, compiled (where built) and the definition: the same columns and the same count of skipped lines."""
    want, want_skipped = definition(blocks, fmt)
    ways = [pure_columns_many(blocks, fmt), over_columns_many(blocks, fmt)]
    if compiled is not None and overcols.fast_width(fmt) is not None:
        ways.append(kernel_columns(compiled, blocks, fmt))
    for got, skipped in ways:  # equal arrays and tables make equal records: Columns.record reads only them
        assert skipped == want_skipped
        assert fields(got) == fields(want)


def test_the_compiled_kernel_is_in_use_where_required() -> None:
    if REQUIRED:
        assert compiled is not None, "nntp/_overcols.pyx was not built"
    if not os.environ.get("PITH_PURE_KERNELS"):
        assert overcols.COMPILED == (compiled is not None)


@pytest.mark.skipif(compiled is None, reason="nntp/_overcols.pyx is not built here")
def test_the_compiled_kernel_is_not_older_than_its_source() -> None:
    """An editable install keeps an old module when the build fails quietly: catch that here."""
    module = Path(__import__("nntp._overcols").__dict__["_overcols"].__file__)
    source = module.with_name("_overcols.pyx")
    if source.exists():
        assert module.stat().st_mtime >= source.stat().st_mtime, (
            "nntp/_overcols.pyx changed since it was built: `python setup.py build_ext --inplace`")


# -- OVER lines made from articles, as INN writes them ------------------------------------------------------
def over_line(number: int, raw: bytes, group: str) -> bytes:
    """An article's overview line: headers unfolded, tabs and line breaks as spaces, INN's Xref."""
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    values: dict[bytes, bytes] = {}
    for field in re.sub(rb"\n(?=[ \t])", b"", head).split(b"\n"):
        name, _, value = field.partition(b":")
        values.setdefault(name.strip().lower(), value.strip())

    def get(name: bytes) -> bytes:
        return values.get(name, b"").replace(b"\t", b" ").replace(b"\r", b" ").replace(b"\n", b" ")

    text = b"\t".join([str(number).encode(), get(b"subject"), get(b"from"), get(b"date"), get(b"message-id"),
                       get(b"references"), str(len(raw)).encode(), str(body.count(b"\n")).encode(),
                       f"Xref: test.invalid {group}:{number}".encode()])
    return b"." + text if text.startswith(b".") else text


def groups_of(raw: bytes) -> list[str]:
    found = re.search(rb"^Newsgroups:[ \t]*(.*)$", raw.replace(b"\r\n", b"\n"), re.MULTILINE | re.IGNORECASE)
    names = found.group(1).decode("latin-1").split(",") if found else []
    return [name.strip() for name in names if name.strip()] or ["none"]


def group_blocks(articles: list[bytes]) -> list[bytes]:
    """One OVER answer per group, articles numbered in order."""
    lines: dict[str, list[bytes]] = defaultdict(list)
    for raw in articles:
        for group in groups_of(raw):
            lines[group].append(over_line(len(lines[group]) + 1, raw, group))
    return [block(*group) for group in lines.values()]


@cache
def news_blocks() -> list[bytes]:
    lines: dict[str, list[bytes]] = defaultdict(list)
    with tarfile.open(NEWS) as tar:
        for member in tar:
            if member.isfile():
                group, number = member.name.split("/")[-2:]
                handle = tar.extractfile(member)
                assert handle is not None
                lines[group].append(over_line(int(number), handle.read(), group))
    return [block(*group) for group in lines.values()]


def test_the_sample() -> None:
    blocks = group_blocks(list(iter_mbox(SAMPLE)))
    assert len(blocks) >= 7
    for data in blocks:
        same([data])
    same(blocks)


@pytest.mark.skipif(not NEWS.is_file(), reason="../shared/corpus/20news-19997.tar.gz is not here")
def test_the_20_newsgroups_corpus() -> None:
    blocks = news_blocks()
    assert sum(data.count(b"\r\n") for data in blocks) == 19997
    same(blocks)


def test_the_hostile_corpus() -> None:
    blocks = group_blocks([article.raw for article in hostile.articles(chain_depth=60)])
    for data in blocks:
        same([data])
        same([data], STANDARD_FORMAT)
    same(blocks)


# -- lines picked to take every branch of the kernel ---------------------------------------------------------
DATES = ["Tue, 02 Jan 2024 02:10:23 +0100", "Tue, 02 Jan 2024 02:10:23 -0930", "2 Jan 2024 02:10 GMT",
         "Tue, 31 Feb 2024 02:10:23 +0000", "Tue, 02 Jan 2024 25:10:23 +0000", "Tue, 02 Jan 2024 02:10:60 +0000",
         "Mon, 29 Feb 1900 00:00:00 +0000", "Mon, 29 Feb 2000 00:00:00 +0000", "Tue, 29 Feb 2023 00:00:00 +0000",
         "Tue, 02 jan 2024 02:10:23 +0000", "Tue, 02 JAN 2024 02:10:23 +0000", "junk", "", "Tue, 02 Xyz 2024 02:10:23 +0000",
         "Tue, 02 Jan 0001 00:10:23 +0100", "Fri, 31 Dec 9999 23:59:59 -0900", "Tue, 02 Jan 2024 02:10:23 +9999",
         "Tue, 02 Jan 2024 02:10:23 *0000", "Tue, 02 Jan 2024 02:10:23 +00x0", "Tue, 2 Jan 2024 02:10:23 +0000",
         "Tue; 02 Jan 2024 02:10:23 +0000", "Tue, 02 Jan 2024 02.10.23 +0000", "Tue, -2 Jan 2024 02:10:23 +0000",
         "Tue, 00 Jan 2024 02:10:23 +0000", "Tue, 02 Jan 1970 00:00:00 +0000", "Thu, 01 Jan 1970 00:00:00 +0001",
         "Tue, 02 Jan 2024 02:10:23 +0000 (UTC)", "Tue, 02 Jan 2024 02:10:23 GMT", "Tue, 02 Jan 2024 0\xe9:10:23 +0000",
         "Tue, 02 Jan 0002 00:00:00 +0000", "Tue, 02 Jan 9998 23:59:59 -9959", "Tue, 02 Jan 2024 02:10:23 +0000 ",
         "Tue, 2 Jan 2024 02:10:23 +0100", "2 Jan 24 2:10 EST", "Mon, 5 Apr 93 14:58:21 GMT", "Tue,2 Jan 2024 02:10 +0100",
         "  Tue, 2 January 2024 02:10:23 +0100", "Tue, 2 JANUARY 2024 02:10:23 +0100", "Tue, 2 Jan 2024 02:10:23 XYZ",
         "Tue, 2 Jan 2024 02:10:23 +01000", "Tue, 2 Jan 2024 02:10:23 (a) x", "Tue, 2 Jan 2024 02:10:23 (a) (b) ",
         "Tue, 2 Jan 2024 02:10:23 (open", "Tue, 2 Jan 2024 02:10:23 +0100 (CET) ", "Tue, 2 Jan 2024 02:10:2 +0100",
         "Tuesday, 2 Jan 2024 02:10:23 +0100", "Tue, 30 Feb 2024 02:10 +0100", "Tue, 29 Feb 2023 02:10 +0100",
         "Tue, 29 Feb 2000 02:10 +0100", "Tue, 29 Feb 1900 02:10 +0100", "1 Jan 0001 00:00 +0100", "31 Dec 9999 23:59 -0100",
         "2 Jan 49 1:02 GMT", "2 Jan 50 1:02 GMT", "2 Jan 100 1:02 GMT", "2 Jan 24 24:00 GMT", "2 Jan 24 23:60 GMT",
         "2 Jan 24 23:59:60 GMT", "2 Jan 24 23:59:61 GMT", "2 Jan 24 1:02:03 gmt", "2 Jan 24 1:02:03 Z",
         "2 Jan 24 1:02:03 CEST", "2 Jan 24 1:02:03 abcdef", "2 Jan 24 1:02:03 UTC+1", "2 Jan 24 1:02:03 +01",
         "02 Jan 2024 02:10:23 +0000 (Coordinated Universal Time)", "Tue, 02 Jan 2024 02:10:23 -0000 (UTC)",
         "Tue, 2 Jan 2024 02:10:23 -0500 (EST)", "Sat, 1 Jan 0000 00:00 GMT", "Tue, 2 Jan 2024 2:10:23", "2Jan 2024 1:02",
         "Mon,  5 Apr 1993 18:40:31 -0400", "Mon, 05 Apr 1993 -1:40:31 -0400", "Mon, 05 Xyz 1993 18:40:31 -0400",
         "Mon,  5 Apr 1993 18:40:31 GMTXX", "Tue, 02 Jan 2024  1:10:23 +0000", "Mon, 05 Apr 93   18:40:31 -0400"]


date_text = st.tuples(
    st.sampled_from(["", " ", "  "]), st.sampled_from(["", "Tue, ", "Tue,", "Tue ", "tue, ", "Tues, ", "Tu, ", "Xyz, "]),
    st.sampled_from(["2", "02", "002", "0", "31", "29", "30", ""]), st.sampled_from([" ", "  ", ""]),
    st.sampled_from(["Jan", "jan", "JAN", "January", "Janu", "Feb", "Sept", "Xyz", "JANuary", "Ja", "Dec"]),
    st.sampled_from([" ", "  ", ""]),
    st.sampled_from(["2024", "24", "93", "49", "50", "100", "0001", "9999", "12345", "2", "2000", "1900", "0000"]),
    st.sampled_from([" ", ""]),
    st.sampled_from(["02:10:23", "2:10:23", "02:10", "23:59:60", "24:00:00", "02:10:2", "02:60", "1:2:3", "002:10"]),
    st.sampled_from(["", " +0000", " -0930", "+0100", " +01000", " GMT", " gmt", " Z", " EST", " CEST", " XYZ",
                     " abcdef", " +01", "  UT", " +9959", " -9959"]),
    st.sampled_from(["", " (UTC)", "(x) ", " (a) (b)", " (open", " ) (", " (x) y", " "]),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(date_text, min_size=1, max_size=10))
def test_dates_of_any_shape(dates: list[str]) -> None:
    """The kernel reads parse_date's shapes in C; every one of them gives _fast_date's answer."""
    same([block(*(line(n, date=d, extra=f"Xref: h g:{n}") for n, d in enumerate(dates, 1)))])


def test_dates_of_every_shape() -> None:
    same([block(*(line(n, date=d, extra=f"Xref: h g:{n}") for n, d in enumerate(DATES, 1)))])
    for date in DATES:
        same([block(line(1, date=date, extra="Xref: h g:1"))], INN_FORMAT)


@pytest.mark.parametrize("odd", [
    line(7, mid="", extra="x"), line(7, mid="   ", extra="x"), line(7, mid="\x1f", extra="x"),
    line(7, mid="\u3000", extra="x"), line(7, mid="\xa0", extra="x"), line(7, mid=" \t<a@x>"),
    line(7, mid="  <a@x>  ", extra="x"), line(7, mid="<caf\xe9@x>", extra="x"), line(7, mid="<a\x00@x>", extra="x"),
    b"7\ta\tb\tc", b"7\ta\tb\tc\t<m@x>\td", b"7\ta\tb\tc\t<m@x>\t\t1", b"x\ta\tb\tc\t<m@x>\t\t1\t1\tx", b"", b"\t",
    b"..7\ta\tb\tc\t<m@x>\t\t1\t1\tx", b".7\ta\tb\tc\t<m@x>\t\t1\t1\tx", b".", b"..",
    line(int("9" * 18), extra="x"), line(int("9" * 19), extra="x"), line(-1, extra="x"), line(0, extra="x"),
    b"+7\ta\tb\tc\t<m@x>\t\t1\t1\tx", b" 7\ta\tb\tc\t<m@x>\t\t1\t1\tx", b"1_0\ta\tb\tc\t<m@x>\t\t1\t1\tx",
    b"007\ta\tb\tc\t<m@x>\t\t1\t1\tx", "\u0663\ta\tb\tc\t<m@x>\t\t1\t1\tx".encode(),
    line(7, subject="a\nb", extra="x"), line(7, subject="a\rb", extra="x"), line(7, extra="x\ty"),
    line(7, extra="x") + b"\r", line(7, extra="x") + b"\r\r", line(7, mid="<m@x>\x01", extra="x"),
    line(7, subject="caf\xe9", extra="x"), line(7, subject="caf\xe9", extra="x").replace(b"\xc3\xa9", b"\xe9"),
    line(7, author="J\xf6rg <j@x>", extra="x").replace(b"\xc3\xb6", b"\xf6"), line(7, author="\u00e9\u200b", extra="x"),
    line(7, subject="\x1b[2Jboom", extra="x"), line(7, subject="\x7f", extra="x"), line(7, subject="  padded  ", extra="x"),
    line(7, subject="=?utf-8?q?caf=C3=A9?=", extra="x"), line(7, subject="a =? b", extra="x"),
    line(7, subject="=?utf-8?b?G1sySg==?=", extra="x"), line(7, author="=?x-unknown?q?a?=", extra="x"),
    line(7, subject="\ud800".encode("utf-8", "surrogatepass").decode("latin-1"), extra="x"),
    line(7, subject="ok", extra="x").replace(b"ok", b"\xed\xa0\x80"), line(7, subject="ok", extra="x").replace(b"ok", b"\xc0\xaf"),
    line(7, subject="ok", extra="x").replace(b"ok", b"\xf4\x90\x80\x80"), line(7, subject="\U0001f600", extra="x"),
    line(7, refs="<a@x><b@x>", extra="x"), line(7, refs="junk <c@x>", extra="x"), line(7, refs="<>", extra="x"),
    line(7, refs=" <a@x>\x0b<b@x> ", extra="x"), line(7, refs="<a@x>  <b@x>", extra="x"), line(7, refs="<<a@x>>", extra="x"),
    line(7, refs="<a <b@x> c>", extra="x"), line(7, refs="<a@x", extra="x"), line(7, refs="a@x>", extra="x"),
    line(7, refs="<a\xa0b@x> <c@x>", extra="x"), line(7, refs="<m@x> <m@x>", mid="<m@x>", extra="x"),
    line(7, size="big", count=" 3", extra="x"), line(7, size="", count="", extra="x"), line(7, size="-5", count="+2", extra="x"),
    line(7, size="9" * 19, count="9" * 18, extra="x"), line(7, size="1_000", count="\u0663", extra="x"),
    line(7, size="1\xe9", extra="x"), line(7, extra=""), line(7, extra="Xref:"), line(7, extra="xref: h g:7"),
    line(7, extra="XREF:h g:7"), line(7, extra="Xref h g:7"), line(7, extra="  Xref: h g:7  "), line(7, extra="Xrefs: h"),
    line(7, extra="Xref: h \xe9:7"), line(7, extra="Xref: h\x01g:7"), line(7, extra="Xref: a\tb"),
])
def test_any_odd_line_reads_as_the_definition(odd: bytes) -> None:
    plain = [line(n, f"subject {n % 3}", f"a{n % 2} <a@x>", mid=f"<{n}@x>", refs=f"<{n - 1}@x>" if n % 2 else "",
                  extra=f"Xref: h g:{n}") for n in range(1, 5)]
    for lines in ([odd], [*plain, odd], [odd, *plain], [plain[0], odd, odd, plain[1]]):
        for fmt in (INN_FORMAT, STANDARD_FORMAT):
            same([block(*lines)], fmt)
    same([block(odd)[:-2]])  # no final CRLF


def test_an_odd_byte_anywhere_in_a_long_field_is_seen() -> None:
    """The kernel checks fields eight bytes at a time: a control, DEL or 8-bit byte at any offset still counts."""
    for odd in (b"\x00", b"\x1f", b"\x7f", b"\x80", b"\xff", b"\xe9", b"\x20", b"\x7e", b"\x3f", b"\x0b"):
        lines = []
        for at in range(20):
            text = b"a" * at + odd + b"b" * (19 - at)
            lines.append(b"\t".join([str(at + 1).encode(), text, b"x" + text, b"Tue, 02 Jan 2024 02:10:23 +0000",
                                     b"<" + text + b"@x>", b"<r" + text + b"@x>", b"1", b"1", b"Xref: h " + text]))
        same([block(*lines)])
        same([block(*lines)], STANDARD_FORMAT)


def test_framing_and_formats() -> None:
    data = block(line(1, extra="Xref: h g:1"), line(2, extra="Xref: h g:2"))
    for fmt in FORMATS:
        same([data], fmt)
    same([])
    same([b""])
    same([b"\r\n"])
    same([b"\r\n\r\n"])
    same([data + b"\r\n"])
    same([data, b"", data])
    same([line(1, extra="x") + b"\n" + line(2, extra="x") + b"\r\n"])  # a bare LF is inside a line
    same([block(line(1, "s", "a", "d", "<m@x>", "", "1", "1", "Xref: h g:1", "X-Face: xx", "Xref: second"))],
         EXTRA_FORMAT)
    assert over_columns(data, INN_FORMAT)[0] == definition([data], INN_FORMAT)[0]


def test_several_blocks_are_one_group() -> None:
    """Codes run on across blocks: an ID first seen in one block keeps its code when the next one names it."""
    first = block(line(1, "topic", "ann", mid="<1@x>", extra="Xref: h g:1"))
    second = block(line(2, "Re: topic", "bob", mid="<2@x>", refs="<1@x>", extra="Xref: h g:2"),
                   line(3, "topic", "ann", mid="<3@x>", refs="<0@x> <2@x>", extra="Xref: h g:3"))
    same([first, second])
    columns, _ = over_columns_many([first, second], INN_FORMAT)
    assert list(columns.ref_codes) == [0, 3, 1] and columns.subjects == ["topic", "Re: topic"]


# -- random lines ----------------------------------------------------------------------------------------
field = st.one_of(
    st.sampled_from(["", " ", "<a@x>", "<a@x> <b@x>", "Tue, 02 Jan 2024 02:10:23 +0000", "Xref: h g:1", "12", "0",
                     "=?utf-8?b?w6k=?=", "..", ".", "<a@x><b@x>", "Mon, 05 Apr 93 14:58:21 GMT", "\x7f", "caf\xe9",
                     "Tue, 31 Feb 2024 02:10:23 +0000", "9" * 19, "\u200b", "\x1b[2J", "<a@x>\x0b<b@x>"]),
    st.text(alphabet=st.characters(blacklist_characters="\t\r\n"), max_size=12),
    st.text(alphabet="<>@ ax.:+-0123456789JanTue,", max_size=31),
)
text_line = st.lists(field, min_size=0, max_size=11).map("\t".join)
over_text = st.one_of(text_line, text_line.map(lambda s: "7\t" + s), text_line.map(lambda s: "." + s))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.tuples(over_text, st.sampled_from(["utf-8", "latin-1"])).map(
    lambda t: t[0].encode(t[1], "replace")), st.binary(max_size=40)), min_size=1, max_size=10),
       st.sampled_from(FORMATS), st.integers(0, 10))
def test_any_lines_read_as_the_definition(lines: list[bytes], fmt: tuple[str, ...], cut: int) -> None:
    lines = [raw.replace(b"\r\n", b" ") for raw in lines]
    same([block(*lines)], fmt)
    same([block(*lines[:cut]), block(*lines[cut:])], fmt)


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([INN_FORMAT, STANDARD_FORMAT]))
def test_any_bytes_read_as_the_definition(data: bytes, fmt: tuple[str, ...]) -> None:
    same([data], fmt)


@needs_compiled
def test_plain_lines_never_reach_the_per_line_parser() -> None:
    """The point of the kernel: the usual line (local.big's shape) is read in C; 8-bit names cost one call
    of ``clean`` for that field (str.strip here, which agrees with it on these), never the whole line's parser."""
    def no_parser(_: bytes) -> None:
        raise AssertionError("a plain line went to the per-line parser")

    data = block(*(line(n, f"subject {n} caf\xe9", f"J\xf6rg {n} <j@x>", mid=f"<{n}@x>",
                        refs=f"<{n - 1}@x> <{n - 2}@x>", extra=f"Xref: h g:{n}") for n in range(1, 50)))
    filler = compiled(9, no_parser, str.strip, overcols._fast_date, int)
    filler.feed(data)
    filler.feed(data.replace("caf\xe9".encode(), b"caf\xe9"))
    assert overcols.assemble(filler.build()) == definition([data, data.replace("caf\xe9".encode(), b"caf\xe9")],
                                                           INN_FORMAT)[0]
