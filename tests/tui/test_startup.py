"""Start-up: the reader imports and asks for what its first screen needs, the rest when it is used.

Launch to list is timed in bench/launch.py (a 1,000-article group beside a Textual
hello-world); these tests hold the structure that makes it short, without clocks.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import subprocess
import time
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.widgets import Footer, ProgressBar

import main
from store.config import Config
from app.backend import LibraryHandle
from nntp.errors import PithError
from store.library import Library
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.screens.groups import GroupsScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.footer import PithFooter
from tui.widgets.group_list import GroupList

MakeApp = Callable[..., PithApp]
REPO = Path(__file__).resolve().parents[2]

LAUNCH = """
import asyncio, sys, tempfile
from pathlib import Path
from tests.tui.conftest import SNAPSHOT_MBOX, archive_library, settle
from tui.app import PithApp

app = PithApp(archive_library(SNAPSHOT_MBOX, Path(tempfile.mkdtemp()) / "store.sqlite3"), title="t",
              start_group="pith.test.tree")

async def launch():
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.loaded

asyncio.run(launch())
print(" ".join(sys.modules))
"""

LATER = ("tui.palette", "tui.screens.compose", "tui.screens.outbox", "tui.screens.search", "nntp.html_text",
         "tui.screens.article", "app.posting", "store.control", "tui.screens.help", "tui.screens.prompt",
         "tui.screens.confirm")
"""Modules a reader entering a group never needs before the list: ctrl+p's commands, the composer,
the outbox, search, HTML-to-text (html.parser) for HTML-only mail, the pager, what writing needs, and
the help, question and yes/no screens."""

SERVER_READER = """
import sys, main
import cli.context
from tui.app import PithApp
from tui.screens.groups import GroupsScreen
from tui.screens.threads import ThreadsScreen
print(" ".join(sys.modules))
"""

CONNECTED = ("nntp.article", "email.message", "email.parser", "nntp.client", "nntp.compose", "nntp.connect",
             "nntplib", "nntp.resilient")
"""What a reader of a server imports only once it connects (the client, the connection's TLS, AUTHINFO and
nntplib, ~15 ms) or reads an article (the email package, ~10 ms): a warm launch shows the cached list before
either."""


def modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=True)
    return set(done.stdout.split())


def test_entering_a_start_group_imports_no_screen_it_does_not_show() -> None:
    imported = modules_after(LAUNCH)
    assert "tui.screens.threads" in imported  # the launch did reach the list
    assert not imported & set(LATER)


def test_the_reader_of_a_server_starts_without_the_client_and_the_email_package() -> None:
    imported = modules_after(SERVER_READER)
    assert "tui.screens.threads" in imported and "store.library" in imported
    assert not imported & set(CONNECTED)


SELDOM = ("zoneinfo", "tomli_w", "shlex", "hashlib")
"""What only some rules and actions need (a cap's time zone, writing an action, piping, rules on Body):
~4 ms of imports no launch waits for."""


def test_the_reader_starts_without_what_only_some_rules_and_actions_need() -> None:
    imported = modules_after(SERVER_READER)
    assert "killfile.session" in imported and "app.pipe" in imported
    assert not imported & set(SELDOM)


def test_parsing_a_reader_command_line_looks_up_no_version() -> None:
    """The package metadata (importlib.metadata, ~20 ms) only for --version."""
    imported = modules_after("import sys, main\nmain.build_parser(['read', 'g']).parse_args(['read', 'g'])\n"
                             "print(' '.join(sys.modules))")
    assert "nntp.version" not in imported


def note_calls(monkeypatch: pytest.MonkeyPatch, owner: type, name: str, events: list[str], label: str) -> None:
    """Append ``label`` to ``events`` each time ``owner.name`` is called (a coroutine method stays one),
    then call it as it was."""
    original = getattr(owner, name)
    if inspect.iscoroutinefunction(original):
        async def noted_async(*args: Any, **kwargs: Any) -> Any:
            events.append(label)
            return await original(*args, **kwargs)

        monkeypatch.setattr(owner, name, noted_async)
        return

    def noted(*args: Any, **kwargs: Any) -> Any:
        events.append(label)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, noted)


def note_list_drawn(app: Any, events: list[str]) -> None:
    """Append "list drawn" to ``events`` when a frame of the loaded thread list is first written out."""
    display = app._display

    def drawn(screen: Any, update: Any) -> None:
        display(screen, update)
        if isinstance(screen, ThreadsScreen) and screen.loaded and "list drawn" not in events:
            events.append("list drawn")

    app._display = drawn


async def test_a_start_group_is_entered_before_the_group_list_asks_the_source(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The group list under a start group's threads asks for the groups (a LIST on a server) once the
    group is in, not at launch, where the session thread would serve it before the group's entry."""
    calls: list[str] = []
    groups, enter_group = Library.groups, Library.enter_group

    def counted_groups(library: Library, refresh: bool = True) -> Any:
        calls.append("refresh groups" if refresh else "cached groups")
        return groups(library, refresh)

    def counted_enter(library: Library, *args: Any, **kwargs: Any) -> Any:
        calls.append("enter group")
        return enter_group(library, *args, **kwargs)

    monkeypatch.setattr(Library, "groups", counted_groups)
    monkeypatch.setattr(Library, "enter_group", counted_enter)
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen) and app.screen.loaded
        assert calls.index("enter group") < calls.index("refresh groups")  # for n at the group's end
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert calls.count("refresh groups") == 1
        assert "pith.test.tree" in [group.name for group in app.screen.group_list.groups]


