"""Parsers never raise on hostile input: charsets, nesting, dates, OVER lines, and the CLI's JSON writer."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.jsonout import dumps, safe, write_json
from nntp.article import parse_article
from nntp.charsets import decode_declared, text_codec
from nntp.mimetree import DEEP_NOTE, MAX_DEPTH
from nntp.overblock import PLACEHOLDER_SUBJECT, parse_over_block
from nntp.parse import STANDARD_FORMAT, decode_words, over_parser, parse_date, parse_over_line

HOSTILE_CHARSETS = ["undefined", "idna", "punycode", "a\x00b", "rot13", "zlib", "base64", "hex", "uu", "bz2",
                    "unicode_escape", "raw_unicode_escape", "utf-7", "utf-16", "utf-32", "mbcs", "x-unknown",
                    "", "utf-8*en", "iso-2022-jp", "cp65001", "..", "encodings", "a" * 500]
FORMATS = [STANDARD_FORMAT, STANDARD_FORMAT + ("Xref:",), STANDARD_FORMAT + ("Xref:", "Newsgroups:"), ("Subject:",)]
SETTINGS = settings(max_examples=int(__import__("os").environ.get("PITH_FUZZ", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- charsets and encoded-words -------------------------------------------------------------
@pytest.mark.parametrize("charset", HOSTILE_CHARSETS)
def test_no_charset_makes_decoding_raise(charset: str) -> None:
    assert isinstance(decode_words(f"=?{charset}?q?boom=FF=00=E2=80?= tail"), str)
    assert isinstance(decode_words(f"=?{charset}?b?/wAA3dg=?="), str)
    assert isinstance(decode_declared(b"\xff\x00+2D3-\xdd\xd8 boom", charset), str)


def test_undecodable_charsets_fall_back_to_the_bytes_as_sent() -> None:
    assert decode_words("=?undefined?q?boom?=") == "boom"
    assert decode_words("Re: =?idna?q?caf=C3=A9?=") == "Re: caf\u00e9"
    assert decode_words("=?rot13?q?uryyb?=") == "uryyb"  # not a text encoding: not applied
    assert decode_words("=?ISO-8859-1?Q?caf=E9?=") == "caf\u00e9"  # real charsets as before
    assert text_codec("idna") is None and text_codec("zlib") is None and text_codec("latin1") == "iso8859-1"
    assert text_codec("Unicode-Escape") is None and text_codec("raw_unicode_escape") is None


encoded_word = st.builds(lambda cs, enc, text: f"=?{cs}?{enc}?{text}?=", st.sampled_from(HOSTILE_CHARSETS + ["utf-8"]),
                         st.sampled_from(["q", "b", "Q", "B", "x"]), st.text(max_size=30))


@SETTINGS
@given(st.lists(st.one_of(st.text(max_size=20), encoded_word), max_size=6).map(" ".join))
def test_decode_words_never_raises(value: str) -> None:
    assert isinstance(decode_words(value), str)


@SETTINGS
@given(st.binary(max_size=60), st.one_of(st.none(), st.sampled_from(HOSTILE_CHARSETS), st.text(max_size=12)))
def test_decode_declared_never_raises(raw: bytes, charset: str | None) -> None:
    assert isinstance(decode_declared(raw, charset), str)


# -- dates ---------------------------------------------------------------------------------
def test_a_zone_past_year_9999_is_no_date_not_an_error() -> None:
    assert parse_date("Fri, 31 Dec 9999 23:59:59 -0900") is None
    assert parse_date("31 Dec 9999 23:59 -9959") is None
    assert parse_date("Tue, 02 Jan 2024 10:00:00 +0000") == datetime.fromisoformat("2024-01-02T10:00:00+00:00")


date_like = st.builds("{}, {} {} {} {}:{}:{} {}".format, st.text(max_size=4), st.integers(-5, 99),
                      st.sampled_from(["Jan", "Feb", "Dec", "Xyz", ""]), st.integers(-1, 100000),
                      st.integers(-1, 99), st.integers(0, 99), st.integers(0, 99),
                      st.one_of(st.from_regex(r"[+-][0-9]{4}", fullmatch=True), st.text(max_size=5)))


@SETTINGS
@given(st.one_of(st.text(max_size=60), date_like))
def test_parse_date_never_raises(value: str) -> None:
    result = parse_date(value)
    assert result is None or result.tzinfo is not None


# -- OVER lines and blocks --------------------------------------------------------------------
field = st.one_of(st.text(max_size=12), encoded_word, date_like, st.integers().map(str),
                  st.just("9" * 30), st.just("<a@b>"))
over_line = st.lists(field, min_size=0, max_size=11).map("\t".join)


@SETTINGS
@given(over_line, st.sampled_from(FORMATS))
def test_over_line_never_raises(line: str, fmt: tuple[str, ...]) -> None:
    record = parse_over_line(line, fmt)
    assert record is None or -(1 << 63) <= record.number < (1 << 63)


@SETTINGS
@given(st.lists(st.one_of(over_line.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=40)),
                max_size=8), st.sampled_from(FORMATS))
def test_over_block_never_raises_and_counts_every_line(lines: list[bytes], fmt: tuple[str, ...]) -> None:
    data = b"".join(line.replace(b"\r\n", b" ") + b"\r\n" for line in lines)
    records, skipped = parse_over_block(data, fmt)
    assert len(records) + skipped == len(lines)
    assert all(-(1 << 63) <= r.number < (1 << 63) and 0 <= abs(r.bytes) < (1 << 63) for r in records)


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(FORMATS))
def test_over_block_of_any_bytes_never_raises(data: bytes, fmt: tuple[str, ...]) -> None:
    records, skipped = parse_over_block(data, fmt)
    assert skipped >= 0 and all(r.message_id for r in records)


def test_a_line_the_parser_chokes_on_becomes_a_visible_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    import nntp.overblock as overblock

    good = "1\tok\tA <a@x>\tTue, 02 Jan 2024 10:00:00 +0000\t<1@x>\t\t10\t1"
    bad = "2\tboom\tB <b@x>\tTue, 02 Jan 2024 10:00:00 +0000\t<2@x>\t\t10\t1"
    real = over_parser(STANDARD_FORMAT)

    def choking(line: str) -> object:
        if "boom" in line:
            raise RuntimeError("a parser bug")
        return real(line)

    monkeypatch.setattr(overblock, "_parse_block", lambda data, fmt: choking(bad))
    monkeypatch.setattr(overblock, "over_parser", lambda fmt: choking)
    records, skipped = parse_over_block(f"{good}\r\n{bad}\r\n3\tno id\r\n".encode(), STANDARD_FORMAT)
    assert [(r.number, r.subject) for r in records] == [(1, "ok"), (2, PLACEHOLDER_SUBJECT)] and skipped == 1


# -- articles (MIME) ---------------------------------------------------------------------------
def deep_multipart(levels: int, inner: bytes = b"Content-Type: text/plain\r\n\r\nhello deep\r\n") -> bytes:
    head = b"From: a@b\r\nSubject: deep\r\nMessage-ID: <deep@x>\r\nMIME-Version: 1.0\r\n"
    opens = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(levels))
    closes = b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(levels)))
    return head + opens + inner + closes


def deep_rfc822(levels: int) -> bytes:
    head = b"From: a@b\r\nSubject: deep\r\nMessage-ID: <deep822@x>\r\n"
    return head + b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n" * levels + b"\r\nhello\r\n"


@pytest.mark.parametrize("raw", [deep_multipart(1000), deep_rfc822(1000), deep_multipart(5000)])
def test_a_thousand_levels_of_nesting_show_a_note_instead_of_recursing(raw: bytes) -> None:
    article = parse_article(raw)
    assert article.header("Subject") == "deep" and article.message_id.startswith("<deep")
    assert DEEP_NOTE in article.body


def test_nesting_within_the_limit_reads_as_before() -> None:
    article = parse_article(deep_multipart(MAX_DEPTH - 1))
    assert article.body == "hello deep\n" and DEEP_NOTE not in article.body
    text_then_deep = (b'Subject: two\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n'
                      b"Content-Type: text/plain\r\n\r\nvisible text\r\n--x\r\n" + deep_multipart(200) + b"\r\n--x--\r\n")
    article = parse_article(text_then_deep)
    assert article.body.startswith("visible text") and article.body.rstrip().endswith(DEEP_NOTE)


def test_deep_nesting_fails_in_no_mode_even_from_a_deep_call_stack() -> None:
    def nested(levels: int) -> object:
        return nested(levels - 1) if levels else parse_article(deep_multipart(MAX_DEPTH))

    limit = sys.getrecursionlimit()
    article = nested(limit - 120)  # the stdlib parser runs out of stack here: the fallback takes over
    assert "hello deep" in article.body or DEEP_NOTE in article.body or "could not be decoded" in article.body


@pytest.mark.parametrize("charset", HOSTILE_CHARSETS)
def test_hostile_charsets_in_mime_parts_and_parameters(charset: str) -> None:
    raw = (f"From: a@b\r\nSubject: =?{charset}?q?boom?=\r\nMessage-ID: <c@x>\r\nMIME-Version: 1.0\r\n"
           f'Content-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\n'
           f"Content-Type: text/plain; charset=\"{charset}\"; format=flowed\r\n\r\nbody \xff text\r\n--z\r\n"
           f"Content-Type: text/plain; charset*={charset}''x%FF\r\n"
           f"Content-Disposition: attachment; filename*={charset}''name%FF.txt\r\n\r\nattached\r\n--z--\r\n")
    article = parse_article(raw.encode("latin-1", "replace"))
    assert len(article.attachments) == 1 and isinstance(article.body, str)
    if text_codec(charset) is None:  # not usable: the text as sent
        assert article.header("Subject") == "boom" and "body" in article.body


def test_an_eight_bit_message_id_is_storable_text() -> None:
    article = parse_article(b"Message-ID: <caf\xe9@x>\r\nSubject: s\r\n\r\nbody\r\n")
    article.message_id.encode("utf-8")  # no lone surrogates: SQLite could not store it


def test_an_article_the_parser_cannot_read_is_shown_as_sent_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    import nntp.article as module

    def broken(raw: bytes) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(module, "parse_message", broken)
    article = parse_article(b"From: a@b\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nMessage-ID: <s@x>\r\n\r\nthe text\r\n", 7)
    assert (article.number, article.message_id, article.header("Subject")) == (7, "<s@x>", "caf\u00e9")
    assert article.body.startswith("[pith: this article could not be decoded (RecursionError); shown as sent]")
    assert "the text" in article.body


mime_header = st.sampled_from([b"Content-Type: multipart/mixed; boundary=b", b"Content-Type: message/rfc822",
                               b"Content-Type: text/plain; charset=idna", b"Content-Transfer-Encoding: base64",
                               b"Content-Type: text/plain; charset*=undefined''x", b"--b", b"--b--", b"",
                               b"Content-Disposition: attachment; filename*=a\x00b''x", b"Subject: =?zlib?q?x?="])


@SETTINGS
@given(st.one_of(st.binary(max_size=400), st.lists(st.one_of(mime_header, st.binary(max_size=20)), max_size=40)
                 .map(b"\r\n".join)))
def test_parse_article_never_raises(raw: bytes) -> None:
    article = parse_article(raw)
    assert isinstance(article.body, str) and isinstance(article.message_id, str)


# -- the CLI's JSON writer -----------------------------------------------------------------------
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text())
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)), max_leaves=30)


@SETTINGS
@given(json_values, st.sampled_from([None, 1, 2]), st.booleans(), st.sampled_from([0, 1, 100]))
def test_json_writer_is_json_dump_with_unsafe_characters_escaped(value: object, indent: int | None,
                                                               ascii_only: bool, fast_depth: int) -> None:
    text = dumps(value, indent=indent, ensure_ascii=ascii_only, fast_depth=fast_depth)
    assert text == safe(json.dumps(value, indent=indent, ensure_ascii=ascii_only))
    assert json.loads(text) == value
    assert not any(0x7F <= ord(c) <= 0x9F or c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
                   "\u2068\u2069" for c in text)


def test_json_writer_escapes_c1_and_bidi_even_without_ensure_ascii() -> None:
    assert dumps({"s": "a\x1b[2J\x9b31m\u202eevil\u2066caf\u00e9"}, indent=None) == (
        '{"s": "a\\u001b[2J\\u009b31m\\u202eevil\\u2066caf\u00e9"}')


def test_json_writer_streams_a_reply_chain_of_any_depth() -> None:
    root: dict[str, object] = {"number": 0, "children": []}
    node = root
    for n in range(1, 3000):
        child: dict[str, object] = {"number": n, "children": []}
        node["children"].append(child)  # type: ignore[attr-defined]
        node = child
    out = io.StringIO()
    write_json([root, {"number": -1, "children": []}], out)
    text = out.getvalue()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20000)
    try:
        assert json.loads(text) == [root, {"number": -1, "children": []}]
    finally:
        sys.setrecursionlimit(limit)
    with pytest.raises(RecursionError):
        json.dumps(root, indent=1)  # what the CLI used to call


def test_json_writer_rejects_what_json_rejects() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        dumps(loop, fast_depth=0)
    with pytest.raises(TypeError):
        dumps([object()], fast_depth=0)
    shared = {"a": 1}
    assert json.loads(dumps([shared, [shared]], fast_depth=0)) == [{"a": 1}, [{"a": 1}]]


def test_the_search_index_and_attachment_list_survive_hostile_charsets_and_nesting() -> None:
    from store.search import index_text
    from app.attachments import attachments

    for charset in HOSTILE_CHARSETS:
        raw = f'Content-Type: text/plain; charset="{charset}"\r\n\r\nhello \xff\r\n'.encode("latin-1", "replace")
        assert "hello" in index_text(raw) or text_codec(charset) is not None
    assert attachments(deep_multipart(1000)) == []
    odd = (b'Content-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nbody\r\n--z\r\n'
           b"Content-Disposition: attachment; filename*=undefined''a%FF.txt\r\n\r\ndata\r\n--z--\r\n")
    assert [a.data for a in attachments(odd)] == [b"data"]


def test_a_group_list_with_bytes_that_are_not_utf8_can_be_stored() -> None:
    from nntp.listing import active_groups
    from store.cache import Store

    lines = [b"caf\xe9.group 5 1 y".decode("utf-8", "surrogateescape"), "ok.group 5 1 y"]
    descriptions = {"ok.group": b"d\xe9j\xe0 vu".decode("utf-8", "surrogateescape")}
    groups = active_groups(lines, descriptions)
    assert [(g.name, g.description) for g in groups] == [("ok.group", "d\u00e9j\u00e0 vu")]
    Store(":memory:").group_table.save(groups)  # raised UnicodeEncodeError: `pith groups` exited 70


def test_a_folded_header_shows_its_fold_as_one_space() -> None:
    """vger folds Cc with a tab or eight spaces; the reader shows one line with single spaces."""
    raw = (b"From: a@example.org\nCc: <one@example.org>,\n        <two@example.org>,\n\t<three@example.org>\n"
           b"Message-ID: <fold@example.org>\nSubject: s\n\nbody\n")
    assert parse_article(raw, 1).header("Cc") == "<one@example.org>, <two@example.org>, <three@example.org>"
