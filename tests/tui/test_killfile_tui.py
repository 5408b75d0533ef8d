"""Scores in the thread list, and the killfile actions and screens, driven through Pilot."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from killfile import actions
from store.paths import config_dir
from tests.tui.conftest import SIZE, screen_text, settle
from textual.widgets import Input

from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.explain import ExplainScreen
from tui.screens.rules import RulesScreen
from tui.screens.stats import StatsScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.thread_list import ThreadList

MakeApp = Callable[..., PithApp]
RULES = """
[[rule]]
name = "no bob"
score = -1500
all = [{ header = "From", contains = "bob@" }]

[[rule]]
name = "threading fans"
score = 20
tags = ["threads"]
all = [{ header = "Subject", contains = "thread" }]

[[rule]]
name = "broken"
score = 1
all = [{ header = "Subject", regex = "(" }]
"""


def write_rules(text: str = RULES) -> Path:
    os.makedirs(config_dir(), exist_ok=True)
    path = config_dir() / "score.toml"
    path.write_text(text)
    return path


def subjects(app: PithApp) -> list[str]:
    return [line[2:].rstrip() for line in screen_text(app).splitlines()[1:12]]


async def test_scores_tags_hidden_rows_and_problems(make_app: MakeApp) -> None:
    write_rules()
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        text = screen_text(app)
        assert "Bob Builder" not in text  # hidden (score -1500): folded away
        lines = subjects(app)
        assert lines[0].startswith("[threads] Best way to thread news?") and "+20" in lines[0]
        assert any(line.lstrip("│ ").startswith("… 1 hidden") for line in lines)
        assert "rule problem(s): R lists them" in app.screen.status.message
        assert any("broken" in p or "score.toml" in p for p in app.problems)
        hidden_at = next(i for i, row in enumerate(threads.rows) if row.message_id.startswith("\x00hidden:"))
        threads.cursor = hidden_at
        await pilot.press("right")
        await settle(pilot)
        assert "Bob Builder" in screen_text(app)
        assert "… 1 hidden" not in screen_text(app)
        await pilot.press("H")  # show hidden everywhere, then fold them again
        await settle(pilot)
        assert app.screen.filter.show_hidden and "showing hidden" in screen_text(app)


async def test_kill_thread_writes_a_rule_and_undo_takes_it_back(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        assert len(threads.rows) == 9
        await pilot.press("j", "K")  # on Bob's reply: the whole thread goes
        await settle(pilot)
        stored, _ = actions.load_actions(config_dir() / actions.ACTIONS)
        assert [(a.kind, a.message_id) for a in stored] == [("thread-kill", "<root1@example.org>")]
        assert "wrote #1 thread-kill <root1@example.org> (undo: U)" in app.screen.status.message
        assert "Best way to thread news?" not in screen_text(app) and len(threads.rows) == 4
        await pilot.press("U")
        await settle(pilot)
        assert actions.load_actions(config_dir() / actions.ACTIONS)[0] == []
        assert app.screen.status.message.startswith("undone: #1 thread-kill")
        assert len(threads.rows) == 9


async def test_subthread_plonk_boost_and_cap(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.press("j", "ctrl+k")  # Bob's reply and what is below it
        await settle(pilot)
        assert [row.article.author.split()[0] for row in threads.rows[:2]] == ["Alice", "Erin"]
        await pilot.press("home", "A")  # plonk Alice: the root becomes a placeholder
        await settle(pilot)
        assert threads.rows[0].article is None and subjects(app)[0].startswith("[hidden article]")
        await pilot.press("j", "B")  # boost Erin
        await settle(pilot)
        stored, _ = actions.load_actions(config_dir() / actions.ACTIONS)
        assert [a.kind for a in stored] == ["thread-kill", "plonk", "boost"]
        assert stored[0].subthread and stored[1].address == "alice@example.org"
        assert "+100" in screen_text(app)
        erin = threads.current
        assert erin is not None and erin.article is not None and erin.article.author.startswith("Erin")
        await pilot.press("C")  # cap Erin: a bad answer is refused with the reason, then 0 per thread
        await pilot.pause()
        assert "Cap erin@example.org in pith.test.tree" in screen_text(app)
        app.screen.query_one(Input).value = "3 per fortnight"
        await pilot.press("enter")
        await settle(pilot)
        assert "not a cap: '3 per fortnight'" in app.screen.status.message
        await pilot.press("C")
        await pilot.pause()
        app.screen.query_one(Input).value = "0/thread"
        await pilot.press("enter")
        await settle(pilot)
        stored, _ = actions.load_actions(config_dir() / actions.ACTIONS)
        assert (stored[-1].kind, stored[-1].address, stored[-1].limit, stored[-1].per, stored[-1].group) == (
            "author-cap", "erin@example.org", 0, "thread", "pith.test.tree")
        assert "wrote #4 author-cap erin@example.org 0 per thread (undo: U)" in app.screen.status.message
        assert all(row.article is None or not row.article.author.startswith("Erin") for row in threads.rows)


async def test_tag_thread_and_tag_filter(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        await pilot.press("j", "T")
        await pilot.pause()
        await pilot.press(*"later", "enter")
        await settle(pilot)
        stored, _ = actions.load_actions(config_dir() / actions.ACTIONS)
        assert [(a.kind, a.tag, a.message_id) for a in stored] == [("thread-tag", "later", "<root1@example.org>")]
        assert subjects(app)[0].startswith("[later] Best way")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"+later", "enter")
        await settle(pilot)
        assert len(threads.rows) == 5 and "+later" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"-later", "enter")  # the prompt starts with "+later": now "+later-later"
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("ctrl+u", *"-later", "enter")
        await settle(pilot)
        assert len(threads.rows) == 4 and "Best way" not in screen_text(app)


async def test_explain_rules_and_statistics_screens(make_app: MakeApp) -> None:
    write_rules()
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        text = screen_text(app)
        assert "<root1@example.org>" in text and "threading fans" in text and "  score.toml:7" in text
        assert "final score: high" in text
        await pilot.press("q")
        threads = app.screen.query_one(ThreadList)
        threads.cursor = next(i for i, row in enumerate(threads.rows) if row.message_id.startswith("\x00hidden:"))
        await pilot.press("e")  # the "N hidden" row: why each is hidden
        await pilot.pause()
        assert "no bob" in screen_text(app) and "final score: hidden" in screen_text(app)
        await pilot.press("q", "R")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen)
        text = screen_text(app)
        assert "Problems (1)" in text and "no bob" in text and "threading fans" in text
        await pilot.press("q", "S")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "2024-01" in text and "Top posters by articles" in text and "Alice Example" in text
        body = app.screen.query_one("#stats-body").render().plain  # type: ignore[union-attr]
        assert "Articles hidden or killed, by rule and cap\n  no bob" in body  # it hid Bob's article
        assert "Top posters by bytes" in body and "Threads by size" in body
        await pilot.press("q")
        assert isinstance(app.screen, ThreadsScreen)


async def test_pager_kills_explains_and_tags_through_its_thread_list(make_app: MakeApp) -> None:
    write_rules()
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the root of "Best way to thread news?"
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and "Best way to thread news?" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen) and "threading fans" in screen_text(app)
        await pilot.press("q", "T")
        await pilot.pause()
        await pilot.press(*"later", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("K")  # kill the thread being read: back to the list, the thread gone
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        stored, _ = actions.load_actions(config_dir() / actions.ACTIONS)
        assert [(a.kind, a.message_id) for a in stored] == [("thread-tag", "<root1@example.org>"),
                                                            ("thread-kill", "<root1@example.org>")]
        assert "Best way to thread news?" not in screen_text(app)
