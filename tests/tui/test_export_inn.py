"""Pipe and save against the real INN2: what reaches the command or the mbox is the server's own bytes."""

from __future__ import annotations

import mailbox
import uuid
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from nntp.article import parse_article
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from store import export
from tests.integration.test_pi_export import server_bytes
from tests.tui.conftest import SIZE, settle
from tests.tui.test_app_inn import inn, server_app  # noqa: F401 - inn is a fixture
from tui.screens.article import ArticleScreen
from tui.screens.prompt import PromptScreen
from tui.screens.threads import ThreadsScreen

pytestmark = pytest.mark.integration


def _patch(group: str, message_id: str, subject: str, body: bytes, references: str = "") -> bytes:
    refs = f"References: {references}\r\n" if references else ""
    head = (f"From: Patch Sender <patch@example.org>\r\nNewsgroups: {group}\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\n{refs}Content-Type: text/plain; charset=iso-8859-1\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n").encode("ascii")
    return head + body


async def _answer(pilot: Any, text: str) -> None:
    assert isinstance(pilot.app.screen, PromptScreen)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


async def test_pipe_and_save_give_the_servers_bytes(inn: Any, tmp_path: Path) -> None:  # noqa: F811
    group, tag = "local.test", uuid.uuid4().hex
    ids = [f"<export.{tag}.{i}@pith.invalid>" for i in range(2)]
    address = ServerAddress(inn.host, inn.port)
    poster = NNTPClient(address, timeout=10)
    try:
        poster.post(_patch(group, ids[0], f"[PATCH] media: fix {tag}",
                           b"Caf\xe9 na\xefve\r\nFrom here on\r\n\r\n--- a/f\r\n+++ b/f\r\n@@ -1 +1 @@\r\n-x\r\n+y\r\n"))
        poster.post(_patch(group, ids[1], f"Re: [PATCH] {tag}", b"Acked-by: J\xf6rg\r\n", ids[0]))
    finally:
        poster.close()
    expected = [server_bytes(inn.host, inn.port, message_id) for message_id in ids]
    piped, thread_box, saved = tmp_path / "piped", tmp_path / "thread.mbox", tmp_path / "saved.mbox"
    app = server_app(address, tmp_path / "store.sqlite3", start_group=group, start_article=ids[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("|")
        await _answer(pilot, f"cat > {piped}")
        assert piped.read_bytes() == expected[0]
        await pilot.press("w")
        await _answer(pilot, str(saved))
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        await pilot.press("backslash")
        await _answer(pilot, f"cat > {thread_box}")
    box = mailbox.mbox(str(thread_box))
    assert [str(m["Message-ID"]) for m in box] == ids
    assert thread_box.read_bytes() == export.to_mboxrd(parse_article(raw) for raw in expected)
    assert saved.read_bytes() == export.mbox_entry(parse_article(expected[0]))
    assert b"\n>From here on\n" in saved.read_bytes() and b"Caf\xe9 na\xefve" in saved.read_bytes()
