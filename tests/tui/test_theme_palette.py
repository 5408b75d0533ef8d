"""The theme chosen with ctrl+t is remembered across runs (state dir, never config.toml), and the
command palette (ctrl+p) offers pith's commands, each running its key's action (issue 15)."""

from __future__ import annotations

from collections.abc import Callable

from store.config import Config
from store.paths import config_dir, state_dir
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.palette import available
from tui.screens.groups import GroupsScreen
from tui.theming import MEMORY_FILE

MakeApp = Callable[..., PithApp]


async def run_and_cycle(make_app: MakeApp, presses: int, config: Config | None = None) -> str:
    """Start the app, press ctrl+t ``presses`` times, quit; -> the theme it started with."""
    app = make_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        started = app.theme
        for _ in range(presses):
            await pilot.press("ctrl+t")
        await settle(pilot)
    return started


async def test_the_last_theme_is_remembered_at_the_next_start(make_app: MakeApp) -> None:
    assert await run_and_cycle(make_app, 1) == "dark"
    assert (state_dir() / MEMORY_FILE).exists()
    assert await run_and_cycle(make_app, 1) == "light"
    assert await run_and_cycle(make_app, 0) == "high-contrast"
    assert not (config_dir() / "config.toml").exists()


async def test_a_changed_config_theme_wins_over_the_memory(make_app: MakeApp) -> None:
    assert await run_and_cycle(make_app, 1, Config(theme="light")) == "light"
    assert await run_and_cycle(make_app, 0, Config(theme="light")) == "high-contrast"  # remembered
    assert await run_and_cycle(make_app, 0, Config(theme="dark")) == "dark"  # the config was edited


async def test_a_broken_memory_file_is_ignored(make_app: MakeApp) -> None:
    state_dir().mkdir(parents=True, exist_ok=True)
    (state_dir() / MEMORY_FILE).write_text("{not json")
    assert await run_and_cycle(make_app, 0) == "dark"
    (state_dir() / MEMORY_FILE).write_text('{"theme": "gone-theme", "config_theme": ""}')
    assert await run_and_cycle(make_app, 0) == "dark"


async def test_the_palette_lists_and_runs_pith_commands(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        titles = {command.title for command in available(app.screen)}
        assert {"Sync subscribed groups", "Post an article", "Search the store", "Outbox", "Next theme"} <= titles
        assert "Rules and their problems" not in titles  # a thread-list action
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sync subscribed")
        await settle(pilot)
        assert "Sync subscribed groups" in screen_text(app) and "(key: Y)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert app.screen.status.message.startswith("nothing to sync: no subscribed groups")


async def test_the_palette_offers_thread_list_commands_there(make_app: MakeApp) -> None:
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {command.title for command in available(app.screen)}
        assert {"Rules and their problems", "Statistics (stats)", "Suggest rules"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next theme")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "light"
