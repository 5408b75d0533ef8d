"""The reader against the real INN2: an article written in the composer carries a Cancel-Lock, and
D (then y) in its pager withdraws it from the server (docancels: require-auth)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from store.outbox import Outbox
from tests.tui.conftest import SIZE, settle
from tests.tui.test_app_inn import inn, server_app  # noqa: F401  (inn is a fixture)
from tui.screens.article import ArticleScreen
from tui.screens.compose import ComposeScreen
from tui.screens.confirm import ConfirmScreen

GROUP = "local.test"


@pytest.fixture(autouse=True)
def me(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EMAIL", "Tess Ter <tess@example.org>")


def held(inn: Any, message_id: str) -> bool:
    conn = NNTPClient(ServerAddress(inn.host, inn.port), timeout=10)
    try:
        return conn.has_article(message_id)
    finally:
        conn.close()


@pytest.mark.integration
async def test_d_withdraws_what_the_composer_posted(inn: Any, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    app = server_app(ServerAddress(inn.host, inn.port), store, start_group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press(*f"regret {uuid.uuid4().hex[:8]}", "tab", *"Said too much.", "ctrl+s")
        await settle(pilot)
        posted = Outbox(sqlite3.connect(store)).entries()[-1]
        assert posted.state == "sent" and posted.header("Cancel-Lock").startswith("sha256:")
        assert held(inn, posted.message_id)
    app = server_app(ServerAddress(inn.host, inn.port), store, start_group=GROUP,
                     start_article=posted.message_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.status.message == f"cancel of {posted.message_id} sent: the server withdraws it"
    for _ in range(50):
        if not held(inn, posted.message_id):
            break
        time.sleep(0.1)
    assert not held(inn, posted.message_id)
