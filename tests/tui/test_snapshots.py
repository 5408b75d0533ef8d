"""Snapshots of the main screens on the fixed archives, in each built-in theme
(update with --snapshot-update after checking the report)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import SIZE, settle
from tests.tui.snapshot_app import PAGER_MBOX, build_app

THEMES = ("dark", "light", "high-contrast")


def then_press(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("theme", THEMES)
def test_group_list(snap_compare: Any, tmp_path: Path, theme: str) -> None:
    app = build_app(tmp_path / "store.sqlite3", theme=theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press())


@pytest.mark.parametrize("theme", THEMES)
def test_thread_view(snap_compare: Any, tmp_path: Path, theme: str) -> None:
    app = build_app(tmp_path / "store.sqlite3", theme=theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("j", "enter", "j", "j", "j"))


@pytest.mark.parametrize("theme", THEMES)
def test_article_view(snap_compare: Any, tmp_path: Path, theme: str) -> None:
    """Quote levels, a hidden inline spoiler and a dimmed signature."""
    app = build_app(tmp_path / "store.sqlite3", mbox=PAGER_MBOX, theme=theme,
                    start_group="pith.test.pager", start_article=1)
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press())


def test_article_with_attachments(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3", mbox=PAGER_MBOX,
                    start_group="pith.test.pager", start_article=2)
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press())


def test_article_with_markup_and_escapes(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.misc", start_article=1)
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press())


def test_folded_threads(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("j", "left", "j", "minus"))


def test_flat_by_date(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("o"))


def test_help_screen(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("question_mark"))


def _rules_for_snapshots() -> None:
    from tests.tui.test_killfile_tui import RULES, write_rules

    write_rules(RULES.split("[[rule]]\nname = \"broken\"")[0])  # no problem notification in the picture


def test_explain_screen(snap_compare: Any, tmp_path: Path) -> None:
    _rules_for_snapshots()
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("e"))


def test_statistics_screen(snap_compare: Any, tmp_path: Path) -> None:
    _rules_for_snapshots()
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("S"))


def test_scored_thread_list(snap_compare: Any, tmp_path: Path) -> None:
    """Scores, tags, a highlighted row and an "N hidden" row."""
    _rules_for_snapshots()
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press())


def test_read_and_unread_rows(snap_compare: Any, tmp_path: Path) -> None:
    """The read-mark column: Alice and Carol read (blank), the rest unread (N); the counts say so."""
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("u", "j", "j", "u"))


def test_composer(snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A follow-up in the built-in editor: header fields, References, attribution and quote, a warning."""
    from textual.widgets import Input, TextArea

    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EMAIL", "Tess Ter <tess@example.org>")

    async def run_before(pilot: Pilot[Any]) -> None:
        await then_press("f")(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            assert isinstance(widget, (Input, TextArea))
            widget.cursor_blink = False
        pilot.app.screen.query_one("#field-newsgroups", Input).value = "pith.test.tree,pith.test.misc"
        await pilot.press(*"Use JWZ threading.")
        await settle(pilot)

    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree", postable=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_outbox_screen(snap_compare: Any, tmp_path: Path) -> None:
    """One article in each state, with the server's words and a read-only server's mailto:."""
    import sqlite3

    from store.outbox import Outbox

    outbox = Outbox(sqlite3.connect(tmp_path / "store.sqlite3"))
    replies = {"sent": "240 article posted ok", "refused": "441 437 Too many groups",
               "needs-mail": "440 posting not allowed, mailto:dev@lists.example"}
    for number, subject in enumerate(("queued while offline", "sent", "refused", "needs-mail"), 1):
        entry_id = outbox.add(f"Newsgroups: pith.test.tree\nSubject: {subject}\n\nbody\n".encode(), f"<{number}@x>")
        entry = outbox.get(entry_id)
        if subject == "sent":
            outbox._record(entry_id, "sent", replies[subject])
        elif subject in replies and entry is not None:
            outbox._refused(entry, replies[subject])
    app = build_app(tmp_path / "store.sqlite3")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("O"))
