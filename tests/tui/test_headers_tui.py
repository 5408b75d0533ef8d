"""Headers a slrn/tin user needs to see (issue 15): Followup-To, Reply-To, Cc, Organization in the
pager by default, ``[article] headers`` choosing others, and the composer saying where a follow-up
goes when Followup-To redirects it."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.config import ArticleConfig, Config
from tests.tui.conftest import SIZE, archive_library, screen_text, settle
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.compose import ComposeScreen
from tui.widgets.article_view import ArticleView

GROUP = "pith.test.heads"
MBOX = f"""From a@example.org Mon Jan  1 00:00:00 2024
From: Ann <ann@example.org>
Newsgroups: {GROUP}
Followup-To: pith.test.other
Reply-To: ann-replies@example.org
Cc: cc@example.org
Organization: The Org
X-Mailer: Quill 2
Subject: Where answers go
Date: Mon, 01 Jan 2024 10:00:00 +0000
Message-ID: <heads1@example.org>

Body.
"""


@pytest.fixture(autouse=True)
def sender(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EMAIL", "Tess Ter <tess@example.org>")


def make(tmp_path: Path, config: Config | None = None) -> PithApp:
    mbox = tmp_path / "heads.mbox"
    mbox.write_text(MBOX)
    return PithApp(archive_library(mbox, tmp_path / "store.sqlite3", postable=True), title="pith test",
                   config=config, start_group=GROUP, start_article=1)


def header_part(app: PithApp) -> list[str]:
    lines = app.screen.query_one(ArticleView).plain_lines
    return lines[:lines.index("")]


async def test_answer_headers_are_shown_when_present(tmp_path: Path) -> None:
    app = make(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        shown = header_part(app)
        assert shown[2].startswith("Date: ")
        assert shown[:2] + shown[3:] == ["From: Ann <ann@example.org>", "Subject: Where answers go",
                                         f"Newsgroups: {GROUP}", "Followup-To: pith.test.other",
                                         "Reply-To: ann-replies@example.org", "Cc: cc@example.org",
                                         "Organization: The Org"]
        assert "Followup-To: pith.test.other" in screen_text(app)


async def test_the_header_list_comes_from_the_config(tmp_path: Path) -> None:
    config = Config(article=ArticleConfig(("Subject", "X-Mailer")))
    app = make(tmp_path, config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert header_part(app) == ["Subject: Where answers go", "X-Mailer: Quill 2"]


async def test_the_composer_says_where_followup_to_sends_a_followup(tmp_path: Path) -> None:
    app = make(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        note = "Followup-To: pith.test.other — your follow-up goes to pith.test.other, not pith.test.heads"
        assert app.screen.status.message == note
        assert f"ℹ {note}" in screen_text(app)  # a line of the composer, not only the status line
        assert "Newsgroups:  pith.test.other" in screen_text(app)
