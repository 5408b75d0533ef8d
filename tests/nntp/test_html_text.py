"""HTML-only mail shown as text (nntp/html_text.py) and picked by parse_article when there is no
text/plain part; hostile HTML never raises and never recurses."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.article import parse_article
from nntp.html_text import MAX_INPUT, html_to_text

PAGE = """<html><head><title>T</title><style>p { color: red }</style>
<script>document.write("evil")</script></head><body>
<h1>Hello &amp; welcome</h1><p>First paragraph with <a href="https://example.org/x">a link</a>
and <b>bold</b>.<br>A new line&nbsp;here &lt;tag&gt; &#8364;</p>
<ul><li>one</li><li>two<ol><li>a</li><li>b</li></ol></li></ul>
<blockquote>quoted</blockquote><p>Mail <a href="mailto:me@example.org">me@example.org</a></p>
<pre>  code
    indented</pre></body></html>"""


def test_paragraphs_lists_breaks_links_and_entities() -> None:
    text = html_to_text(PAGE)
    assert text.startswith("Hello & welcome\n\nFirst paragraph with a link[1] and bold.\n")
    assert "A new line\xa0here <tag> €" in text
    assert "- one\n- two\n   1. a\n   2. b\n" in text
    assert "> quoted" in text and "Mail me@example.org\n" in text
    assert "  code\n    indented" in text
    assert text.rstrip().endswith("[1] https://example.org/x")


def test_scripts_styles_and_the_head_are_dropped() -> None:
    text = html_to_text(PAGE)
    assert "evil" not in text and "color" not in text and "T\n" not in text and "<" not in text.replace("<tag>", "")


def test_hostile_html_never_raises_nor_takes_long() -> None:
    started = time.monotonic()
    for hostile in ("<div>" * 100_000 + "x", "<ul>" * 5_000 + "<li>deep", "<a href='x'>" * 1000 + "<script>",
                    "<" * 50_000, "<!--" * 10_000, "&#99999999999;&#x110000;&bogus;", "<p" + " a=b" * 20_000,
                    "\x00\ud800<b>\x1b[31m</b>", "<svg><script>x</script></svg>after"):
        assert isinstance(html_to_text(hostile), str)
    assert time.monotonic() - started < 20
    deep = html_to_text("<ul>" * 5_000 + "<li>deep")
    assert len(deep) < 200 and deep.strip() == "- deep"


def test_a_huge_page_is_cut_with_a_note() -> None:
    text = html_to_text("<p>word</p>" * (MAX_INPUT // 10 + 10))
    assert "the rest is not shown" in text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"'&#;ab pulior-!x\n")), max_size=300))
def test_any_text_gives_text(html: str) -> None:
    assert isinstance(html_to_text(html), str)


def mail(content_type: str, body: str, extra: str = "") -> bytes:
    return (f"From: a@example.org\nSubject: s\nMessage-ID: <h@example.org>\nMIME-Version: 1.0\n"
            f"Content-Type: {content_type}\n{extra}\n{body}").encode()


def test_a_text_html_part_alone_reads_as_text() -> None:
    article = parse_article(mail("text/html; charset=utf-8", "<p>Hi <i>there</i></p><p>Bye</p>"))
    assert article.body.strip() == "Hi there\n\nBye"


def test_multipart_alternative_with_only_html_reads_as_text() -> None:
    body = ("--b\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
            "<p>Caf=E9 <a href=3D\"https://x.example/\">here</a></p>\n--b--\n")
    article = parse_article(mail('multipart/alternative; boundary="b"', body))
    assert "Café here[1]" in article.body and "[1] https://x.example/" in article.body
    assert "<p>" not in article.body


def test_text_plain_still_wins_over_html() -> None:
    body = ("--b\nContent-Type: text/plain\n\nplain words\n--b\nContent-Type: text/html\n\n<p>html words</p>\n"
            "--b--\n")
    article = parse_article(mail('multipart/alternative; boundary="b"', body))
    assert "plain words" in article.body and "html words" not in article.body
