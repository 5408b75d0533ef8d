"""app.rows.ThreadRow: two references a row, the tree, flags and depth shared by rows drawn alike.

A big group builds a row per article at once (150,000 on local.big); a six-field
NamedTuple took 96 bytes a row, a slotted row with a shared shape takes 48.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from app import rows as rows_module
from app.rows import ThreadRow, flatten
from nntp.models import Overview
from nntp.threads import thread

WHEN = datetime(2024, 1, 1, tzinfo=timezone.utc)


def ov(number: int, refs: tuple[str, ...] = ()) -> Overview:
    return Overview(number, "Re: t" if refs else "t", "a@x", WHEN, f"<{number}@x>", refs)


def test_rows_drawn_alike_share_one_shape_and_stay_small() -> None:
    rows = flatten(thread([ov(1), ov(2, ("<1@x>",)), ov(3, ("<1@x>",)), ov(4), ov(5, ("<4@x>",))]))
    assert [row.tree for row in rows] == ["", "├─>", "└─>", "", "└─>"]
    assert rows[0]._shape is rows[3]._shape and rows[2]._shape is rows[4]._shape
    assert sys.getsizeof(rows[1]) <= 48  # a six-field NamedTuple: 88 (96 allocated)
    assert [row.message_id for row in rows] == ["<1@x>", "<2@x>", "<3@x>", "<4@x>", "<5@x>"]


def test_a_row_compares_replaces_and_reads_as_the_named_tuple_did() -> None:
    row = ThreadRow(None, "<m@x>", "│ └─>", False, 3, "a title")
    assert (row.article, row.message_id, row.tree, row.show_subject, row.depth, row.title) == (
        None, "<m@x>", "│ └─>", False, 3, "a title")
    assert row == ThreadRow(None, "<m@x>", "│ └─>", False, 3, "a title") != row._replace(title="")
    assert row._replace(title="").title == "" and row._replace(depth=1).depth == 1
    assert hash(row) == hash(ThreadRow(None, "<m@x>", "│ └─>", False, 3, "a title"))
    assert "a title" in repr(row)


def test_titles_and_a_hostile_depth_do_not_grow_the_shared_shapes() -> None:
    before = len(rows_module._SHAPES)
    ThreadRow(None, "<m@x>", "", True, 0, "a missing article's own title")
    for depth in range(2 * rows_module._SHAPES_KEPT):
        ThreadRow(None, "<m@x>", "…", True, 100 + depth)
    assert len(rows_module._SHAPES) <= max(before, rows_module._SHAPES_KEPT)


def test_a_row_of_no_article_or_another_id_keeps_its_own_message_id() -> None:
    article = ov(7)
    assert ThreadRow(None, "<gone@x>", "", True, 1).message_id == "<gone@x>"
    assert ThreadRow(article, "<7@x>", "", True, 0).message_id == "<7@x>"
    other = ThreadRow(article, "<dup@x>", "", True, 0)
    assert other.message_id == "<dup@x>" and other != ThreadRow(article, "<7@x>", "", True, 0)
    assert ThreadRow(None, "", "", True, 0).message_id == ""
