"""Issue 15: mailing-list series prefixes become one set of tags (patch, rfc), the row
shows a tag once, and a tag filter leaves no "N hidden" rows of unrelated threads."""

from __future__ import annotations

from pathlib import Path

import pytest

from killfile.tags import subject_tags, tags_beyond_subject
from nntp.threads import thread
from tests.app.test_scoring import ARTICLES, scored_table
from tests.tui.test_thread_rows import ListApp, ov
from tests.tui.conftest import SIZE
from app.rows import flatten
from app.scoring import Filter, RowScore, arrange_scored, hidden_root, roots_of, score_map
from tui.widgets.thread_list import ThreadList


@pytest.mark.parametrize("subject, tags", [
    ("[PATCH v3 2/5] media: fix", ["patch"]),
    ("[PATCHv17] drm: x", ["patch"]),
    ("[PATCHv2 net-next 1/3] x", ["patch"]),
    ("[RFC PATCH] idea", ["rfc", "patch"]),
    ("[PATCH RFC] idea", ["patch", "rfc"]),
    ("Re: [RFC PATCH v2 0/7] series", ["rfc", "patch"]),
    ("[PATCH RESEND v4 1/2] again", ["patch", "resend"]),
    ("[Foundation-l] Re: [PATCH 2/2] y", ["foundation-l", "patch"]),
    ("[dev2] a list called dev2", ["dev2"]),
    ("[Linux-v4l] x", ["linux-v4l"]),
])
def test_series_prefixes_normalized(subject: str, tags: list[str]) -> None:
    assert subject_tags(subject) == tags


def test_a_tag_the_subject_already_says_is_not_repeated() -> None:
    assert tags_beyond_subject(("patch",), "[PATCH 2/2] x") == ()
    assert tags_beyond_subject(("patch", "mine"), "Re: [PATCHv3] x") == ("mine",)
    assert tags_beyond_subject(("rfc",), "plain subject") == ("rfc",)


async def test_the_row_shows_the_tag_once() -> None:
    rows = flatten(thread([ov(1, "[PATCH 2/2] media: fix"), ov(2, "plain"), ov(3, "[RFC PATCH] z")]))
    scores = {"<1@t>": RowScore(0, "normal", ("patch",)), "<2@t>": RowScore(0, "normal", ("patch",)),
              "<3@t>": RowScore(0, "normal", ("rfc", "patch", "mine"))}
    app = ListApp()
    async with app.run_test(size=SIZE) as pilot:
        threads = app.query_one(ThreadList)
        threads.set_rows(rows, scores=scores, hidden={})
        await pilot.pause()
        lines = [threads.render_row(i, 100).plain for i in range(3)]
    assert "[patch]" not in lines[0] and "[PATCH 2/2] media: fix" in lines[0]
    assert "[patch] plain" in lines[1]  # a tag the subject does not say is still shown
    assert "[mine] [RFC PATCH] z" in lines[2]


def test_tag_filter_leaves_no_stray_hidden_rows(tmp_path: Path) -> None:
    table = scored_table(tmp_path)
    roots = thread(ARTICLES)
    scores = score_map(table)
    everything = arrange_scored(roots, scores, Filter(), roots_of(roots))
    assert hidden_root(everything.rows[-1]) == "<6@x>"  # Bob's untagged thread: "1 hidden" without a filter
    only = arrange_scored(roots, scores, Filter(include=frozenset({"gizmo"})), roots_of(roots))
    stray = [hidden_root(r) for r in only.rows if hidden_root(r) is not None]
    assert stray == ["<1@x>"]  # the gizmo thread's own hidden reply, nothing of the untagged threads