async def test_a_launch_builds_the_footer_keys_once_and_only_on_the_screen_shown(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's footer rebuilds its keys on every bindings refresh (each focus change asks twice), also
    under another screen: 7 rebuilds at a launch into a group. The keys are built when they would differ
    from those shown, on a screen that is shown; the group list's come when q goes back to it."""
    rebuilt: list[str] = []
    recompose = Footer.recompose

    async def counted(footer: Footer) -> None:
        rebuilt.append(type(footer.screen).__name__)
        await recompose(footer)

    monkeypatch.setattr(Footer, "recompose", counted)
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen) and app.screen.loaded
        assert rebuilt == ["ThreadsScreen"]  # the group list under it: not drawn, not built
        assert "q Back" in screen_text(app).splitlines()[-1]
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert "q Quit" in screen_text(app).splitlines()[-1] and rebuilt == ["ThreadsScreen", "GroupsScreen"]


class _ReaderStub:
    """What main.run_tui runs: says whether garbage is collected before and after its first frame."""

    def __init__(self, on_first_frame: Callable[[], None], seen: list[bool]) -> None:
        self.on_first_frame, self.seen = on_first_frame, seen

    def run(self) -> None:
        self.seen.append(gc.isenabled())
        self.on_first_frame()
        self.seen.append(gc.isenabled())


def test_garbage_is_collected_again_from_the_readers_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The modules and screens a launch makes are not walked over and over by the collector (~50 ms of a
    1,000-article launch): collection waits for the first frame, then leaves what start-up made aside."""
    seen: list[bool] = []
    monkeypatch.setattr(main, "_reader_app", lambda args, on_first_frame: _ReaderStub(on_first_frame, seen))
    frozen = gc.get_freeze_count()
    try:
        assert main.run_tui(argparse.Namespace()) == 0
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
    assert seen == [False, True] and gc.isenabled()


def test_a_reader_that_fails_to_start_collects_garbage_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(args: argparse.Namespace, on_first_frame: Callable[[], None]) -> None:
        assert not gc.isenabled()
        raise PithError("no server given")

    monkeypatch.setattr(main, "_reader_app", refused)
    with pytest.raises(PithError):
        main.run_tui(argparse.Namespace())
    assert gc.isenabled() and gc.get_freeze_count() == 0


async def test_the_app_says_when_its_first_frame_is_drawn(make_app: MakeApp) -> None:
    frames: list[int] = []
    app = make_app(start_group="pith.test.tree", on_first_frame=lambda: frames.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert frames == [1]


async def test_the_group_list_under_a_start_group_is_asked_for_once_its_threads_are_drawn(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its answer makes a notice that looks up live keys (~30 ms): not before the list a launch waits for."""
    events: list[str] = []
    note_calls(monkeypatch, GroupsScreen, "load_deferred", events, "groups")
    app = make_app(start_group="pith.test.tree")
    note_list_drawn(app, events)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "groups" in events and events.index("list drawn") < events.index("groups")


