"""The reader reads ahead (issue 16): once an article is shown, the next unread bodies are fetched on the
session thread, so the next one is in the store before n is pressed (no round trip when it is)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from tests.tui.conftest import SIZE, settle
from tests.tui.test_app_inn import inn, server_app  # noqa: F401 - the fixture
from tui.screens.article import ArticleScreen
from tui.widgets.thread_list import ThreadList

pytestmark = pytest.mark.integration


async def test_the_next_unread_body_is_stored_before_n(inn: Any, tmp_path: Path) -> None:  # noqa: F811
    group = "comp.graphics" if inn.corpus_loaded else sorted(inn.sample_groups)[0]
    app = server_app(ServerAddress(inn.host, inn.port), tmp_path / "store.sqlite3", start_group=group)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        while threads.current is not None and threads.current.article is None:
            await pilot.press("j")
        later = [row.article for row in threads.all_rows[threads.current_index + 1 :] if row.article is not None]
        assert len(later) >= 4

        def cached(message_id: str) -> bool:
            return bool(app.library.call(lambda lib: lib.store.body_store.has(message_id), local=True))

        assert not await asyncio.to_thread(cached, later[0].message_id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        for article in later[:4]:  # the session thread runs the read-ahead before this question
            assert await asyncio.to_thread(cached, article.message_id)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.number == later[0].number
