"""Read marks of an open group, only-unread pruning, last visits, group order and the digest since
the last visit: the pure parts behind the reader's read state."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from nntp.models import GroupInfo, Overview
from nntp.threads import ThreadNode
from store.ranges import RangeSet
from store.readstate import ReadState, unread_count
from store.visits import Visit, Visits
from app.digest import digest_since
from app.group_rows import order_groups
from app.readmarks import ReadMarks, prune_read, xref_targets
from app.scoring import Filter, RowScore, arrange_scored, roots_of

ROOT = Path(__file__).resolve().parents[2]


def _ov(number: int, message_id: str | None = None) -> Overview:
    return Overview(number, f"s{number}", "a@b", datetime(2024, 1, 1, tzinfo=timezone.utc),
                    message_id or f"<{number}@x>", ())


def _node(number: int, *children: ThreadNode) -> ThreadNode:
    return ThreadNode(_ov(number), f"<{number}@x>", children)


def test_articles_that_arrive_on_a_reload_join_unread_and_keep_the_marks_made() -> None:
    marks = ReadMarks("g", RangeSet.parse("1"), [1, 2, 3], high=3)
    marks.mark_read(2)
    assert marks.add_articles([1, 2, 3, 5, 4, 5], high=6) == 2
    assert (marks.total, marks.unread, marks.high) == (5, 3, 6)
    assert marks.unread_numbers == {3, 4, 5} and marks.is_read(2)
    assert marks.mark_unread(2) and marks.unread_numbers == {2, 3, 4, 5}
    assert marks.add_articles([]) == 0 and marks.total == 5


def test_marks_count_unread_and_toggle() -> None:
    marks = ReadMarks("g", RangeSet.parse("1-2"), [1, 2, 3, 4, 7], high=9)
    assert (marks.total, marks.unread, marks.high) == (5, 3, 9)
    assert marks.mark_read(3) and not marks.mark_read(3)
    assert marks.unread == 2
    assert marks.toggle(1) is False and marks.unread == 3  # 1 unread again
    assert marks.toggle(1) is True and marks.unread == 2
    assert not marks.mark_unread(5) and marks.mark_read(5) and marks.unread == 2  # 5 is not in the group
    assert marks.catch_up() == 2 and marks.unread == 0 and marks.read.format() == "1-9"


def test_flush_writes_in_the_order_marked() -> None:
    db = sqlite3.connect(":memory:", isolation_level=None)
    state = ReadState(db)
    marks = ReadMarks("g", state.read("g"), range(1, 11))
    marks.mark_read(4)
    marks.mark_read(5)
    marks.mark_unread(4)
    assert marks.flush(state) == 3 and state.read("g").format() == "5"
    marks.catch_up()
    marks.mark_unread(7)
    assert marks.flush(state) == 2 and state.read("g").format() == "1-6,8-10"
    assert marks.flush(state) == 0


def test_crossposts_are_marked_in_their_other_groups() -> None:
    assert xref_targets("news.example a.b:12 c.d:7 bad: :3 e.f:x") == [("a.b", 12), ("c.d", 7)]
    db = sqlite3.connect(":memory:", isolation_level=None)
    state = ReadState(db)
    marks = ReadMarks("a.b", RangeSet(), [12])
    marks.mark_read(12)
    assert marks.mark_crossposts_read("news.example a.b:12 c.d:7") == 1
    marks.flush(state)
    assert (state.read("a.b").format(), state.read("c.d").format()) == ("12", "7")


def test_prune_read_keeps_unread_and_their_parents() -> None:
    tree = _node(1, _node(2, _node(3)), _node(4))
    other = _node(5, _node(6))
    pruned = prune_read([tree, other], RangeSet.parse("1-2,4-6"))
    assert len(pruned) == 1
    assert [(depth, node.message_id) for depth, node in pruned[0].walk()] == [(0, "<1@x>"), (1, "<2@x>"), (2, "<3@x>")]
    assert pruned[0].article is not None  # a read parent keeps its article
    assert prune_read([tree], RangeSet.parse("1-6")) == []
    missing_root = ThreadNode(None, "<gone@x>", (_node(8),))
    assert prune_read([missing_root], RangeSet()) == [missing_root]


def test_visits_begin_returns_the_previous_one() -> None:
    db = sqlite3.connect(":memory:", isolation_level=None)
    visits = Visits(db)
    assert visits.begin("g", 10, when=100) is None
    assert visits.begin("g", 15, when=200) == Visit(10, 100)
    assert visits.last("g") == Visit(15, 200) and visits.last("other") is None


def test_subscribed_groups_first_in_the_readers_order() -> None:
    groups = [GroupInfo(name, 1, 10, 10) for name in ("a", "b", "c", "d")]
    ordered = order_groups(groups, ["c", "gone", "a"])
    assert [g.name for g in ordered] == ["c", "a", "b", "d"]


def test_unread_count_uses_the_marks_inside_low_high() -> None:
    group = GroupInfo("g", 5, 14, 10)
    assert unread_count(group, None) == 10
    assert unread_count(group, RangeSet.parse("1-7,20")) == 7
    assert unread_count(GroupInfo("e", 1, 0, 0), RangeSet()) == 0


def test_digest_since_the_last_visit_narrows_and_ranks_by_new_articles() -> None:
    old_hot = _node(1, _node(2))
    grew = _node(3, _node(6))
    fresh = _node(7)
    roots = [old_hot, grew, fresh]
    scores = {"<1@x>": RowScore(50, "high", ()), "<7@x>": RowScore(5, "normal", ())}
    scored = arrange_scored(roots, scores, Filter(), roots_of(roots))
    rows, note = digest_since(scored, None)
    assert [row.message_id for row in rows] == ["<1@x>", "<7@x>", "<3@x>"] and "first visit" in note
    rows, note = digest_since(scored, Visit(5, 0))
    assert [row.message_id for row in rows] == ["<7@x>", "<3@x>"]
    assert note.endswith("2 threads with new articles")
    rows, note = digest_since(scored, Visit(7, 0))
    assert len(rows) == 3 and "nothing new since your last visit" in note


def test_pure_reader_modules_do_not_import_textual_or_rich() -> None:
    code = ("import sys, app.readmarks, app.group_rows, app.digest\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@settings(max_examples=150, deadline=None)
@given(numbers=st.lists(st.integers(1, 60), max_size=40), read=st.lists(st.integers(1, 70), max_size=30),
       ops=st.lists(st.tuples(st.sampled_from(["read", "unread", "toggle", "catchup", "add"]), st.integers(1, 90)),
                    max_size=25))
def test_unread_view_and_count_follow_a_plain_set(numbers: list[int], read: list[int],
                                                   ops: list[tuple[str, int]]) -> None:
    """The unread count and view are kept without a set of every number: they must match one."""
    marks = ReadMarks("g", RangeSet.parse(",".join(map(str, read))) if read else RangeSet(), numbers, high=60)
    present, marked = set(numbers), set(read)
    for op, n in ops:
        if op == "read":
            marks.mark_read(n)
            marked.add(n)
        elif op == "unread":
            marks.mark_unread(n)
            marked.discard(n)
        elif op == "toggle":
            marks.toggle(n)
            marked ^= {n}
        elif op == "catchup":
            marks.catch_up()
            marked |= set(range(1, marks.high + 1))
        else:
            marks.add_articles([n, n + 1], high=n + 1)
            present |= {k for k in (n, n + 1) if k > max(present, default=0)}
        unread = present - marked
        assert marks.unread == len(unread) and set(marks.unread_numbers) == unread
        assert all((k in marks.unread_numbers) == (k in unread) for k in range(0, 95))
