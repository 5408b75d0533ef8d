"""The block parser gives exactly the per-line parser's records, for any lines a server may send."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.overblock import block_lines, parse_over_block
from nntp.parse import STANDARD_FORMAT, over_parser, parse_overview_format
from nntp.responses import _decode_lines

INN_FORMAT = parse_overview_format(
    ["Subject:", "From:", "Date:", "Message-ID:", "References:", "Bytes:", "Lines:", "Xref:full"]
)
EXTRA_FORMAT = INN_FORMAT + ("X-Face:", "Xref:")


def per_line(data: bytes, fmt: tuple[str, ...]) -> tuple[list[object], int]:
    """What the old path did with the same bytes: ResponseReader's decoding, then one line at a time."""
    if not data:
        return [], 0
    lines = _decode_lines(data[:-2])
    records = [r for r in map(over_parser(fmt), lines) if r is not None]
    return records, len(lines) - len(records)


def block(*lines: bytes) -> bytes:
    return b"".join(line + b"\r\n" for line in lines)


def line(number: int, subject: str = "s", author: str = "a <a@x>", date: str = "Tue, 02 Jan 2024 02:10:23 +0000",
         mid: str = "<m@x>", refs: str = "", size: str = "10", count: str = "2", *more: str,
         extra: str | None = None) -> bytes:
    fields = (str(number), subject, author, date, mid, refs, size, count, *more)
    return "\t".join(fields + ((extra,) if extra is not None else ())).encode()


def same(data: bytes, fmt: tuple[str, ...] = INN_FORMAT) -> None:
    got, skipped = parse_over_block(data, fmt)
    want, want_skipped = per_line(data, fmt)
    assert got == want and skipped == want_skipped
    assert [repr(r) for r in got] == [repr(r) for r in want]  # same time zones, same types


def test_usual_lines() -> None:
    same(block(*(line(n, f"subject {n}", "a", "Tue, 02 Jan 2024 02:10:23 +0000", f"<{n}@x>",
                      f"<{n - 1}@x>  <{n - 2}@x>", "10", "2", f"Xref: h g:{n}") for n in range(1, 50))))


def test_dates_of_every_shape() -> None:
    dates = ["Tue, 02 Jan 2024 02:10:23 +0100", "Tue, 02 Jan 2024 02:10:23 -0930", "2 Jan 2024 02:10 GMT",
             "Tue, 31 Feb 2024 02:10:23 +0000", "Tue, 02 Jan 2024 25:10:23 +0000", "Tue, 02 Jan 2024 02:10:60 +0000",
             "Mon, 29 Feb 1900 00:00:00 +0000", "Tue, 02 jan 2024 02:10:23 +0000", "junk", "",
             "Tue, 02 Jan 0001 00:10:23 +0100", "Tue, 02 Jan 2024 02:10:23 +9999"]
    for date in dates:
        same(block(line(1, date=date, extra="Xref: h g:1"), line(2, extra="Xref: h g:2")))
    same(block(*(line(n, date=d, extra="x") for n, d in enumerate(dates, 1))))


def test_references_subjects_and_odd_fields() -> None:
    same(block(line(1, refs="<a@x><b@x>", extra="Xref: h g:1"), line(2, refs="junk <c@x>", extra="")))
    same(block(line(1, refs="<>", extra="x"), line(2, refs=" <a@x>\x0b<b@x> ", extra="xref: h g:2")))
    same(block(line(1, subject="=?utf-8?q?caf=C3=A9?=", author="\x1b[31mred", extra="Xref:h g:1")))
    same(block(line(1, mid="  ", extra="x"), line(2, extra="x")))  # no Message-ID: skipped
    same(block(line(1, size="big", count=" 3", extra="x"), b"x\ty", b"", line(3, extra="x")))
    same(block(b"..dot\tstuffed", line(2, extra="x"), b".5\ta\tb\tc\t<d@x>\t\t1\t1\tx"))
    same(block(line(1, "caf\xe9".encode("latin-1").decode("latin-1"), extra="x")))
    same(block(line(1, extra="x") + b"\xe9\xff", line(2, extra="x"), line(3, extra="x") + b"\xe9"))
    same(block(line(1), line(2)), STANDARD_FORMAT)
    same(block(line(1, "s", "a", "d", "<m@x>", "", "1", "1", "Xref: h g:1", "X-Face: xx", "Xref: second")),
         EXTRA_FORMAT)
    same(b"")


def test_short_lines_that_add_up_to_whole_ones_are_not_taken_for_them() -> None:
    """A 4-field and a 5-field line hold as many fields as one good line: each is still malformed."""
    same(block(line(1, extra="x"), b"2\ta\tb\tc", b"3\td\te\tf\tg"))
    same(block(b"2\ta\tb\tc", b"3\td\te\tf\tg", line(4, extra="x"), line(5, extra="x")))
    same(block(line(1, extra="x"), line(2, extra="x\ty"), b"3\t<a@x>\t1\t1\tx\tTue\t<m@x>\t\t1"))


def test_block_lines_match_the_response_reader() -> None:
    data = block(b"1\ta", b"..2\tb", b"3\t\xe9", b"4\tc\nd")
    assert block_lines(data) == _decode_lines(data[:-2])


field = st.one_of(
    st.sampled_from(["", " ", "<a@x>", "<a@x> <b@x>", "Tue, 02 Jan 2024 02:10:23 +0000", "Xref: h g:1", "12",
                     "=?utf-8?b?w6k=?=", "..", "<a@x><b@x>", "Mon, 05 Apr 93 14:58:21 GMT", "\x7f"]),
    st.text(alphabet=st.characters(blacklist_characters="\t\r\n"), max_size=12),
)
over_line = st.lists(field, min_size=0, max_size=11).map(lambda fields: "\t".join(fields))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(over_line, over_line.map(lambda s: "7\t" + s)), min_size=1, max_size=8),
       st.sampled_from([INN_FORMAT, STANDARD_FORMAT, EXTRA_FORMAT]),
       st.sampled_from(["utf-8", "latin-1"]))
def test_any_lines_parse_the_same_as_line_by_line(lines: list[str], fmt: tuple[str, ...], encoding: str) -> None:
    data = b"".join(text.encode(encoding, "replace") + b"\r\n" for text in lines)
    same(data, fmt)


def test_repeated_strings_of_a_block_are_one_object() -> None:
    """A big group's records share each author, repeated subject and referenced id (memory, not meaning)."""
    date = "Tue, 02 Jan 2024 02:10:23 +0000"
    data = block(line(1, "topic", "ann <a@x>", date, "<1@x>", "", "10", "2", "Xref: h g:1"),
                 line(2, "Re: topic", "bob <b@x>", date, "<2@x>", "<1@x>", "10", "2", "Xref: h g:2"),
                 line(3, "Re: topic", "ann <a@x>", date, "<3@x>", "<1@x> <2@x>", "10", "2", "Xref: h g:3"),
                 line(4, "Re: topic", "cid <c@x>", date, "<4@x>", "<1@x> <2@x>", "4000", "900", "Xref: h g:4"),
                 line(5, "Re: topic", "cid <c@x>", date, "<5@x>", "<1@x>", "4000", "900", "Xref: h g:5"))
    first, second, third, fourth, fifth = parse_over_block(data, INN_FORMAT)[0]
    assert third.references is fourth.references and second.references is fifth.references  # siblings
    assert fourth.bytes is fifth.bytes and fourth.lines is fifth.lines  # beyond the small ints Python shares
    assert first.author is third.author and second.subject is third.subject
    assert second.references[0] is first.message_id is third.references[0]
    assert third.references[1] is second.message_id
    same(data)
