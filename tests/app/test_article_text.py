"""The pager's text rules, without a screen: quote levels, signature, spoilers, ROT13, raw view."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.article_text import SPOILER_CHAR, body_lines, header_lines, quote_depth, quote_role, raw_lines, rot13


def roles(lines: list) -> list[str]:
    return [line[0][1] for line in lines]


def plain(lines: list) -> list[str]:
    return ["".join(text for text, _ in line) for line in lines]


def test_rot13_known_text_and_non_letters() -> None:
    assert rot13("Hello, World! 123 ä") == "Uryyb, Jbeyq! 123 ä"


@given(st.text())
def test_rot13_is_its_own_inverse(text: str) -> None:
    assert rot13(rot13(text)) == text


def test_quote_depth_counts_nested_markers() -> None:
    assert [quote_depth(s) for s in ("plain", "> a", "> > b", ">> c", ">>> d", "> >> e", " > f", "")] == \
        [0, 1, 2, 2, 3, 3, 0, 0]
    assert [quote_role(n) for n in (1, 2, 3, 4, 5, 8, 9)] == \
        ["quote-1", "quote-2", "quote-3", "quote-4", "quote-1", "quote-4", "quote-1"]


def test_quotes_and_signature_get_their_roles() -> None:
    body = "Me:\n> one\n> > two\n>>> three\n>>>> four\n>>>>> five\nmine\n-- \n> sig quote\nname\n"
    lines, hidden = body_lines(body, "subject")
    assert roles(lines) == ["body", "quote-1", "quote-2", "quote-3", "quote-4", "quote-1", "body",
                            "signature", "signature", "signature"]
    assert not hidden


def test_form_feed_hides_the_rest_until_revealed() -> None:
    body = "Before.\n\n\u240c\nThe butler did it.\n"  # sanitized bodies carry U+240C for a form feed
    lines, hidden = body_lines(body, "[SPOILER] x", hint="press v to reveal")
    assert hidden and plain(lines) == ["Before.", "", "[spoiler hidden: press v to reveal]"]
    assert "butler" not in " ".join(plain(lines))
    lines, hidden = body_lines(body, "[SPOILER] x", reveal=True)
    assert not hidden and plain(lines)[-1] == "The butler did it."


def test_form_feed_inside_a_line_keeps_the_text_before_it() -> None:
    lines, hidden = body_lines("visible\fsecret\nmore secret\n", "no subject hint")
    assert hidden and plain(lines) == ["visible", "[spoiler hidden]"]


def test_spoiler_tags_hide_just_their_text_even_across_lines() -> None:
    lines, hidden = body_lines("It is [spoiler]Rosebud[/SPOILER], see.\n[spoiler]a\nb[/spoiler] c\n", "s")
    assert hidden
    assert plain(lines) == [f"It is {SPOILER_CHAR * 7}, see.", SPOILER_CHAR, f"{SPOILER_CHAR} c"]
    lines, hidden = body_lines("It is [spoiler]Rosebud[/spoiler], see.\n", "s", reveal=True)
    assert not hidden and plain(lines) == ["It is [spoiler]Rosebud[/spoiler], see."]


def test_a_spoiler_subject_without_marks_hides_the_whole_body() -> None:
    lines, hidden = body_lines("The ship sinks.\n", "Spoiler: the film's ending")
    assert hidden and plain(lines) == ["[spoiler hidden]"]
    lines, hidden = body_lines("The ship sinks.\n", "Spoilers ahead", reveal=True)
    assert plain(lines) == ["The ship sinks."]
    _, hidden = body_lines("The ship sinks.\n", "Unspoilerish words")
    assert not hidden


def test_rot13_applies_to_shown_text_not_to_markers() -> None:
    lines, _ = body_lines("> Uryyb\nfoo [spoiler]bar[/spoiler]\n", "s", rot=True, reveal=True)
    assert plain(lines) == ["> Hello", "sbb [spoiler]one[/spoiler]"]
    assert roles(lines)[0] == "quote-1"


def test_tabs_are_expanded() -> None:
    lines, _ = body_lines("a\tb\n", "s")
    assert plain(lines) == ["a       b"]


def test_header_lines_and_attachments() -> None:
    headers = (("From", "A <a@b>"), ("X-Other", "x"), ("subject", "Hi"), ("Date", "d"))
    lines = header_lines(headers, ["tiny.png (image/png, 48 B)"])
    assert plain(lines) == ["From: A <a@b>", "Subject: Hi", "Date: d", "Attachment 1: tiny.png (image/png, 48 B)"]
    assert lines[1][1][1] == "subject" and lines[3][1][1] == "attachment"


def test_raw_lines_are_sanitized_and_decoded() -> None:
    raw = b"Subject: \x1b]0;pwned\x07\r\n\r\nbody \x1b[2J \xe2\x80\xae rtl\r\nlatin \xe9\r\n"
    text = "\n".join(plain(raw_lines(raw)))
    for bad in ("\x1b", "\x07", "\u202e", "\r"):
        assert bad not in text
    assert "␛]0;pwned␇" in text and "<U+202E>" in text and "latin é" in text


def test_answer_headers_are_shown_by_default_and_the_list_is_configurable() -> None:
    headers = (("From", "A <a@b>"), ("Followup-To", "poster"), ("Reply-To", "r@b"), ("CC", "c@b"),
               ("Organization", "Org"), ("X-Face", "xx"))
    assert plain(header_lines(headers, [])) == ["From: A <a@b>", "Followup-To: poster", "Reply-To: r@b",
                                                "Cc: c@b", "Organization: Org"]
    assert plain(header_lines(headers, [], ("X-Face", "from", "FROM"))) == ["X-Face: xx", "from: A <a@b>"]
