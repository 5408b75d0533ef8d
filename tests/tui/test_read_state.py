"""Read marks in the reader, driven through Pilot on archive sources: marks on screen, n/p/N over
unread articles, u, c (y and n), only unread, the group list's counts and order, marks kept across
a restart, and the digest since the last visit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store.cache import Store
from store.newgroups import NewGroups
from store.readstate import ReadState
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.groups import GroupsScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.group_list import GroupList
from tui.widgets.thread_list import ThreadList

MakeApp = Callable[..., PithApp]
TREE = "pith.test.tree"


def marks(app: PithApp, rows: int = 9) -> list[str]:
    """The read-mark column of the first ``rows`` thread rows as drawn ("N" unread, "" read)."""
    return [line[:2].strip() for line in screen_text(app).splitlines()[1:1 + rows]]


def group_line(app: PithApp, name: str) -> list[str]:
    return next(line.split() for line in screen_text(app).splitlines() if f" {name} " in line)


def read_in_store(path: Path, group: str = TREE) -> str:
    store = Store(path)
    try:
        return ReadState(store.db).read(group).format()
    finally:
        store.close()


async def test_rows_show_unread_marks_and_reading_marks_read(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(start_group=TREE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert marks(app) == ["N"] * 5 + [""] + ["N"] * 3  # no mark on the missing parent
        assert "8 unread of 8 · threaded" in screen_text(app)
        await pilot.press("j", "enter")  # Bob's reply
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("q")
        await settle(pilot)
        assert marks(app)[:3] == ["N", "", "N"]
        assert "7 unread of 8 · threaded" in screen_text(app)
    assert read_in_store(tmp_path / "store.sqlite3") == "2"


async def test_n_and_p_skip_read_articles(make_app: MakeApp) -> None:
    app = make_app(start_group=TREE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.press("j", "u", "j", "u", "home")  # Bob and Carol read
        assert marks(app)[:4] == ["N", "", "", "N"]
        await pilot.press("n")
        assert threads.current.article.author == "Dave <dave@example.org>"  # type: ignore[union-attr]
        await pilot.press("p")
        assert threads.cursor == 0
        await pilot.press("p")
        assert threads.cursor == 0 and app.screen.status.message == "no previous unread article"
        await pilot.press("N")  # the next thread with unread articles, past the missing parent
        assert threads.current.article.subject == "Re: Lost original"  # type: ignore[union-attr]


async def test_reading_on_in_the_pager_skips_read_articles(make_app: MakeApp) -> None:
    app = make_app(start_group=TREE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "u", "home", "enter")  # Carol read; open Alice
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "From: bob@example.net (Bob Builder)" in screen_text(app)
        await pilot.press("n")  # not Carol: read already
        await settle(pilot)
        assert "From: Dave <dave@example.org>" in screen_text(app)
        await pilot.press("u")  # Dave unread again, in the pager
        await pilot.pause()
        assert app.screen.status.message == "article 4 marked unread"
        await pilot.press("q")
        await settle(pilot)
        assert marks(app)[:5] == ["", "", "", "N", "N"]


async def test_u_toggles_the_article_under_the_cursor(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(start_group=TREE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        assert app.screen.status.message == "article 1 marked read"
        assert marks(app)[0] == "" and "7 unread of 8" in screen_text(app)
        await pilot.press("u")
        assert app.screen.status.message == "article 1 marked unread"
        assert marks(app)[0] == "N" and "8 unread of 8" in screen_text(app)
        await pilot.press("end", "k", "k", "k", "u")  # the missing parent: nothing to mark
        assert app.screen.status.message == "no article here to mark"
    assert read_in_store(tmp_path / "store.sqlite3") == ""


async def test_catch_up_asks_first(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(start_group=TREE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Catch up {TREE}: mark all 8 unread articles read? (y/n)" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen) and app.screen.status.message == f"{TREE}: not caught up"
        assert marks(app) == ["N"] * 5 + [""] + ["N"] * 3
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen.status.message == f"{TREE}: caught up, 8 articles marked read"
        assert marks(app) == [""] * 9 and "0 unread of 8" in screen_text(app)
        await pilot.press("n")
        assert app.screen.status.message == "no more unread articles"
    assert read_in_store(tmp_path / "store.sqlite3") == "1-8"


async def test_only_unread_view(make_app: MakeApp) -> None:
    app = make_app(start_group=TREE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.press("u", "j", "u", "end", "k", "u", "k", "u")  # Alice, Bob, Frank, Grace read
        await pilot.press("l")
        await settle(pilot)
        subjects = [row.article.author.split()[0] if row.article else None for row in threads.rows]
        # Alice and Bob stay as the parents of unread replies; the Lost original thread is gone.
        assert subjects == ["Alice", "bob@example.net", '"Carol', "Dave", "Erin", "Ivan"]
        assert marks(app, 6) == ["", "", "N", "N", "N", "N"]
        assert "4 unread of 8 · threaded · only unread" in screen_text(app)
        assert app.screen.status.message.startswith("only unread: 2 threads with unread articles")
        await pilot.press("l")
        await settle(pilot)
        assert len(threads.rows) == 9 and app.screen.status.message.startswith("all articles")


async def test_group_list_counts_order_flags_and_catch_up(make_app: MakeApp, tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store(path)
    ReadState(store.db).subscribe(TREE)
    NewGroups(store.db).record({"old.group"}, ["old.group", "pith.test.misc"])
    store.close()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        groups = app.screen.query_one(GroupList)
        assert [g.name for g in groups.groups] == [TREE, "pith.test.misc"]  # subscribed first
        assert group_line(app, TREE) == ["8", TREE, "8"]
        assert group_line(app, "pith.test.misc") == ["NU", "2", "pith.test.misc", "2"]  # new, unsubscribed
        await pilot.press("enter")  # the tree group
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("q", "q")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert group_line(app, TREE) == ["7", TREE, "8"]
        await pilot.press("j", "enter", "q")  # entering misc makes it no longer new
        await settle(pilot)
        assert group_line(app, "pith.test.misc") == ["U", "2", "pith.test.misc", "2"]
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert group_line(app, "pith.test.misc")[1] == "2"
        await pilot.press("c")
        await pilot.pause()
        assert "Catch up pith.test.misc: mark all 2 unread articles read? (y/n)" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert group_line(app, "pith.test.misc") == ["U", "0", "pith.test.misc", "2"]
        assert app.screen.status.message == "pith.test.misc: caught up, 2 articles marked read"


async def test_group_list_filters_by_name(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        groups = app.screen.query_one(GroupList)
        await pilot.press("g", *"TREE")
        await pilot.pause()
        assert [g.name for g in groups.groups] == [TREE]
        assert "1 of 2 groups matching 'TREE'" in screen_text(app)
        await pilot.press("enter")  # keeps the filter, back to the list
        await pilot.pause()
        assert groups.has_focus and [g.name for g in groups.groups] == [TREE]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen) and app.screen.group == TREE
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert len(groups.groups) == 2 and "2 groups" in screen_text(app)


async def test_read_marks_survive_a_restart(make_app: MakeApp) -> None:
    app = make_app(start_group=TREE, start_article=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q", "end", "u")  # Ivan's cross-post read too
        await pilot.pause()
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert group_line(again, TREE) == ["6", TREE, "8"]
        await pilot.press("j", "enter")
        await settle(pilot)
        assert marks(again) == [""] + ["N"] * 4 + [""] + ["N"] * 2 + [""]


def _article(number: int, subject: str, refs: str = "") -> str:
    references = f"References: {refs}\n" if refs else ""
    return (f"From x@digest Mon Jan  1 00:00:00 2024\nFrom: poster{number}@digest\nNewsgroups: digest.group\n"
            f"Subject: {subject}\nDate: Mon, 01 Jan 2024 {number:02d}:00:00 +0000\n"
            f"Message-ID: <{number}@digest>\n{references}\nbody {number}\n")


async def test_digest_since_the_last_visit(make_app: MakeApp, tmp_path: Path) -> None:
    mbox = tmp_path / "digest.mbox"
    mbox.write_text("\n".join([_article(1, "old one"), _article(2, "old two"), _article(3, "old three")]))
    first = make_app(mbox, start_group="digest.group")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o", "o", "o")
        await settle(pilot)
        screen = first.screen
        assert isinstance(screen, ThreadsScreen) and screen.view == "digest"
        assert len(screen.thread_list.rows) == 3
        assert screen.status.message.endswith("digest: first visit, so all threads")
    with mbox.open("a") as out:
        out.write("\n" + _article(4, "Re: old two", "<2@digest>") + "\n" + _article(5, "brand new"))
    second = make_app(mbox, start_group="digest.group")
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o", "o", "o")
        await settle(pilot)
        screen = second.screen
        assert isinstance(screen, ThreadsScreen) and screen.view == "digest"
        subjects = sorted(row.article.subject for row in screen.thread_list.rows)  # type: ignore[union-attr]
        assert subjects == ["brand new", "old two"]
        assert "digest since your last visit" in screen.status.message
        assert screen.status.message.endswith("2 threads with new articles")
        assert "digest since your last visit" in screen_text(second)


async def test_marks_do_not_rebuild_rows(make_app: MakeApp, tmp_path: Path) -> None:
    """u, n and opening an article redraw marks lazily: the 3,000 rows are the same list after."""
    from tests.tui.test_app_sample import _write_big_mbox

    app = make_app(_write_big_mbox(tmp_path / "big.mbox", threads=1000, replies=2), start_group="big.group")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        rows = threads.all_rows
        await pilot.press("u", "n", "u", "n", "N")
        await settle(pilot)
        assert threads.all_rows is rows and threads.cursor == 3
        assert "2,998 unread of 3,000" in screen_text(app)


async def test_an_article_opened_from_search_is_marked_read(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(start_group=TREE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"announcement", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and "Cross-posted announcement" in screen_text(app)
    assert read_in_store(tmp_path / "store.sqlite3") == "8"


async def test_s_and_u_subscribe_and_unsubscribe_on_the_group_list(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        groups = app.screen.query_one(GroupList)
        await pilot.press("j", "s")  # the tree group moves to the top; the cursor stays on it
        await settle(pilot)
        assert [g.name for g in groups.groups] == [TREE, "pith.test.misc"] and groups.current.name == TREE  # type: ignore[union-attr]
        assert app.screen.status.message == f"subscribed to {TREE}"
        assert group_line(app, "pith.test.misc")[0] == "U"
        await pilot.press("u")
        await settle(pilot)
        assert [g.name for g in groups.groups] == ["pith.test.misc", TREE]
        assert app.screen.status.message == f"unsubscribed from {TREE}"
        await pilot.press("k", "s")
        await settle(pilot)
        assert [g.name for g in groups.groups] == ["pith.test.misc", TREE]
        await pilot.press("j", "s")  # both now: in .newsrc order, where the tree group came first
        await settle(pilot)
        assert [g.name for g in groups.groups] == [TREE, "pith.test.misc"]
    store = Store(tmp_path / "store.sqlite3")
    try:
        assert ReadState(store.db).subscribed() == [TREE, "pith.test.misc"]
    finally:
        store.close()


async def test_catch_up_from_the_pager(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(start_group=TREE, start_article=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("c")
        await pilot.pause()
        assert "mark all 7 unread articles read? (y/n)" in screen_text(app)  # the one shown is read already
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.status.message == f"{TREE}: caught up, 7 articles marked read"
        await pilot.press("n")
        assert app.screen.status.message == "no more unread articles"
    assert read_in_store(tmp_path / "store.sqlite3") == "1-8"
