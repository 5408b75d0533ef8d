"""Flattening thread trees into rows, and the Line-API list with 150,000 of them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from textual.app import App, ComposeResult

from nntp.models import Overview
from nntp.threads import ThreadNode, thread
from tests.tui.conftest import SIZE, screen_text
from app.rows import MAX_INDENT, display_name, flatten, format_date
from tui.theming import with_fallbacks
from tui.widgets.thread_list import ThreadList

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def ov(number: int, subject: str, refs: tuple[str, ...] = (), author: str = "a@b") -> Overview:
    return Overview(number, subject, author, T0 + timedelta(minutes=number), f"<{number}@t>", refs, 0, 3)


def test_tree_lines_and_repeated_subjects() -> None:
    rows = flatten(thread([
        ov(1, "Topic"),
        ov(2, "Re: Topic", ("<1@t>",)),
        ov(3, "RE:  topic", ("<1@t>", "<2@t>")),
        ov(4, "Other (was: Topic)", ("<1@t>", "<2@t>")),
        ov(5, "Re: Topic", ("<1@t>",)),
    ]))
    assert [(r.tree, r.show_subject) for r in rows] == [
        ("", True), ("├─>", False), ("│ ├─>", False), ("│ └─>", True), ("└─>", False),
    ]


def test_dummy_parent_is_a_row() -> None:
    rows = flatten(thread([ov(1, "Re: gone", ("<x@t>",)), ov(2, "Re: gone", ("<x@t>",))]))
    assert rows[0].article is None and rows[0].message_id == "<x@t>"
    assert [r.tree for r in rows[1:]] == ["├─>", "└─>"] and all(r.show_subject for r in rows)


def test_deep_chain_is_elided_and_linear() -> None:
    chain = [ThreadNode(ov(1, "s"), "<1@t>")]
    for n in range(2, 5001):  # built bottom-up: nntp.threads is not what is measured here
        chain.append(ThreadNode(ov(n, "Re: s"), f"<{n}@t>"))
    node = chain[-1]
    for parent in reversed(chain[:-1]):
        node = ThreadNode(parent.article, parent.message_id, (node,))
    rows = flatten([node])  # bench/structures_bench.py prints how long this takes
    assert len(rows) == 5000
    assert max(len(r.tree) for r in rows) <= 2 * MAX_INDENT + 3
    assert rows[-1].tree.startswith("…") and rows[-1].tree.endswith("└─>")


def test_display_name_and_date() -> None:
    assert display_name("Alice Example <alice@example.org>") == "Alice Example"
    assert display_name("bob@example.net (Bob Builder)") == "Bob Builder"
    assert display_name('"Carol Q." <carol@example.com>') == "Carol Q."
    assert display_name("dave@example.org") == "dave@example.org"
    assert format_date(datetime(2024, 3, 5, 23, 0, tzinfo=timezone.utc)) == "2024-03-05"
    assert format_date(None) == ""


class ListApp(App[None]):
    CSS_PATH = "../../tui/app.tcss"

    def get_css_variables(self) -> dict[str, str]:
        return with_fallbacks(super().get_css_variables())  # app.tcss uses pith's own variables

    def compose(self) -> ComposeResult:
        yield ThreadList()


async def test_thread_list_with_150k_rows_renders_lazily() -> None:
    overviews = [ov(n, f"Re: topic {n // 3}" if n % 3 else f"topic {n // 3}",
                    (f"<{n - 1}@t>",) if n % 3 else ()) for n in range(150_000)]
    rows = flatten(thread(overviews))
    app = ListApp()
    async with app.run_test(size=SIZE) as pilot:
        threads = app.query_one(ThreadList)
        threads.focus()
        rendered: list[int] = []
        render_row = threads.render_row
        threads.render_row = lambda index, width: rendered.append(index) or render_row(index, width)  # type: ignore[method-assign]
        threads.set_rows(rows)  # bench/structures_bench.py prints how long these steps take
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("pageup", "k")
        await pilot.pause()
        assert threads.cursor == 149_999 - threads.page_height - 1
        assert threads.virtual_size.height == 150_000
        assert 0 < len(set(rendered)) < 5 * threads.page_height  # only rows that were on screen
        assert "topic 49999" in screen_text(app)


async def test_folding_150k_rows_keeps_the_cursor() -> None:
    overviews = [ov(n, f"Re: topic {n // 3}" if n % 3 else f"topic {n // 3}",
                    (f"<{n - 1}@t>",) if n % 3 else ()) for n in range(150_000)]
    rows = flatten(thread(overviews))
    app = ListApp()
    async with app.run_test(size=SIZE) as pilot:
        threads = app.query_one(ThreadList)
        threads.focus()
        threads.set_rows(rows)
        await pilot.pause()
        threads.cursor = 90_001  # a reply in thread 30,000
        await pilot.press("asterisk")  # bench/structures_bench.py prints how long folding takes
        await pilot.pause()
        assert len(threads.rows) == 50_000 and threads.current.article.subject == "topic 30000"
        await pilot.press("right")
        await pilot.pause()
        assert len(threads.rows) == 50_002 and threads.cursor == 30_000
        await pilot.press("asterisk", "asterisk")  # fold all again, then unfold all
        await pilot.pause()
        assert len(threads.rows) == 150_000 and threads.current_index == 90_000
        assert "[+2]" not in screen_text(app) and "topic 30000" in screen_text(app)
