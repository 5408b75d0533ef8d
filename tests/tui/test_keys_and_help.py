"""Key bindings: ids everywhere, [keys] from config.toml, features not built yet, the help screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.binding import Binding

from store.config import Config
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.keymap import check_keymap, known_ids, live_bindings, sections
from tui.screens.article import ArticleScreen
from tui.screens.groups import GroupsScreen
from tui.screens.help import HelpScreen
from tui.screens.save import SaveScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.thread_list import ThreadList

MakeApp = Callable[..., PithApp]
SLRN_DEFAULTS = {
    "page-down": "space", "next-unread": "n", "previous-unread": "p", "cursor-down": "j", "cursor-up": "k",
    "next-unread-thread": "N", "catch-up": "c", "mark-unread": "u", "kill-thread": "K", "plonk-author": "A",
    "tag-article": "T", "explain": "e", "search": "slash", "followup": "f", "reply": "r", "post": "P",
    "back": "q", "help": "question_mark",
}


def test_every_binding_has_a_kebab_case_id_and_a_description() -> None:
    app = PithApp(lambda: None, title="t")  # type: ignore[arg-type,return-value]
    classes = [cls for _title, group in sections(app) for cls in group] + [HelpScreen, SaveScreen]
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding)
            assert binding.id and binding.id == binding.id.lower() and " " not in binding.id, binding
            assert binding.description, binding


def test_slrn_tin_defaults_are_all_bound() -> None:
    app = PithApp(lambda: None, title="t")  # type: ignore[arg-type,return-value]
    keys = {(b.binding_id, k) for _t, entries in live_bindings(app) for b in entries for k in b.keys}
    shown = {"slash": "/", "question_mark": "?"}
    for binding_id, key in SLRN_DEFAULTS.items():
        assert (binding_id, shown.get(key, key)) in keys, binding_id


def test_unknown_ids_are_reported_with_the_nearest_one() -> None:
    known = {"next-unread", "kill-thread", "help"}
    valid, problems = check_keymap({"next-unred": "tab", "kill-thread": "k", "zzz": "z"}, known)
    assert valid == {"kill-thread": "k"}
    assert problems == ["config: keys.next-unred: no binding has this id (did you mean 'next-unread'?)",
                        "config: keys.zzz: no binding has this id"]


async def test_config_keys_rebind_and_show_in_footer_and_help(make_app: MakeApp) -> None:
    config = Config(keys={"next-unread": "tab", "cycle-view": "V", "collapse-thread": "z", "nxt-unread": "x"})
    app = make_app(start_group="pith.test.tree", config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.problems == ["config: keys.nxt-unread: no binding has this id (did you mean 'next-unread'?)"]
        threads = app.screen.query_one(ThreadList)
        await pilot.press("n")  # no longer bound
        assert threads.cursor == 0
        await pilot.press("tab")
        assert threads.cursor == 1
        footer = screen_text(app).splitlines()[-1]
        assert "tab Next" in footer and "V View" in footer and "z Collapse" in footer
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        listed = app.screen.help_text().plain  # the whole help, also what is below the first screen
        assert any(line.split() == ["tab", "Next", "unread", "next-unread"] for line in listed.splitlines())
        assert "Thread list (this screen)" in text
        await pilot.press("end")
        await pilot.pause()
        assert "keys.nxt-unread: no binding has this id" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen)


async def test_problems_show_on_the_group_list(make_app: MakeApp) -> None:
    app = make_app(config=Config(keys={"hepl": "h"}, theme="drak"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "dark"
        assert app.problems == [
            "config: ui.theme: no theme called 'drak' (did you mean 'dark'?); using 'dark'",
            "config: keys.hepl: no binding has this id (did you mean 'help'?)",
        ]
        assert app.screen.status.message == f"2 problems (? lists them): {app.problems[0]}"
        assert "2 problems (? lists them): config: ui.theme: no theme called 'drak'" in screen_text(app)


async def test_help_lists_every_screen_with_this_one_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("#help-text").render().plain  # type: ignore[union-attr]
        headings = [line for line in text.splitlines() if line and not line.startswith(" ")]
        assert headings[:4] == ["Everywhere", "Group list (this screen)", "Thread list", "Article"]
        for line in ("  ?", "Help", "help", "K", "Kill thread", "kill-thread", "^t"):
            assert line in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)


async def test_compose_keys_open_the_composer_from_the_pager(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """f, F, r and P were placeholders once; each now opens the composer (Escape comes back)."""
    from tui.screens.compose import ComposeScreen

    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(start_group="pith.test.tree", start_article=1, postable=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        for key, kind in (("f", "news"), ("r", "mail"), ("P", "news"), ("F", "news")):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ComposeScreen) and app.screen.kind == kind, key
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert not any("not available yet" in n.message for n in app._notifications)


def test_known_ids_cover_the_screens() -> None:
    app = PithApp(lambda: None, title="t")  # type: ignore[arg-type,return-value]
    ids = known_ids(app)
    assert {"help", "back", "quit", "refresh-groups", "toggle-rot13", "save-attachments", "collapse-thread",
            "cycle-view", "cycle-theme", "line-down", "cursor-down", "sync-groups"} <= ids


async def test_help_in_the_composer(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #6: in the composer's text fields ? is typed; F1 (shown in the footer there) opens help
    on the composer's live bindings, and ? does too once no text field has the focus."""
    from textual.widgets import Input, TextArea

    from tui.screens.compose import ComposeScreen

    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(start_group="pith.test.tree", postable=True,
                   config=Config(keys={"compose-send": "ctrl+s,ctrl+x"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ComposeScreen)
        await pilot.press(*"why?", "tab", *"Is it?")
        await pilot.pause()
        assert app.screen is composer
        assert composer.query_one("#field-subject", Input).value == "why?"
        assert composer.query_one(TextArea).text.startswith("Is it?")
        footer = screen_text(app).splitlines()[-1]
        assert "f1 Help" in footer and "? Help" not in footer
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Composer (this screen)" in text and "compose-send" in text and "^s, ^x" in text
        assert any(line.split()[:3] == ["?,", "f1", "Help"] for line in text.splitlines())
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is composer and composer.query_one(TextArea).text.startswith("Is it?")
        composer.set_focus(None)  # no text field: ? is help again
        await pilot.pause()
        assert "? Help" in screen_text(app).splitlines()[-1]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "Composer (this screen)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is composer
        assert composer.query_one("#field-subject", Input).value == "why?"
