"""The reader against the real INN2 server of the test harness (and against no server at all)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from nntp.client import NNTPClient, ServerAddress
from store.cache import Store
from store.library import Library
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.groups import GroupsScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.group_list import GroupList
from tui.widgets.thread_list import ThreadList


def server_app(address: ServerAddress, store: Path, **options: Any) -> PithApp:
    return PithApp(
        lambda: Library(Store(store), lambda: NNTPClient(address, timeout=10)),
        title=f"pith — {address.identity}",
        **options,
    )


@pytest.fixture
def inn(request: pytest.FixtureRequest) -> Any:
    """The session's INN2 server (tests/conftest.py); skipped where that fixture is missing."""
    try:
        return request.getfixturevalue("inn_server")
    except pytest.FixtureLookupError:
        pytest.skip("no inn_server fixture (tests/conftest.py)")


@pytest.mark.integration
async def test_groups_threads_article_on_inn(inn: Any, tmp_path: Path) -> None:
    address = ServerAddress(inn.host, inn.port)
    target = "comp.graphics" if inn.corpus_loaded else sorted(inn.sample_groups)[0]
    app = server_app(address, tmp_path / "store.sqlite3")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        groups = app.screen.query_one(GroupList)
        names = [g.name for g in groups.groups]
        assert target in names and set(inn.sample_groups) <= set(names)
        description = groups.groups[names.index(target)].description
        assert not description or description in screen_text(app)
        await pilot.press(*["j"] * names.index(target), "enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen) and app.screen.group == target
        threads = app.screen.query_one(ThreadList)
        assert threads.rows and f"{target}: " in screen_text(app)
        while threads.current is not None and threads.current.article is None:
            await pilot.press("j")
        article = threads.current.article  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        text = screen_text(app)
        assert f"Subject: {article.subject}"[:100] in text
        body_line = _first_body_line(address, target, article.number)
        assert body_line in app.screen.query_one(ArticleView).plain_lines
        assert body_line[:30] in text
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen) and threads.current.article == article  # type: ignore[union-attr]


def _first_body_line(address: ServerAddress, group: str, number: int) -> str:
    client = NNTPClient(address, timeout=10)
    try:
        body = client.article(group, number).body
    finally:
        client.close()
    return next(line.expandtabs(8) for line in body.splitlines() if line.strip())


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_server_shows_one_line(tmp_path: Path) -> None:
    address = ServerAddress("127.0.0.1", _closed_port())
    app = server_app(address, tmp_path / "store.sqlite3", start_group="comp.graphics")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        message = app.screen.status.message
        assert message.startswith(f"127.0.0.1:{address.port}: connection refused")
        assert "\n" not in message and "Traceback" not in screen_text(app)
        assert message in screen_text(app)
        await pilot.press("R")  # try again: same line, still running
        await settle(pilot)
        assert app.screen.status.message == message
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