async def test_the_store_is_opened_while_textual_builds_the_first_screens(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The session thread opens the Library (SQLite's open and schema check) from the app's load on, not
    when the first screen's worker first asks; it is opened once."""
    events: list[str] = []
    note_calls(monkeypatch, LibraryHandle, "send", events, "library asked")
    note_calls(monkeypatch, ThreadsScreen, "compose", events, "threads composed")
    app = make_app(start_group="pith.test.tree")
    opened: list[Library] = []
    open_library = app.library._open
    app.library._open = lambda: opened.append(open_library()) or opened[-1]  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.loaded
    assert events[:2] == ["library asked", "threads composed"] and len(opened) == 1


async def test_a_store_that_cannot_be_opened_is_reported_by_the_first_screen(
        tmp_path: Path) -> None:
    def refused() -> Library:
        raise PithError("store: cannot open it")

    app = PithApp(refused, title="t")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "store: cannot open it" in screen_text(app)


async def test_a_footer_whose_screen_went_meanwhile_is_not_rebuilt() -> None:
    """A start group that fails at once dismisses its screen before the footer's rebuild (queued for after
    a refresh) runs: that rebuild finds no screen and does nothing (it raised NoScreen)."""
    footer = PithFooter()
    footer._bindings_ready = True
    await footer.recompose()


@pytest.mark.parametrize("theme", ["dark", "light"])
async def test_the_stylesheet_is_parsed_once_in_the_theme_chosen(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, theme: str) -> None:
    """Setting the theme before the app runs queued a second parse of the whole stylesheet (7-13 ms of a
    launch); the theme's classes and colours are those it had then."""
    parses: list[str] = []
    note_calls(monkeypatch, Stylesheet, "reparse", parses, "reparse")
    app = make_app(start_group="pith.test.tree", config=Config(theme=theme))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.loaded and app.theme == theme and parses == []
        dark = app.current_theme.dark
        assert {f"-theme-{theme}", "-dark-mode" if dark else "-light-mode"} <= app.classes
        assert ("-light-mode" if dark else "-dark-mode") not in app.classes
        assert app.stylesheet._variables["background"] == app.current_theme.to_color_system().generate()["background"]
        await pilot.press("ctrl+t")  # a change of theme once running parses again, as Textual does
        await settle(pilot)
        assert parses and app.theme != theme


async def test_the_group_list_under_a_start_group_builds_its_widgets_once_the_group_is_drawn(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mounting and styling the group list's widgets under a start group's threads (~15 ms) waits for the
    threads' list on screen; q then finds them built, with the groups listed and the list focused."""
    events: list[str] = []
    note_calls(monkeypatch, GroupList, "__init__", events, "group list made")
    app = make_app(start_group="pith.test.tree")
    note_list_drawn(app, events)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert events == ["list drawn", "group list made"]
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen) and isinstance(app.focused, GroupList)
        assert "pith.test.tree" in [group.name for group in app.screen.group_list.groups]
        assert "pith.test.tree" in screen_text(app)


async def test_a_launch_into_a_cached_group_mounts_no_progress_bar(make_app: MakeApp) -> None:
    """Nothing is fetched, so nothing to show progress of: the bar's four widgets, its timers and its
    indeterminate animation (~15 ms of a launch) are not made; a fetch mounts it (test_concurrency.py)."""
    async with make_app(start_group="pith.test.tree").run_test(size=SIZE) as pilot:
        await settle(pilot)  # the group is cached now
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen) and app.screen.loaded
        assert not app.screen.query(ProgressBar)


async def test_the_thread_lists_footer_keys_come_after_the_list_a_launch_waits_for(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its ~10 key widgets (mounted, styled, drawn: ~15 ms) do not compete with the list being made."""
    events: list[str] = []
    note_calls(monkeypatch, Footer, "recompose", events, "footer built")
    app = make_app(start_group="pith.test.tree")
    note_list_drawn(app, events)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert events[:2] == ["list drawn", "footer built"]
        assert "q Back" in screen_text(app).splitlines()[-1]


async def test_a_group_still_loading_shows_its_footer_keys_soon_after_its_first_rows(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    async with make_app(start_group="pith.test.tree").run_test(size=SIZE) as pilot:
        await settle(pilot)  # cached: the next launch has a first screen while the rest loads
    live = Library._live

    def slow(library: Library, *args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)
        return live(library, *args, **kwargs)

    monkeypatch.setattr(Library, "_live", slow)
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.01)
            if isinstance(app.screen, ThreadsScreen) and app.screen.provisional:
                break
        assert app.screen.provisional and "q Back" not in screen_text(app).splitlines()[-1]
        await pilot.pause(ThreadsScreen.FOOTER_WAIT + 0.2)
        assert not app.screen.loaded and "q Back" in screen_text(app).splitlines()[-1]
        await settle(pilot)
        assert app.screen.loaded
