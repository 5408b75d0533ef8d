"""The TUI's sync screen against the real INN2: subscribed groups, unread bodies, offline afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from store.cache import Store
from store.library import Library
from store.readstate import ReadState
from tests.tui.conftest import SIZE, screen_text, settle
from tests.tui.test_app_inn import inn, server_app  # noqa: F401  (the fixture)
from tui.screens.groups import GroupsScreen
from tui.screens.sync import SyncScreen

pytestmark = pytest.mark.integration


def subscribe(store: Path, groups: list[str], read: dict[str, list[int]]) -> None:
    library = Library(Store(store), None, offline=True)
    try:
        state = ReadState(library.store.db)
        for group in groups:
            state.subscribe(group)
        for group, numbers in read.items():
            state.mark_read(group, numbers)
    finally:
        library.close()


async def test_sync_fetches_subscribed_groups_and_unread_bodies_then_reads_offline(inn: Any, tmp_path: Path) -> None:
    address = ServerAddress(inn.host, inn.port)
    store = tmp_path / "store.sqlite3"
    groups = sorted(inn.sample_groups)[:2]
    client = NNTPClient(address, timeout=10)
    try:
        first = client.select_group(groups[0])
    finally:
        client.close()
    subscribe(store, groups, {groups[0]: [first.low]})
    app = server_app(address, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(SyncScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen) and screen.finished
        text = screen_text(app)
        assert "synced 2 of 2 group(s)" in text
        assert [r.group for r in screen.results] == groups
        for result in screen.results:
            assert result.overviews > 0 and f"{result.group}: {result.overviews:,} new overview(s)" in text
        assert screen.results[0].bodies == screen.results[0].overviews - 1  # the read one waits
        await pilot.press("q")
        assert not isinstance(app.screen, SyncScreen)
    offline = Library(Store(store), None, offline=True)
    try:
        for group in groups:
            newest = max(o.number for o in offline.store.overview_store.all(group))
            assert offline.article(group, newest).body  # cached by the sync: no server needed
    finally:
        offline.close()


async def test_stopping_a_sync_keeps_what_arrived(inn: Any, tmp_path: Path) -> None:
    address = ServerAddress(inn.host, inn.port)
    store = tmp_path / "store.sqlite3"
    groups = sorted(inn.sample_groups)
    subscribe(store, groups, {})
    app = server_app(address, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = SyncScreen()
        screen._cancel.set()  # as if Escape came before the first batch
        app.push_screen(screen)
        await settle(pilot)
        assert screen.finished and "stopped after 0 of" in screen_text(app)
        await pilot.press("q")
        app.push_screen(again := SyncScreen(bodies=False))
        await settle(pilot)
        assert again.finished and f"synced {len(groups)} of {len(groups)}" in screen_text(app)


async def test_y_on_the_group_list_syncs_the_subscribed_groups(inn: Any, tmp_path: Path) -> None:
    address = ServerAddress(inn.host, inn.port)
    store = tmp_path / "store.sqlite3"
    group = sorted(inn.sample_groups)[0]
    subscribe(store, [group], {})
    app = server_app(address, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        await pilot.press("Y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen) and screen.finished
        assert [r.group for r in screen.results] == [group]
        text = screen_text(app)
        result = screen.results[0]
        assert result.overviews > 0 and f"{group}: {result.overviews:,} new overview(s)" in text
        assert "synced 1 of 1 group(s)" in text and "q goes back" in text
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)


async def test_y_with_nothing_subscribed_says_so_on_the_status_line(inn: Any, tmp_path: Path) -> None:
    app = server_app(ServerAddress(inn.host, inn.port), tmp_path / "store.sqlite3")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("Y")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert "nothing to sync: no subscribed groups (s subscribes" in screen_text(app)
