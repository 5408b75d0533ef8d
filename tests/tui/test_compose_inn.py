"""Posting from the TUI to the real INN2 of the test harness: a new article, a follow-up whose
References name its parent, and an article queued while the server is down, sent from the outbox."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from store.cache import Store
from store.library import Library
from store.outbox import Drafts, Outbox
from tests.fakes.proxy import RewritingProxy
from tests.tui.conftest import SIZE, screen_text, settle
from tests.tui.test_app_inn import _closed_port, inn, server_app  # noqa: F401  (inn is a fixture)
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.compose import ComposeScreen
from tui.screens.groups import GroupsScreen
from tui.screens.outbox import OutboxScreen
from tui.screens.threads import ThreadsScreen
from tui.widgets.group_list import GroupList
from tui.widgets.thread_list import ThreadList

GROUP = "local.test"


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EMAIL", "Tess Ter <tess@example.org>")


def client(inn: Any) -> NNTPClient:
    return NNTPClient(ServerAddress(inn.host, inn.port), timeout=10)


def high_water(inn: Any) -> tuple[int, int]:
    conn = client(inn)
    try:
        info = conn.select_group(GROUP)
        return info.count, info.high
    finally:
        conn.close()


def fetch(inn: Any, key: str) -> Any:
    conn = client(inn)
    try:
        return conn.article(GROUP, key)
    finally:
        conn.close()


def outbox(store: Path) -> Outbox:
    return Outbox(sqlite3.connect(store))


@pytest.mark.integration
async def test_new_post_reaches_the_server(inn: Any, tmp_path: Path) -> None:
    subject = f"pith composer {uuid.uuid4().hex[:8]}"
    before = high_water(inn)
    store = tmp_path / "store.sqlite3"
    app = server_app(ServerAddress(inn.host, inn.port), store, start_group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one("#field-newsgroups", Input).value == GROUP
        await pilot.press(*subject, "tab", *"Posted by a Pilot.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        entry = outbox(store).entries()[-1]
        assert entry.state == "sent", entry.reply
        assert f"posted to {GROUP}: {entry.message_id}" in screen_text(app)
    after = high_water(inn)
    assert after[1] > before[1]
    posted = fetch(inn, entry.message_id)
    assert posted.header("Subject") == subject and "Posted by a Pilot." in posted.body
    assert posted.header("From") == "Tess Ter <tess@example.org>"


@pytest.mark.integration
async def test_followup_threads_under_its_parent(inn: Any, tmp_path: Path) -> None:
    parent_id = f"<parent.{uuid.uuid4().hex}@pith.invalid>"
    conn = client(inn)
    try:
        conn.post(f"From: Ann <ann@example.org>\r\nNewsgroups: {GROUP}\r\nSubject: Question for pith\r\n"
                  f"Message-ID: {parent_id}\r\nReferences: <grand@pith.invalid>\r\n\r\n"
                  "Which reader threads best?\r\n-- \r\nAnn\r\n".encode())
    finally:
        conn.close()
    store = tmp_path / "store.sqlite3"
    app = server_app(ServerAddress(inn.host, inn.port), store, start_group=GROUP, start_article=parent_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert "Ann wrote:" in screen_text(app) and "> Which reader threads best?" in screen_text(app)
        await pilot.press(*"This one.", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
    entry = outbox(store).entries()[-1]
    assert entry.state == "sent", entry.reply
    reply = fetch(inn, entry.message_id)
    assert reply.header("References").split() == ["<grand@pith.invalid>", parent_id]
    assert reply.header("Subject") == "Re: Question for pith"
    assert reply.header("Newsgroups") == GROUP
    assert reply.body.startswith("Ann wrote:\n> Which reader threads best?\n") and "This one." in reply.body
    assert "> Ann" not in reply.body  # the parent's signature is not quoted


@pytest.mark.integration
async def test_offline_post_stays_queued_then_goes_out_from_the_outbox(inn: Any, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    subject = f"queued while down {uuid.uuid4().hex[:8]}"
    down = server_app(ServerAddress("127.0.0.1", _closed_port()), store)
    async with down.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(down.screen, ComposeScreen)
        down.screen.query_one("#field-newsgroups", Input).value = GROUP
        await pilot.press(*subject, "tab", *"Written offline.", "ctrl+s")
        await settle(pilot)
        assert not isinstance(down.screen, ComposeScreen)
        assert down.screen.status.message.startswith("queued in the outbox (127.0.0.1:")
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(down.screen, OutboxScreen) and "queued" in screen_text(down)
        assert subject in screen_text(down)
    assert [e.state for e in outbox(store).entries()] == ["queued"]
    assert Drafts(sqlite3.connect(store)).ids() == []

    up = server_app(ServerAddress(inn.host, inn.port), store)
    async with up.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert "sent what it could; 0 still queued" in screen_text(up)
        assert "sent        " in screen_text(up)
    entry = outbox(store).entries()[0]
    assert entry.state == "sent"
    assert fetch(inn, entry.message_id).header("Subject") == subject


@pytest.mark.integration
async def test_articles_queued_earlier_go_out_when_the_app_starts_online(inn: Any, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    from store.cache import Store

    Store(store).db.close()  # a real store, as an earlier run left it
    message_id = f"<queued.{uuid.uuid4().hex}@pith.invalid>"
    outbox(store).add(f"From: tess@example.org\nNewsgroups: {GROUP}\nSubject: left queued\n"
                      f"Message-ID: {message_id}\n\nfrom an earlier run\n".encode(), message_id)
    app = server_app(ServerAddress(inn.host, inn.port), store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(n.message == "outbox: sent 1 article(s) queued earlier" for n in app._notifications)
    assert [e.state for e in outbox(store).entries()] == ["sent"]
    assert fetch(inn, message_id).header("Subject") == "left queued"


@pytest.mark.integration
async def test_the_thread_list_shows_what_was_just_posted(inn: Any, tmp_path: Path) -> None:
    """Issue #6: a post that reached the server shows up in the open thread list of its group (the
    group is entered again, the cursor kept), and so does a follow-up sent from the pager."""
    subject = f"fresh thread {uuid.uuid4().hex[:8]}"
    app = server_app(ServerAddress(inn.host, inn.port), tmp_path / "store.sqlite3", start_group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        await pilot.press("P")
        await settle(pilot)
        await pilot.press(*subject, "tab", *"A new thread.", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        assert app.screen.status.message.startswith(f"posted to {GROUP}: ")
        await pilot.press("end")  # the newest thread comes last
        await pilot.pause()
        assert subject in screen_text(app)
        assert app.screen.query_one(ThreadList).current.article.subject == subject  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and "A new thread." in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*"A reply to it.", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        lines = screen_text(app).splitlines()
        at = next(i for i, line in enumerate(lines) if subject in line)
        assert "└─>" in lines[at + 1] and "Tess Ter" in lines[at + 1]  # the reply, under its parent
        assert lines[at + 1][:2].strip() == "N" and lines[at][:2].strip() == ""  # read the parent, not the reply


def _select(app: Any, name: str) -> None:
    """Put the group list's cursor on ``name``."""
    groups = app.screen.query_one(GroupList)
    groups.cursor = [g.name for g in groups.groups].index(name)


