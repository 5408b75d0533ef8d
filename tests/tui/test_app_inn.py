"""The reader against the real INN2 server of the test harness (and against no server at all)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
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


HOSTILE = ("\x1b", "\x07", "\x9b", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)))
"""ESC, BEL, CSI (C1) and the bidi embedding / override / isolate controls."""


HOSTILE_SUBJECT = "Hostile \x1b[31mred\x1b[0m \u202eright-to-left\u202c title\x07"


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _hostile_article(group: str, message_id: str) -> bytes:
    body = (
        "SGR: \x1b[31mred\x1b[0m and \x1b[1;5mblink\x1b[0m\n"
        "OSC title: \x1b]0;pwned\x07 and OSC 8 link: \x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\\n"
        "Clear screen: \x1b[2J\x1b[H and C1 CSI: \u009b31mred\u009b0m\n"
        "Bidi: invoice_\u202efdp.exe\u202c \u202alre\u202c \u202brle\u202c \u202dlro\u202c "
        "\u2066lri\u2069 \u2067rli\u2069 \u2068fsi\u2069\n"
        "> quoted \x1b[7mreverse\x1b[0m\n"
    )
    headers = (
        f"From: =?utf-8?q?Evil_=1B=5B31mRed=1B=5B0m?= <evil@example.org>\r\n"
        f"Newsgroups: {group}\r\n"
        f"Subject: =?utf-8?b?{_b64(HOSTILE_SUBJECT)}?=\r\n"  # INN refuses raw control bytes in headers
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
    )
    return (headers + "\r\n" + body.replace("\n", "\r\n")).encode("utf-8")


def _clean(app: PithApp, where: str) -> None:
    text = screen_text(app)
    svg = app.export_screenshot()
    found = [f"U+{ord(c):04X}" for c in HOSTILE if c in text or c in svg]
    entities = [e for e in ("&#27;", "&#x1b;", "&#x1B;", "&#7;", "&#155;", "&#x9b;") if e in svg]
    assert not found and not entities, f"{where}: {found} {entities}"


@pytest.mark.integration
async def test_posted_escapes_and_bidi_never_reach_the_screen(inn: Any, tmp_path: Path) -> None:
    import uuid

    group = "local.test"
    message_id = f"<hostile.{uuid.uuid4().hex}@pith.invalid>"
    address = ServerAddress(inn.host, inn.port)
    poster = NNTPClient(address, timeout=10)
    try:
        poster.post(_hostile_article(group, message_id))
    finally:
        poster.close()
    app = server_app(address, tmp_path / "store.sqlite3", start_group=group)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        threads = app.screen.query_one(ThreadList)
        index = next(i for i, row in enumerate(threads.rows) if row.message_id == message_id)
        threads.cursor = index
        await pilot.pause()
        assert "Hostile ␛[31mred␛[0m <U+202E>right-to-left<U+202C> title␇" in screen_text(app)
        _clean(app, "thread list")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        view = app.screen.query_one(ArticleView)
        assert "OSC title: ␛]0;pwned␇ and OSC 8 link: ␛]8;;http://evil.example/␛\\click␛]8;;␛\\" in view.plain_lines
        assert "SGR: ␛[31mred␛[0m and ␛[1;5mblink␛[0m" in screen_text(app)
        _clean(app, "article")
        for key, where in (("X", "rot13"), ("H", "raw rot13"), ("X", "raw")):
            await pilot.press(key)
            await pilot.pause()
            _clean(app, where)
        assert "invoice_<U+202E>fdp.exe<U+202C>" in screen_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        _clean(app, "help")


def _plain_article(group: str, message_id: str, subject: str, references: str = "") -> bytes:
    refs = f"References: {references}\r\n" if references else ""
    return (f"From: Reader Test <reader@example.org>\r\nNewsgroups: {group}\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\n{refs}\r\nbody of {subject}\r\n").encode("utf-8")


@pytest.mark.integration
async def test_read_marks_on_inn_persist_and_n_skips_them(inn: Any, tmp_path: Path) -> None:
    """Reading marks read in the store at once (its cross-posted copy too, by Xref); after a restart
    the mark is still there and n skips it."""
    import uuid

    from store.readstate import ReadState
    from app.readmarks import xref_targets

    group, tag = "local.test", uuid.uuid4().hex
    elsewhere = sorted(inn.sample_groups)[0]
    ids = [f"<read.{tag}.{i}@pith.invalid>" for i in range(3)]
    address = ServerAddress(inn.host, inn.port)
    poster = NNTPClient(address, timeout=10)
    try:
        poster.post(_plain_article(f"{group},{elsewhere}", ids[0], f"read marks {tag}"))
        for message_id in ids[1:]:
            poster.post(_plain_article(group, message_id, f"Re: read marks {tag}", ids[0]))
    finally:
        poster.close()
    store = tmp_path / "store.sqlite3"
    app = server_app(address, store, start_group=group)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        index = {row.message_id: i for i, row in enumerate(threads.rows)}
        threads.cursor = index[ids[0]]
        await pilot.press("enter")  # read the root in the pager
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        numbers = [threads.rows[index[m]].article.number for m in ids]  # type: ignore[union-attr]
        copies = dict(xref_targets(threads.rows[index[ids[0]]].article.xref))  # type: ignore[union-attr]
        assert threads.current is not None and threads.current.message_id == ids[0]
        assert screen_text(app).splitlines()[1 + index[ids[0]] - round(threads.scroll_y)].startswith("  ")
    check = Store(store)
    try:
        assert numbers[0] in ReadState(check.db).read(group) and numbers[1] not in ReadState(check.db).read(group)
        assert copies[group] == numbers[0] and copies[elsewhere] in ReadState(check.db).read(elsewhere)
    finally:
        check.close()
    again = server_app(address, store, start_group=group)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = again.screen.query_one(ThreadList)
        index = {row.message_id: i for i, row in enumerate(threads.rows)}
        threads.cursor = index[ids[0]]
        await pilot.press("u", "u")  # back to read: the same mark
        await pilot.press("n")
        assert threads.current is not None and threads.current.message_id == ids[1]
        await pilot.press("u")  # read now; p from the last reply skips both read ones
        threads.cursor = index[ids[2]]
        await pilot.press("p")
        current = threads.current
        assert current is not None and current.message_id not in ids[:2]
        if current.message_id == ids[2]:
            assert again.screen.status.message == "no previous unread article"
        else:  # an older unread article of the group (other tests post here too)
            assert threads.cursor < index[ids[0]] and not again.screen.marks.is_read(current.article.number)  # type: ignore[attr-defined,union-attr]
