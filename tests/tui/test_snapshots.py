"""Snapshots of the three main screens on the fixed archive (update with --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import SIZE, settle
from tests.tui.snapshot_app import build_app


def then_press(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_group_list(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press())


def test_thread_view(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("j", "enter", "j", "j", "j"))


def test_article_view(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.tree")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press("j", "enter"))


def test_article_with_markup_and_escapes(snap_compare: Any, tmp_path: Path) -> None:
    app = build_app(tmp_path / "store.sqlite3", start_group="pith.test.misc", start_article="<markup@example.org>")
    assert snap_compare(app, terminal_size=SIZE, run_before=then_press())