@pytest.mark.integration
async def test_a_read_only_group_refuses_posting_up_front(inn: Any, tmp_path: Path) -> None:
    """Issue #6: INN's sample.readonly has flag n in LIST ACTIVE: P on it says so at once, also once
    entered (GROUP carries no flag, and must not clear it); a writable group still opens the composer."""
    refused = "posting is not allowed here: sample.readonly is read-only (active flag n)"
    app = server_app(ServerAddress(inn.host, inn.port), tmp_path / "store.sqlite3")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _select(app, "sample.readonly")
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen) and refused in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen) and app.screen.group == "sample.readonly"
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen) and refused in screen_text(app)
        await pilot.press("q")
        await settle(pilot)
        _select(app, GROUP)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one("#field-newsgroups", Input).value == GROUP


def _no_posting(line: bytes) -> bytes | None:
    """What a server that lets nobody post says: a 201 greeting, no POST capability."""
    if line.startswith(b"200 "):
        return b"201 " + line[4:].replace(b"(posting ok)", b"(no posting)")
    return None if line.rstrip() == b"POST" else line


@pytest.mark.integration
async def test_a_server_that_greets_201_refuses_posting_up_front(inn: Any, tmp_path: Path) -> None:
    """Issue #6: INN behind a proxy that greets 201 and drops the POST capability: P on the group
    list, P and f in a group and f in the pager say so at once; r opens a mail reply."""
    proxy = RewritingProxy((inn.host, inn.port), _no_posting)
    address = ServerAddress("127.0.0.1", proxy.port)
    app = PithApp(lambda: Library(Store(tmp_path / "store.sqlite3"),
                                  lambda: NNTPClient(address, options=ConnectOptions(timeout=10, compress=False))),
                  title="pith test")
    group = sorted(inn.sample_groups)[0]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("P")
            await settle(pilot)
            assert isinstance(app.screen, GroupsScreen)
            message = app.screen.status.message
            assert message.startswith("posting is not allowed here: the server takes no posts: 201 ")
            assert "posting is not allowed here: the server takes no posts: 201" in screen_text(app)
            _select(app, group)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ThreadsScreen) and app.screen.loaded
            for key in ("P", "f"):
                app.screen.status.show("")
                await pilot.press(key)
                await settle(pilot)
                assert isinstance(app.screen, ThreadsScreen) and app.screen.status.message == message, key
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ArticleScreen)
            await pilot.press("f")
            await settle(pilot)
            assert isinstance(app.screen, ArticleScreen) and app.screen.status.message == message
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, ComposeScreen) and app.screen.kind == "mail"
    finally:
        proxy.close()
