"""The article pager through Pilot: quote levels, signature, spoilers, ROT13, raw view, attachments,
moving on with n / p / N / space, and the sample's hostile and exotic articles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sample import SAMPLE_MBOX
from tests.tui.conftest import PAGER_MBOX, SIZE, screen_text, settle
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.save import SaveScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.thread_list import ThreadList

MakeApp = Callable[..., PithApp]
HOSTILE = ("\x1b", "\x07", "\x9b", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)))


def view_of(app: PithApp) -> ArticleView:
    return app.screen.query_one(ArticleView)


def line_style(view: ArticleView, starts: str) -> str:
    """The colour of the first displayed line starting with ``starts``."""
    line = next(text for text in view._source if text.plain.startswith(starts))
    return str(line.spans[0].style.color.name if line.spans else None)


async def test_quote_levels_and_signature_are_styled(make_app: MakeApp) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article="<quotes@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = view_of(app)
        text = screen_text(app)
        assert "Zoë wrote:" in text  # quoted-printable UTF-8
        colours = {role: view.get_component_rich_style(f"article-view--{role}").color
                   for role in ("quote-1", "quote-2", "quote-3", "quote-4", "signature")}
        assert len({colours[f"quote-{n}"] for n in range(1, 5)}) == 4
        source = {line.plain: line for line in view._source}
        for line, role in ((">> second level, tight", "quote-2"), (">>> third level", "quote-3"),
                           ("> > second level, spaced", "quote-2"), (">>>> fourth level", "quote-4"),
                           (">>>>> fifth level cycles to the first colour", "quote-1"),
                           ("Quinn, dimmed", "signature")):
            assert source[line].spans[0].style.color == colours[role], line
        assert view.get_component_rich_style("article-view--signature").dim
        assert not source["Zoë wrote:"].spans or source["Zoë wrote:"].spans[0].style.color is None


async def test_inline_spoiler_is_hidden_until_revealed(make_app: MakeApp) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article="<quotes@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Rosebud" not in screen_text(app)
        assert "The answer is ▒▒▒▒▒▒▒, of course." in screen_text(app)
        assert "spoiler hidden" in app.screen.status.counts
        await pilot.press("v")
        await pilot.pause()
        assert "The answer is [spoiler]Rosebud[/spoiler], of course." in screen_text(app)
        await pilot.press("v")
        await pilot.pause()
        assert "Rosebud" not in screen_text(app)


async def test_form_feed_spoiler_in_the_sample(make_app: MakeApp) -> None:
    app = make_app(SAMPLE_MBOX, start_group="sample.misc", start_article="<spoiler.sample@pith.invalid>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Spoiler below: a reader should stop at the form feed and ask." in text
        assert "[spoiler hidden: press v to reveal]" in text and "butler" not in text
        await pilot.press("v")
        await pilot.pause()
        assert "The butler did it." in screen_text(app)


async def test_spoiler_subject_hides_the_body(make_app: MakeApp) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article="<spoiled@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "ship sinks" not in screen_text(app) and "[spoiler hidden" in screen_text(app)
        await pilot.press("v")
        await pilot.pause()
        assert "The ship sinks at the end." in screen_text(app)


async def test_rot13_toggles(make_app: MakeApp) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article="<quotes@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Guvf yvar vf ebg13." in screen_text(app)
        await pilot.press("X")
        await pilot.pause()
        text = screen_text(app)
        assert "This line is rot13." in text and "Subject: Re: Quote levels" in text  # headers stay
        assert "ROT13" in app.screen.status.counts
        await pilot.press("X")
        await pilot.pause()
        assert "Guvf yvar vf ebg13." in screen_text(app)


async def test_raw_view_shows_the_article_as_it_came(make_app: MakeApp) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article="<quotes@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await pilot.pause()
        text = screen_text(app)
        assert "Content-Transfer-Encoding: quoted-printable" in text and "Zo=C3=AB wrote:" in text
        assert "raw" in app.screen.status.counts
        await pilot.press("H")
        await pilot.pause()
        assert "Zoë wrote:" in screen_text(app) and "Zo=C3=AB" not in screen_text(app)


async def test_attachments_are_listed_and_saved(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article="<mime@example.org>")
    target = tmp_path / "saved"
    target.mkdir()
    (target / "tiny.png").write_bytes(b"already here")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Attachment 1: tiny.png (image/png, 48 B)" in text
        assert "Attachment 2: passwd (application/octet-stream, 13 B)" in text
        assert "Pictures from Köln attached." in text and "= one equals sign, and a soft line break." in text
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        assert "Save 2 attachments: tiny.png, passwd" in screen_text(app)
        app.screen.query_one("#save-directory").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert (target / "tiny.png").read_bytes() == b"already here"  # never overwritten
        assert (target / "tiny-1.png").read_bytes().startswith(b"\x89PNG")
        assert (target / "passwd").read_bytes() == b"\x00\x01binary\xffdata"
        saved = f"saved {target / 'tiny-1.png'}, {target / 'passwd'}"
        assert app.screen.status.message == saved and saved[:40] in screen_text(app)
        assert any(n.message == saved for n in app._notifications)


async def test_save_can_be_cancelled_and_needs_attachments(make_app: MakeApp) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article="<mime@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and "saved" not in screen_text(app)
        await pilot.press("p")  # to the quote article: no attachments
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.status.message == "this article has no attachments"


async def test_n_p_and_space_move_through_articles(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree", start_article=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "From: Alice Example" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert "From: bob@example.net (Bob Builder)" in screen_text(app)
        await pilot.press("n", "p")  # Alice and Bob are read now: p has nowhere to go
        await settle(pilot)
        assert 'From: "Carol Q."' in screen_text(app)
        assert app.screen.status.message == "no previous unread article"
        await pilot.press("space")  # short article: already at its end, so on to the next unread
        await settle(pilot)
        assert "From: Dave <dave@example.org>" in screen_text(app)
        await pilot.press("N")  # next thread skips the rest of this one and the missing parent
        await settle(pilot)
        assert "Subject: Re: Lost original" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        threads = app.screen.query_one(ThreadList)
        assert isinstance(app.screen, ThreadsScreen)
        assert threads.current is not None and threads.current.article.subject == "Re: Lost original"


async def test_n_at_the_last_article_says_so(make_app: MakeApp) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article=3)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", "n")
        await settle(pilot)
        assert app.screen.status.message == "no more unread articles"
        await pilot.press("space")
        await settle(pilot)
        assert app.screen.status.message == "end of the last unread article"


@pytest.mark.parametrize(("message_id", "expected"), [
    ("<latin1-body.sample@pith.invalid>", "Grüße aus Köln! This body is ISO-8859-1"),
    ("<koi8r-subject.sample@pith.invalid>", "Subject: Привет из Москвы (KOI8-R subject)"),
    ("<iso2022jp.sample@pith.invalid>", "これは ISO-2022-JP の本文です。"),
    ("<format-flowed.sample@pith.invalid>", "the lines of this paragraph end in a space, so a reader"),
])
async def test_sample_charsets_and_flowed_text(make_app: MakeApp, message_id: str, expected: str) -> None:
    app = make_app(SAMPLE_MBOX, start_group="sample.misc", start_article=message_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert expected in screen_text(app)


async def test_sample_escapes_and_bidi_never_reach_the_screen(make_app: MakeApp) -> None:
    app = make_app(SAMPLE_MBOX, start_group="sample.misc", start_article="<ansi-osc-bidi.sample@pith.invalid>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for keys in ((), ("X",), ("X", "H")):  # normal, ROT13 and raw views
            await pilot.press(*keys)
            await pilot.pause()
            text = screen_text(app)
            svg = app.export_screenshot()
            assert not [c for c in HOSTILE if c in text or c in svg], keys
        await pilot.press("H")
        await pilot.pause()
        text = screen_text(app)
        assert "␛]0;pwned␇If the terminal title" in text
        assert "invoice_<U+202E>fdp.exe<U+202C>" in text
        assert "<9B>31mred?<9B>0m" in text
