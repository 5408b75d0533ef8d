"""Pipe and save through Pilot: | and \\ hand the article / thread to a shell command, w and W append
to an mbox; the bytes are the article's own (8-bit included)."""

from __future__ import annotations

import mailbox
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from tests.tui.conftest import SIZE, settle
from tui.app import PithApp
from tui.screens.article import ArticleScreen
from tui.screens.prompt import PromptScreen
from tui.screens.threads import ThreadsScreen

MakeApp = Callable[..., PithApp]

ROOT = (b"Newsgroups: test.patch\nFrom: Ren\xe9 <rene@example.org>\nSubject: [PATCH 0/2] caf\xe9\n"
        b"Message-ID: <cover@example.org>\nDate: Mon, 05 Apr 1993 10:00:00 +0000\n\nCover \xe9t\xe9\n")
ONE = (b"Newsgroups: test.patch\nFrom: Ann <ann@example.org>\nSubject: [PATCH 1/2] one\n"
       b"Message-ID: <one@example.org>\nReferences: <cover@example.org>\nDate: Mon, 05 Apr 1993 10:01:00 +0000\n\n"
       b"--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-old\n+new\n")
TWO = (b"Newsgroups: test.patch\nFrom: Ann <ann@example.org>\nSubject: [PATCH 2/2] two\n"
       b"Message-ID: <two@example.org>\nReferences: <cover@example.org>\nDate: Mon, 05 Apr 1993 10:02:00 +0000\n\n"
       b"Patch two\n")
OTHER = (b"Newsgroups: test.patch\nFrom: Bob <bob@example.org>\nSubject: other\n"
         b"Message-ID: <other@example.org>\nDate: Mon, 05 Apr 1993 11:00:00 +0000\n\nOther\n")


def patch_archive(tmp_path: Path) -> Path:
    path = tmp_path / "patches.mbox"
    path.write_bytes(b"".join(b"From x Thu Jan  1 00:00:00 1970\n" + m + b"\n" for m in (ROOT, ONE, TWO, OTHER)))
    return path


async def answer(pilot: object, text: str) -> None:
    """Type ``text`` into the open prompt and press Enter."""
    app = pilot.app  # type: ignore[attr-defined]
    assert isinstance(app.screen, PromptScreen)
    app.screen.query_one(Input).value = text
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_pipe_in_the_pager_gets_the_article_bytes(make_app: MakeApp, tmp_path: Path) -> None:
    out = tmp_path / "piped"
    app = make_app(patch_archive(tmp_path), start_group="test.patch", start_article="<cover@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("|")
        await answer(pilot, f"cat > {out}")
        assert out.read_bytes() == ROOT
        assert "done" in app.screen.status.message


async def test_pipe_thread_from_the_thread_list_is_one_mbox(make_app: MakeApp, tmp_path: Path) -> None:
    out = tmp_path / "thread.mbox"
    app = make_app(patch_archive(tmp_path), start_group="test.patch")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        await pilot.press("backslash")
        await answer(pilot, f"cat > {out}")
        box = mailbox.mbox(str(out))
        assert [m["Message-ID"] for m in box] == ["<cover@example.org>", "<one@example.org>", "<two@example.org>"]
        assert box.get_bytes(0).endswith(b"Cover \xe9t\xe9\n")


async def test_a_failing_command_says_so_in_one_line(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(patch_archive(tmp_path), start_group="test.patch", start_article="<one@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("|")
        await answer(pilot, "echo 'patch does not apply' >&2; exit 3")
        assert "exit status 3: patch does not apply" in app.screen.status.message


async def test_save_appends_article_then_thread_to_an_mbox(make_app: MakeApp, tmp_path: Path) -> None:
    path = tmp_path / "saved" / "patches.mbox"
    app = make_app(patch_archive(tmp_path), start_group="test.patch", start_article="<two@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        assert app.screen.query_one(Input).value == "~/News/test.patch.mbox"  # slrn/tin keep saves in ~/News
        await answer(pilot, str(path))
        assert "appended 1 article to" in app.screen.status.message
        await pilot.press("W")
        assert app.screen.query_one(Input).value == str(path)  # the last file is offered again
        await answer(pilot, str(path))
        box = mailbox.mbox(str(path))
        assert [m["Message-ID"] for m in box] == ["<two@example.org>", "<cover@example.org>", "<one@example.org>",
                                                 "<two@example.org>"]
        assert b"Cover \xe9t\xe9" in box.get_bytes(1)


async def test_keys_are_in_help_with_ids(make_app: MakeApp, tmp_path: Path) -> None:
    from tui.keymap import live_bindings

    app = make_app(patch_archive(tmp_path), start_group="test.patch")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sections = dict(live_bindings(app))
        for section in ("Thread list", "Article"):
            ids = {entry.binding_id: entry.keys for entry in sections[section]}
            assert {"pipe-article", "pipe-thread", "save-article", "save-thread"} <= set(ids), section


async def test_d_marks_the_whole_thread_read(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(patch_archive(tmp_path), start_group="test.patch")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ThreadsScreen) and screen.marks is not None
        assert screen.thread_list.current.article.message_id == "<cover@example.org>"
        await pilot.press("d")
        await settle(pilot)
        assert [screen.marks.is_read(n) for n in (1, 2, 3, 4)] == [True, True, True, False]
        assert "3 articles newly read" in screen.status.message


async def test_d_in_the_pager_marks_its_thread_read(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(patch_archive(tmp_path), start_group="test.patch", start_article="<two@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("d")
        await settle(pilot)
        marks = app.screen.read_marks.marks  # type: ignore[union-attr]
        assert [marks.is_read(n) for n in (1, 2, 3, 4)] == [True, True, True, False]
