"""OVER lines, dates and RFC 2047 words: the parsers must never raise on server data."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nntp.parse import (
    STANDARD_FORMAT,
    decode_words,
    parse_date,
    parse_over_line,
    parse_overview_format,
    parse_references,
)

INN_FORMAT = parse_overview_format(
    ["Subject:", "From:", "Date:", "Message-ID:", "References:", "Bytes:", "Lines:", "Xref:full"]
)


def over(*fields: str) -> str:
    return "\t".join(fields)


def test_standard_line_parses_into_a_typed_record() -> None:
    line = over("42", "Re: Hello", "Ann <ann@example.org>", "Mon, 05 Apr 93 14:58:21 GMT",
                "<b@x>", "<a@x> <c@x>", "1234", "17", "Xref: host comp.graphics:42")
    rec = parse_over_line(line, INN_FORMAT)
    assert rec is not None
    assert rec.number == 42
    assert rec.subject == "Re: Hello"
    assert rec.author == "Ann <ann@example.org>"
    assert rec.date == datetime(1993, 4, 5, 14, 58, 21, tzinfo=timezone.utc)
    assert rec.message_id == "<b@x>"
    assert rec.references == ("<a@x>", "<c@x>")
    assert (rec.bytes, rec.lines) == (1234, 17)
    assert rec.xref == "host comp.graphics:42"


def test_overview_fmt_maps_full_and_old_style_metadata() -> None:
    assert INN_FORMAT[:7] == STANDARD_FORMAT
    assert INN_FORMAT[7] == "Xref:"
    assert parse_overview_format(["garbage"]) == STANDARD_FORMAT


@pytest.mark.parametrize("line", [
    "", "notanumber\ta\tb\tc\td\te\tf\tg", "1\tonly\tthree", "7\tsubj\tfrom\tdate\t\t\t1\t2",
])
def test_malformed_lines_are_none_not_errors(line: str) -> None:
    assert parse_over_line(line) is None


def test_junk_numbers_become_zero_and_long_lines_are_fine() -> None:
    refs = " ".join(f"<id{i}@example.org>" for i in range(400))
    assert len(refs) > 2048
    rec = parse_over_line(over("1", "s", "f", "no date", "<m@x>", refs, "dog", "cat"))
    assert rec is not None
    assert len(rec.references) == 400
    assert (rec.bytes, rec.lines, rec.date) == (0, 0, None)


def test_header_fields_are_decoded_and_sanitized() -> None:
    rec = parse_over_line(over("1", "=?utf-8?q?Gr=C3=BC=C3=9Fe?= \x1b[31mred", "  Sasha <s@x>",
                               "", "<m@x>", "", "1", "1"))
    assert rec is not None
    assert rec.subject == "Grüße \u241b[31mred"
    assert rec.author == "Sasha <s@x>"


@pytest.mark.parametrize("text, expected", [
    ("Mon, 05 Apr 93 14:58:21 MDT", datetime(1993, 4, 5, 20, 58, 21, tzinfo=timezone.utc)),
    ("19 Mar 93 20:10:23 GMT", datetime(1993, 3, 19, 20, 10, 23, tzinfo=timezone.utc)),
    ("Thu, 01 Jan 2024 10:00:00 +0200", datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc)),
    ("Tue, 6 Apr 1993 02:11:42 -0500", datetime(1993, 4, 6, 7, 11, 42, tzinfo=timezone.utc)),
    ("6 Apr 1993 02:11", datetime(1993, 4, 6, 2, 11, tzinfo=timezone.utc)),
])
def test_dates(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "31 Feb 1993 10:00:00 GMT", "Mon, 99 Foo 93"])
def test_bad_dates_are_none(text: str) -> None:
    assert parse_date(text) is None


def test_rfc2047_words() -> None:
    assert decode_words("Re: =?ISO-8859-1?Q?caf=E9?= ok") == "Re: café ok"
    assert decode_words("=?KOI8-R?B?8NLJ18XU?=") == "Привет"
    assert decode_words("=?bogus-charset?q?x?=") == "x"
    assert decode_words("=?utf-8?q?broken") == "=?utf-8?q?broken"
    assert decode_words("plain text") == "plain text"


def test_references_extracts_ids_in_order() -> None:
    assert parse_references("<a@b> junk <c@d>\t<e@f>") == ("<a@b>", "<c@d>", "<e@f>")
    assert parse_references("") == ()


@given(st.text())
def test_over_parser_never_raises(text: str) -> None:
    parse_over_line(text)
    parse_over_line("1\t" + text.replace("\t", " ") + "\tf\td\t<m@x>\t\t1\t1")


@given(st.text())
def test_date_and_word_parsers_never_raise(text: str) -> None:
    parse_date(text)
    decode_words(text)


def test_format_flowed_joins_quoted_paragraphs_without_inner_quote_marks() -> None:
    from nntp.article import unflow

    text = "Hello this is \nflowed.\n> A quoted \n> paragraph.\n>> deeper \n>> still\n-- \nsig"
    assert unflow(text) == "Hello this is flowed.\n> A quoted paragraph.\n>> deeper still\n-- \nsig"
    assert unflow("no \nspace", delsp=True) == "nospace"
