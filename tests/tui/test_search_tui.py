"""``/``: full-text search from the reader, driven through Pilot on the snapshot archive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store.cache import Store
from store.readstate import ReadState
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.prompt import PromptScreen
from tui.screens.search import Query, SearchScreen, parse_query
from tui.screens.threads import ThreadsScreen
from tui.widgets.hit_list import HitList

MakeApp = Callable[..., PithApp]


def test_inline_filters_are_taken_out_of_the_words() -> None:
    assert parse_query("jpeg  from:bob@x", "comp.graphics") == Query("jpeg", "comp.graphics", "bob@x")
    assert parse_query('"a phrase" group:*', "comp.graphics") == Query('"a phrase"', None, None)
    assert parse_query("group:sci.space moon", None) == Query("moon", "sci.space", None)
    assert parse_query("re:thing", None) == Query("re:thing", None, None)


async def test_search_in_the_group_then_everywhere_then_open_a_hit(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen) and "Search in pith.test.tree" in screen_text(app)
        await pilot.press(*"announcement", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        hits = app.screen.query_one(HitList).hits
        assert [(h.group, h.subject) for h in hits] == [("pith.test.tree", "Cross-posted announcement")]
        assert "1 hit for announcement in pith.test.tree" in app.screen.status.message
        assert "Ivan" in screen_text(app) and "Cross-posted announcement" in screen_text(app)
        await pilot.press("slash")  # a new search starts from the same scope; group:* widens it
        await pilot.pause()
        await pilot.press(*"announcement group:*", "enter")
        await settle(pilot)
        hits = app.screen.query_one(HitList).hits
        assert sorted(h.group for h in hits) == ["pith.test.misc", "pith.test.tree"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and "Cross-posted announcement" in screen_text(app)
        await pilot.press("q", "q", "q")
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen)


async def test_nothing_found_says_so_and_bad_syntax_is_a_message(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"xylophone", "enter")
        await settle(pilot)
        assert "nothing cached matches xylophone in pith.test.tree" in app.screen.status.message
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*'"unclosed', "enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)  # an FTS syntax problem is a line, not a traceback
        assert "Traceback" not in screen_text(app)



def _row(app: PithApp, subject: str) -> str:
    """The thread row showing ``subject``, as drawn."""
    return next(line for line in screen_text(app).splitlines() if subject in line)


async def test_an_article_read_from_search_shows_read_in_the_open_thread_list(make_app: MakeApp,
                                                                               tmp_path: Path) -> None:
    """Issue #6: the pager opened from `/` marks read through the open thread list of its group, so
    going back there shows the row without its N and the counts one lower, as reading it there would."""
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _row(app, "Cross-posted announcement")[:2].strip() == "N"
        assert "8 unread of 8" in screen_text(app)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"announcement", "enter")
        await settle(pilot)
        number = app.screen.query_one(HitList).hits[0].number
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and "Cross-posted announcement" in screen_text(app)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        assert _row(app, "Cross-posted announcement")[:2].strip() == ""
        assert "7 unread of 8" in screen_text(app)
    store = Store(tmp_path / "store.sqlite3")
    try:
        assert ReadState(store.db).read("pith.test.tree").format() == str(number)
    finally:
        store.close()
