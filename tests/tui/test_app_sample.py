"""The reader driven through Pilot on an archive source: what the screen shows at each step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sample import SAMPLE_MBOX
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.groups import GroupsScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.group_list import GroupList
from tui.widgets.thread_list import ThreadList

MakeApp = Callable[..., PithApp]


async def test_group_list_shows_groups_and_counts(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        groups = app.screen.query_one(GroupList)
        assert [(g.name, g.count) for g in groups.groups] == [("pith.test.misc", 2), ("pith.test.tree", 8)]
        assert groups.cursor == 0
        lines = screen_text(app).splitlines()
        assert any(line.split() == ["2", "pith.test.misc", "2"] for line in lines)  # unread, name, count
        assert any(line.split() == ["8", "pith.test.tree", "8"] for line in lines)
        assert "2 groups" in screen_text(app)


async def test_enter_opens_threads_with_tree_lines(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        assert app.screen.group == "pith.test.tree"
        text = screen_text(app)
        marks = [line[:2] for line in text.splitlines()[1:10]]
        assert marks == ["N "] * 5 + ["  "] + ["N "] * 3  # every article unread; none on the missing parent
        lines = [line[2:] for line in text.splitlines()]  # after the read-mark column
        root = next(line for line in lines if line.startswith("Best way to thread news?"))
        assert "Alice Example" in root and "2024-01-01" in root and root.rstrip().endswith(" 7")
        # Bob's reply repeats the subject: tree only. Dave changed it: tree + new subject.
        assert any(line.startswith("├─> ") and "Bob Builder" in line for line in lines)
        assert any(line.startswith("│ ├─> ") and "Carol Q." in line for line in lines)
        assert any(line.startswith("│ └─>Threading by subject (was: Best way") for line in lines)
        assert any(line.startswith("└─> ") and "Erin" in line for line in lines)
        # Two replies to an expired article hang under a dummy row.
        assert "[missing] Lost original" in text  # titled from its replies (slrn, tin)
        assert any(line.startswith("├─>Re: Lost original") and "Frank" in line for line in lines)
        assert "pith.test.tree: 8 articles in 3 threads" in text
        threads = app.screen.query_one(ThreadList)
        assert threads.has_focus and threads.cursor == 0 and len(threads.rows) == 9


async def test_enter_shows_article_and_q_goes_back(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("j", "down", "j", "enter")  # Dave's article, the 4th row
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        text = screen_text(app)
        assert "From: Dave <dave@example.org>" in text
        assert "Subject: Threading by subject (was: Best way to thread news?)" in text
        assert "Newsgroups: pith.test.tree" in text
        assert "Subject threading is a fallback." in text
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen)
        assert app.screen.query_one(ThreadList).cursor == 3
        await pilot.press("k", "enter")
        await settle(pilot)
        assert "From: \"Carol Q.\" <carol@example.com>" in screen_text(app)
        await pilot.press("q", "q")
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)
        assert app.screen.query_one(GroupList).cursor == 1
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_click_moves_and_double_click_opens(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.click(ThreadList, offset=(10, 2))
        assert threads.cursor == 2
        await pilot.click(ThreadList, offset=(10, 3), times=2)
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "From: Dave <dave@example.org>" in screen_text(app)


async def test_article_quote_and_signature_lines(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree", start_article="<r1@example.net>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert "> what is the best way to thread a newsgroup?" in view.plain_lines
        assert "JWZ's algorithm, of course." in view.plain_lines
        assert view.has_focus


async def test_bad_start_group_shows_an_error(make_app: MakeApp) -> None:
    app = make_app(start_group="no.such.group")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert "no.such.group: no such group in this archive" in screen_text(app)
        assert app.screen.status.message == "no.such.group: no such group in this archive"
        await pilot.press("enter")  # and the reader still works
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen) and app.screen.group == "pith.test.misc"


async def test_start_article_by_number_puts_the_cursor_on_it(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree", start_article=4)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "From: Dave <dave@example.org>" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        threads = app.screen.query_one(ThreadList)
        assert threads.current is not None and threads.current.article.number == 4


async def test_missing_article_shows_an_error(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree", start_article=99)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "pith.test.tree: no article 99" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen)


async def test_enter_on_a_missing_parent_explains(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", "k", "k", "k", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        assert "that article is missing" in app.screen.status.message


async def test_markup_and_escapes_render_literally(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.misc")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Markup [red]x[/red] and escapes" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Subject: Markup [red]x[/red] and escapes" in text
        assert "This line has [red]x[/red] and [bold]not bold[/bold]." in text
        assert "Escape: ␛[31mred?␛[0m done." in text
        assert "\x1b" not in text


def _write_big_mbox(path: Path, threads: int, replies: int) -> Path:
    """``threads`` threads of ``replies`` chained replies each, in group big.group."""
    out = []
    for t in range(threads):
        for r in range(replies + 1):
            refs = " ".join(f"<{t}.{i}@big>" for i in range(r))
            out.append(
                f"From x@big Mon Jan  1 00:00:00 2024\nFrom: poster{r}@big\nNewsgroups: big.group\n"
                f"Subject: {'Re: ' if r else ''}thread {t}\nDate: Mon, 01 Jan 2024 {t % 24:02d}:{r % 60:02d}:00 +0000\n"
                f"Message-ID: <{t}.{r}@big>\n" + (f"References: {refs}\n" if refs else "") + f"\nbody {t}.{r}\n"
            )
    path.write_text("\n".join(out))
    return path


async def test_moving_and_paging(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(_write_big_mbox(tmp_path / "big.mbox", threads=100, replies=2), start_group="big.group")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        assert len(threads.rows) == 300
        page = threads.scrollable_content_region.height
        await pilot.press("j", "down", "j")
        assert threads.cursor == 3
        await pilot.press("k", "up")
        assert threads.cursor == 1
        await pilot.press("pagedown")
        assert threads.cursor == 1 + page
        await pilot.press("space")
        assert threads.cursor == 1 + 2 * page
        await pilot.press("pageup")
        assert threads.cursor == 1 + page
        await pilot.press("end")
        await pilot.pause()
        assert threads.cursor == 299
        assert screen_text(app).splitlines()[page][2:].startswith("  └─>")  # last row, on screen
        await pilot.press("home")
        await pilot.pause()
        assert threads.cursor == 0 and threads.scroll_y == 0
        assert screen_text(app).splitlines()[1][2:].startswith("thread 0")


async def test_deep_chain_elides_the_tree(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(_write_big_mbox(tmp_path / "deep.mbox", threads=1, replies=60), start_group="big.group")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.press("end")
        await pilot.pause()
        last = screen_text(app).splitlines()[threads.scrollable_content_region.height][2:]
        assert last.startswith("…") and "└─>" in last and "poster60@big" in last


async def test_space_pages_a_long_article(make_app: MakeApp, tmp_path: Path) -> None:
    body = "".join(f"line {n} of a long article\n" for n in range(1, 201))
    mbox = tmp_path / "long.mbox"
    mbox.write_text(
        "From x@long Mon Jan  1 00:00:00 2024\nFrom: Long Writer <x@long>\nNewsgroups: long.group\n"
        "Subject: A long one\nDate: Mon, 01 Jan 2024 00:00:00 +0000\nMessage-ID: <long@x>\n\n" + body
    )
    app = make_app(mbox, start_group="long.group", start_article=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        page = view.scrollable_content_region.height
        assert "line 1 of a long article" in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_y == page
        assert f"line {page - 5 + 1} of a long article" in screen_text(app)  # 5 header lines above
        await pilot.press("end")
        await pilot.pause()
        assert "line 200 of a long article" in screen_text(app)
        await pilot.press("b", "home")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen)


@pytest.mark.skipif(not SAMPLE_MBOX.exists(), reason="the built-in sample is not there yet")
async def test_the_builtin_sample(make_app: MakeApp) -> None:
    app = make_app(SAMPLE_MBOX)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        groups = app.screen.query_one(GroupList).groups
        assert groups and all(g.count > 0 for g in groups)
        await pilot.press("enter")
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        assert threads.rows and threads.rows[0].article is not None
        first_subject = threads.rows[0].article.subject
        assert first_subject[:40] in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert f"Subject: {first_subject}"[:60] in screen_text(app)
