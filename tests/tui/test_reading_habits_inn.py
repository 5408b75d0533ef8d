"""slrn and tin habits against the real INN2 (issue 15): a plonk marks the author's articles read."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from store.cache import Store
from store.readstate import ReadState
from tests.integration.test_killed_read_inn import post_by
from tests.tui.conftest import SIZE, settle
from tests.tui.test_app_inn import inn, server_app  # noqa: F401 - inn is a fixture
from tui.screens.article import ArticleScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.thread_list import ThreadList

pytestmark = pytest.mark.integration


def unread(screen: ThreadsScreen) -> int:
    found = re.match(r"([\d,]+) unread", screen.status.counts)
    assert found, screen.status.counts
    return int(found.group(1).replace(",", ""))


async def test_plonk_drops_the_unread_count_by_the_authors_articles(inn: Any, tmp_path: Path) -> None:  # noqa: F811
    tag, group = uuid.uuid4().hex[:12], "local.test"
    plonked = f"plonk-{tag}@example.org"
    address = ServerAddress(inn.host, inn.port)
    ids = post_by(address, group, [plonked, f"other-{tag}@example.org", plonked, plonked], tag)
    app = server_app(address, tmp_path / "store.sqlite3", start_group=group)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ThreadsScreen)
        threads = screen.query_one(ThreadList)
        before = unread(screen)
        threads.cursor = next(i for i, row in enumerate(threads.rows) if row.message_id == ids[0])
        await pilot.press("A")
        await settle(pilot)
        assert unread(screen) == before - 3
        assert screen.marks is not None and screen.marks.unread == before - 3
        assert threads.current is not None and threads.current.message_id == ids[1]  # the next row


async def test_n_at_the_end_of_a_group_enters_the_next_subscribed_group_with_unread(inn: Any, tmp_path: Path) -> None:  # noqa: F811
    tag, other = uuid.uuid4().hex[:12], sorted(inn.sample_groups)[0]
    address = ServerAddress(inn.host, inn.port)
    post_by(address, other, [f"next-{tag}@example.org"], tag + "g")
    post_by(address, "local.test", [f"end-{tag}@example.org"], tag + "t")
    client = NNTPClient(address, timeout=10)
    try:
        high = client.select_group("local.test").high
    finally:
        client.close()
    store = Store(tmp_path / "store.sqlite3")
    state = ReadState(store.db)
    state.subscribe("local.test")
    state.subscribe(other)
    state.mark_through("local.test", high - 1)  # only the article just posted is left
    store.close()
    app = server_app(address, tmp_path / "store.sqlite3", start_group="local.test", start_article=high)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("n")  # no unread article left here: on to the other group
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ThreadsScreen) and screen.group == other
        names = [type(s).__name__ for s in app.screen_stack]
        assert names[-2:] == ["GroupsScreen", "ThreadsScreen"] and "ArticleScreen" not in names
        await pilot.press("c", "y")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert screen.status.message == "no more unread articles in any subscribed group"
