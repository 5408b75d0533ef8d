"""slrn and tin habits in the thread list: the cursor stays put after K, A and friends (issue 15)."""

from __future__ import annotations

from collections.abc import Callable

from sample import SAMPLE_MBOX
from tests.tui.conftest import SIZE, settle
from tests.tui.test_killfile_tui import write_rules
from tui.app import PithApp
from app.rows import ThreadRow, cursor_after
from tui.widgets.thread_list import ThreadList

MakeApp = Callable[..., PithApp]


def _row(message_id: str) -> ThreadRow:
    return ThreadRow(None, message_id, "", True, 0)


def test_cursor_after_prefers_same_then_later_then_earlier() -> None:
    old = [_row(m) for m in "abcde"]
    assert cursor_after(old, 2, [_row(m) for m in "xcd"]) == 1  # same article
    assert cursor_after(old, 2, [_row(m) for m in "abde"]) == 2  # gone: the next one (d)
    assert cursor_after(old, 4, [_row(m) for m in "ab"]) == 1  # nothing later: the nearest earlier
    assert cursor_after(old, 2, [_row(m) for m in "xae"], fallback="a") == 1  # another view: its thread
    assert cursor_after(old, 2, []) == 0


async def test_kill_keeps_the_cursor_on_the_next_thread(make_app: MakeApp) -> None:
    app = make_app(mbox=SAMPLE_MBOX, start_group="sample.comp.graphics")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        threads = app.screen.query_one(ThreadList)
        starts = [i for i, row in enumerate(threads.rows) if row.depth == 0]
        assert len(starts) > 10
        threads.cursor = starts[8]
        await pilot.pause()
        following = threads.rows[starts[9]].message_id
        await pilot.press("K")
        await settle(pilot)
        assert threads.current is not None and threads.current.message_id == following
        assert threads.cursor == starts[8]


async def test_hidden_articles_are_counted_apart_from_unread(make_app: MakeApp) -> None:
    write_rules()  # Bob (-1500) is hidden in pith.test.tree
    app = make_app(start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        marks = app.screen.marks  # type: ignore[attr-defined]
        assert marks is not None
        assert app.screen.status.counts.startswith(f"{marks.unread - 1} unread, 1 hidden of ")  # type: ignore[attr-defined]
