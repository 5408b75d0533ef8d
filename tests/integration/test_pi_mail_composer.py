"""The reader on a real public-inbox mirror (lore's software): P and f open a mail composer
addressed to the list, f with the author in Cc and threaded; the mail goes to sendmail."""

from __future__ import annotations

import asyncio
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from store.cache import Store
from store.config import Config, MailConfig
from store.library import Library
from tests.tui.conftest import SIZE, settle
from tui.app import PithApp
from tui.screens.compose import ComposeScreen
from tui.screens.threads import ThreadsScreen

pytestmark = pytest.mark.integration
ME = "Tess Ter <tess@example.org>"


@pytest.fixture(autouse=True)
def me(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EMAIL", ME)


def fields(app: PithApp) -> dict[str, str]:
    assert isinstance(app.screen, ComposeScreen)
    return {name: app.screen.query_one(f"#field-{name.lower()}", Input).value for name in app.screen.fields}


def test_p_and_f_on_public_inbox_write_to_the_list(pi_server: Any, tmp_path: Path) -> None:
    asyncio.run(p_and_f(pi_server, tmp_path))  # tests/tui's async hook does not reach this folder


async def p_and_f(pi_server: Any, tmp_path: Path) -> None:
    address = ServerAddress(pi_server.host, pi_server.port)
    sent = tmp_path / "sent.eml"
    config = Config(mail=MailConfig(sendmail=f"sh -c 'cat > {sent}'"))
    app = PithApp(lambda: Library(Store(tmp_path / "store.sqlite3"), lambda: NNTPClient(address, timeout=10)),
                  title="pith test", config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, rounds=200)
        assert isinstance(app.screen, ThreadsScreen) and app.screen.group == pi_server.group
        await pilot.press("P")
        await settle(pilot)
        assert fields(app)["To"] == pi_server.list_address and app.screen.kind == "mail"
        assert f"this goes by mail to the list {pi_server.list_address}" in app.screen.status.message
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")  # the first row may stand for a parent the archive lacks
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot, rounds=200)
        headers = fields(app)
        parent_id = app.screen.extra["In-Reply-To"]
        assert headers["To"] == pi_server.list_address and "@" in headers["Cc"]
        assert headers["Subject"].startswith("Re: ") and app.screen.extra["References"].endswith(parent_id)
        await pilot.press(*"Tested-by: Tess")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "handed to sendmail" in app.screen.status.message
    mail = message_from_bytes(sent.read_bytes(), policy=default)
    assert mail["To"] == pi_server.list_address and mail["Cc"] == headers["Cc"]
    assert mail["In-Reply-To"] == parent_id and "Newsgroups" not in mail and "Tested-by: Tess" in mail.get_content()
