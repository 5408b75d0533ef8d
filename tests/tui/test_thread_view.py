"""The thread list through Pilot: folding threads, the three orders, n / p / N, and the status line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nntp.archive import ArchiveSource
from store.cache import Store
from store.library import Library
from tests.tui.conftest import SIZE, SNAPSHOT_MBOX, screen_text, settle
from tui.app import PithApp
from tui.screens.threads import ThreadsScreen
from tui.widgets.thread_list import ThreadList

MakeApp = Callable[..., PithApp]


def body_lines(app: PithApp) -> list[str]:
    return [line[2:].rstrip() for line in screen_text(app).splitlines()[1:10]]


async def test_collapse_and_expand_a_thread(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.press("j", "j", "left")  # fold from inside the thread: cursor goes to its root
        await pilot.pause()
        assert threads.cursor == 0 and len(threads.rows) == 5
        lines = body_lines(app)
        assert lines[0].startswith("[+4] Best way to thread news?")
        assert "Bob Builder" not in screen_text(app)
        await pilot.press("j")
        assert threads.current.article is None  # the next thread: the missing parent
        await pilot.press("minus")
        await pilot.pause()
        assert len(threads.rows) == 3 and body_lines(app)[1].startswith("[+2] [missing] Lost original")
        await pilot.press("k", "right")
        await pilot.pause()
        assert len(threads.rows) == 7 and threads.cursor == 0
        assert "Bob Builder" in screen_text(app)
        await pilot.press("plus")  # already open: nothing happens
        assert len(threads.rows) == 7


async def test_fold_all_toggles_and_opening_works_when_folded(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.press("asterisk")
        await pilot.pause()
        assert len(threads.rows) == 3  # two threads folded, the single article stays
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert "Subject: Cross-posted announcement" in screen_text(app)
        await pilot.press("q", "asterisk")
        await pilot.pause()
        assert len(threads.rows) == 9 and threads.current.article.subject == "Cross-posted announcement"


async def test_views_cycle_and_the_status_line_says_which(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ThreadsScreen)
        threads = screen.query_one(ThreadList)
        await pilot.press("j", "j")  # Carol
        assert "8 unread of 8 · threaded" in screen_text(app)
        await pilot.press("o")
        await settle(pilot)
        assert screen.view == "date" and "8 unread of 8 · flat by date" in screen_text(app)
        assert "flat by date" in screen.status.message
        assert len(threads.rows) == 8 and all(row.tree == "" for row in threads.rows)
        dates = [row.article.date for row in threads.rows]
        assert dates == sorted(dates)
        assert threads.current.article.author == '"Carol Q." <carol@example.com>'  # cursor kept
        await pilot.press("o")
        await settle(pilot)
        assert screen.view == "author" and "grouped by author" in screen_text(app)
        names = [line[:40].strip() for line in body_lines(app)[:8]]
        assert names[0] == "Best way to thread news?" and "Alice Example" in body_lines(app)[0]
        assert threads.current.article.author == '"Carol Q." <carol@example.com>'
        await pilot.press("home", "asterisk")  # fold by author: one row per poster
        await pilot.pause()
        assert len(threads.rows) == len({row.article.author for row in threads.all_rows})
        await pilot.press("o")
        await settle(pilot)
        assert screen.view == "digest" and "digest: the threads worth reading, and why" in screen_text(app)
        assert len(threads.rows) == 3 and all(row.depth == 0 for row in threads.rows)  # one row per thread
        await pilot.press("o")
        await settle(pilot)
        assert screen.view == "threaded" and len(threads.rows) == 9


async def test_n_p_N_on_the_thread_list(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.press("N")
        assert threads.current.article.subject == "Re: Lost original"  # skips the missing parent row
        await pilot.press("p")
        assert threads.cursor == 4 and threads.current.article is not None
        await pilot.press("n", "n", "n", "n")
        assert threads.cursor == 8
        assert app.screen.status.message == "no more unread articles"


async def test_status_line_shows_server_and_state(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    app = PithApp(lambda: Library(Store(store), lambda: ArchiveSource(SNAPSHOT_MBOX)),
                  title="pith test", server="news.example:119")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_text(app).splitlines()[-2].rstrip().endswith("2 groups  │  news.example:119  │  online")
        await pilot.press("j", "enter")  # caches the group's overviews
        await settle(pilot)
    offline = PithApp(lambda: Library(Store(store), None, offline=True), title="pith test", server="news.example:119")
    async with offline.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_text(offline).splitlines()[-2].rstrip().endswith("news.example:119  │  offline")
        await pilot.press("j", "enter")
        await settle(pilot)
        assert offline.screen.status.message.endswith("(offline: cached articles only)")
        assert screen_text(offline).splitlines()[-2].rstrip().endswith("│  offline")
