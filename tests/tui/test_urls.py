"""URLs of an article (issue 15): found in the decoded body (HTML link lists too), listed by U /
ctrl+b, opened with $BROWSER or xdg-open off the event loop; a missing opener said plainly."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from nntp.html_text import html_to_text
from tests.tui.conftest import SIZE, archive_library, screen_text, settle
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.urls import UrlsScreen
from app.urls import _command, article_urls, opener_for

GROUP = "pith.test.links"
MBOX = f"""From a@example.org Mon Jan  1 00:00:00 2024
From: Ann <ann@example.org>
Newsgroups: {GROUP}
Subject: Links
Date: Mon, 01 Jan 2024 10:00:00 +0000
Message-ID: <links1@example.org>

See https://example.org/a_(b) and (www.example.net/x).
Twice: https://example.org/a_(b), then <ftp://files.example.com/f.txt>.
"""


def test_urls_in_order_once_without_trailing_punctuation() -> None:
    body = ("See https://example.org/a_(b) and (www.example.net/x).\n"
            "Again https://example.org/a_(b), \"http://q.io/p?x=1&y=2\"")
    assert article_urls(body) == ["https://example.org/a_(b)", "http://www.example.net/x", "http://q.io/p?x=1&y=2"]


def test_control_placeholders_and_bare_schemes_are_not_urls() -> None:
    assert article_urls("http://evil.example/\u241b[2Jx http:// https://localhost") == ["http://evil.example/"]


def test_html_link_lists_are_found() -> None:
    text = html_to_text('<p>Read <a href="https://lore.example.org/msg">this</a>.</p>')
    assert article_urls(text) == ["https://lore.example.org/msg"]


def test_browser_variable(tmp_path: Path) -> None:
    assert _command("firefox --new-tab %s", "http://x.io") == ["firefox", "--new-tab", "http://x.io"]
    assert _command("open", "http://x.io") == ["open", "http://x.io"]
    assert _command("'unclosed", "u") == []
    browser = fake_browser(tmp_path)
    opener = opener_for("http://x.io", {"BROWSER": f"no-such-browser:{browser}"})
    assert opener is not None and opener.argv == [str(browser), "http://x.io"] and not opener.terminal


def fake_browser(tmp_path: Path) -> Path:
    script = tmp_path / "browser"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$1\" >> {tmp_path / 'opened'}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def make(tmp_path: Path) -> PithApp:
    mbox = tmp_path / "links.mbox"
    mbox.write_text(MBOX)
    return PithApp(archive_library(mbox, tmp_path / "store.sqlite3"), title="pith test",
                   start_group=GROUP, start_article=1)


async def test_U_lists_the_urls_and_enter_opens_one_with_browser(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER", str(fake_browser(tmp_path)))
    app = make(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, UrlsScreen)
        assert "3 URLs in this article" in screen_text(app) and "ftp://files.example.com/f.txt" in screen_text(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        for _ in range(100):
            if (tmp_path / "opened").exists():
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert (tmp_path / "opened").read_text() == "http://www.example.net/x\n"
        assert app.screen.status.message == "opened with browser"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, UrlsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)


async def test_no_opener_is_said_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER", "no-such-browser")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    app = make(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("U")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.status.message.startswith("cannot open URLs: $BROWSER names no program")


async def test_help_lists_open_url_with_its_id(tmp_path: Path) -> None:
    app = make(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        line = next(line for line in screen_text(app).splitlines() if "open-url" in line)
        assert line.split()[:2] == ["U,", "^b"]
