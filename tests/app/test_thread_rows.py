"""The threaded view's rows drawn from a Forest's slots (``ThreadRows``): the very rows ``flatten`` makes from
the nodes, for any shape of forest (missing articles, subjects repeated or not, chains deeper than the tree is
drawn), with no node or row object held per article (issue 17: rows made on demand for what is visible)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.columns import from_records
from nntp.models import Overview
from nntp.threads import Forest, thread
from app.entered import find
from app.flatrows import FlatRows, article_indices, flat_view
from app.readmarks import prune_read
from app.rows import MAX_INDENT, ThreadRow, cursor_after, flatten, next_unread
from app.threadrows import ThreadRows
from app.scoring import Filter, RootIndex, RowScore, arrange_scored
from app.views import View, arrange, unit_starts
from killfile.states import ScoreState
from store.ranges import RangeSet

T0 = datetime(2024, 1, 10, tzinfo=timezone.utc)


def ov(n: int, subject: str, refs: tuple[str, ...], hours: int) -> Overview:
    return Overview(n, subject, f"A{n % 3} <a{n % 3}@x>", T0 + timedelta(hours=hours), f"<{n}@x>", refs, 10, 1,
                    f"x g:{n}")


@st.composite
def groups(draw: st.DrawFn) -> list[Overview]:
    """Articles replying to earlier ones or to missing ones, subjects repeated, rephrased or new."""
    count = draw(st.integers(1, 40))
    out: list[Overview] = []
    for n in range(1, count + 1):
        refs: tuple[str, ...] = ()
        if out and draw(st.booleans()):
            parent = draw(st.sampled_from(out))
            refs = (*parent.references, parent.message_id)
        elif draw(st.integers(0, 4)) == 0:
            refs = (f"<gone{draw(st.integers(0, 3))}@x>",)
        subject = draw(st.sampled_from(["t", "Re: t", "RE:  t", "u", "Re: u", "Re: v"]))
        out.append(ov(n, subject, refs, draw(st.integers(-50, 50))))
    return out


def fields(rows: Iterable[ThreadRow]) -> list[tuple[object, ...]]:
    return [(r.number, r.message_id, r.tree, r.show_subject, r.depth, r.title) for r in rows]


def slot_rows(forest: Forest) -> ThreadRows:
    rows = ThreadRows(forest)
    for position in range(len(forest)):
        rows.add_slots(forest.starts[position], forest.starts[position + 1])
    return rows


@settings(max_examples=300, deadline=None)
@given(groups())
def test_rows_from_slots_are_the_rows_flatten_makes(articles: list[Overview]) -> None:
    forest = thread(from_records(articles))
    expected = flatten(list(forest))
    rows = slot_rows(forest)
    assert fields(rows) == fields(expected)
    assert [rows[i].number for i in range(len(rows))] == [rows.number(i) for i in range(len(rows))]
    assert list(rows.numbers()) == [row.number for row in expected]
    assert unit_starts(rows) == [i for i, row in enumerate(expected) if row.depth == 0]
    assert rows == expected


def test_a_chain_deeper_than_the_tree_is_drawn() -> None:
    """Past MAX_INDENT levels the lead is elided with "…", exactly as flatten elides it, at every depth."""
    chain = [ov(1, "deep", (), 0)]
    for n in range(2, 3 * MAX_INDENT):
        chain.append(ov(n, "Re: deep", (*chain[-1].references, chain[-1].message_id), n))
        if n % 5 == 0:  # a sibling now and then: pipes in the lead
            chain.append(ov(1000 + n, "other", (*chain[-2].references, chain[-2].message_id), 900 + n))
    forest = thread(from_records(chain))
    assert fields(slot_rows(forest)) == fields(flatten(list(forest)))


def test_arranging_a_quiet_forest_makes_no_row_or_node() -> None:
    """No article scored: every thread stays a run of slots, so arranging 20,000 articles allocates next to
    nothing (a row list and its nodes took ~160 bytes an article)."""
    many = [ov(n, "t" if n % 4 == 0 else "Re: t", () if n % 4 == 0 else (f"<{n - n % 4}@x>",), n)
            for n in range(4, 20_004)]
    forest = thread(from_records(many))
    index = RootIndex(forest)
    tracemalloc.start()
    try:
        scored = arrange_scored(forest, {}, Filter(), index)
        traced, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(scored.rows, ThreadRows) and len(scored.rows) == len(many)
    assert traced < 20_000, traced
    assert fields(scored.rows[:8]) == fields(flatten(list(forest))[:8])


def test_scored_threads_are_made_and_pruned_the_rest_stay_slots() -> None:
    """A killed article's thread is pruned as nodes (with its "N hidden" row), the others drawn from slots;
    the whole equals arranging the nodes; finding rows, cursor moves and next-unread work across the runs."""
    articles = [ov(n, "t" if n % 3 == 1 else "Re: t", () if n % 3 == 1 else (f"<{n - (n - 1) % 3}@x>",), n)
                for n in range(1, 31)]
    forest = thread(from_records(articles))
    scores = {"<5@x>": RowScore(-100, ScoreState.HIDDEN, ()), "<20@x>": RowScore(-9999, ScoreState.KILLED, ())}
    got = arrange_scored(forest, scores, Filter(), RootIndex(forest))
    nodes = list(forest)
    expected = arrange_scored(nodes, scores, Filter(), RootIndex(nodes))
    assert fields(got.rows) == fields(expected.rows) and got.hidden == expected.hidden
    assert isinstance(got.rows, ThreadRows)
    assert find(got.rows, 22) == find(expected.rows, 22) is not None
    assert cursor_after(got.rows, 7, expected.rows) == 7
    assert next_unread(got.rows, range(len(got.rows)), {21}) == next_unread(expected.rows, range(30), {21})


@settings(max_examples=100, deadline=None)
@given(groups())
def test_the_root_index_of_a_forest_is_that_of_its_nodes(articles: list[Overview]) -> None:
    """Built from the slots (compiled, and in Python), the index answers as one built from the nodes."""
    from nntp import jwz_pure, threads

    forest = thread(from_records(articles))
    nodes = list(forest)
    for build in (threads._slot_threads, jwz_pure.slot_threads):
        index = RootIndex(forest)
        original, threads._slot_threads = threads._slot_threads, build
        try:
            index.build()
        finally:
            threads._slot_threads = original
        expected = RootIndex(nodes)
        assert dict(index) == dict(expected)
        ids = {article.message_id for article in articles} | {"<gone0@x>", "<gone1@x>", "<nowhere@x>"}
        assert {m: index.position(m) for m in ids} == {m: expected.position(m) for m in ids}
        assert [index.position_of_index(i) for i in range(len(articles))] == [
            expected.position(a.message_id) for a in articles]


@settings(max_examples=200, deadline=None)
@given(groups(), st.sets(st.integers(1, 40)))
def test_only_unread_prunes_a_forest_as_it_prunes_nodes(articles: list[Overview], read_numbers: set[int]) -> None:
    """``prune_read`` over a Forest keeps the slots pruning the nodes keeps (compiled and in Python), and the
    rows arranged from it are those of the pruned nodes."""
    from nntp import jwz_pure, threads

    forest = thread(from_records(articles))
    read = RangeSet((n, n) for n in sorted(read_numbers))
    expected = prune_read(list(forest), read)
    for subset in (threads._subset, jwz_pure.subset_layout):
        original, threads._subset = threads._subset, subset
        try:
            pruned = prune_read(forest, read)
        finally:
            threads._subset = original
        assert isinstance(pruned, Forest) and pruned == expected
        got = arrange_scored(pruned, {}, Filter(), RootIndex(forest))
        assert fields(got.rows) == fields(flatten(expected))


@settings(max_examples=150, deadline=None)
@given(groups(), st.sets(st.integers(1, 40)), st.sampled_from([View.DATE, View.AUTHOR]))
def test_flat_views_sorted_from_the_columns_are_the_rows_views_make(articles: list[Overview], read_numbers: set[int],
                                                                    view: View) -> None:
    """By date and by author from the columns (``FlatRows``, rows on demand) give the rows ``app.views`` makes
    from the threaded rows, also only unread; folding units, numbers and finding work on them."""
    columns = from_records(articles)
    forest = thread(columns)
    scores = {articles[0].message_id: RowScore(-100, ScoreState.HIDDEN, ())}  # one thread pruned as nodes
    threaded = arrange_scored(forest, scores, Filter(), RootIndex(forest)).rows
    expected = arrange(list(threaded), view)
    indices = article_indices(threaded, columns)
    assert indices is not None
    got = flat_view(columns, indices, view)
    assert isinstance(got, FlatRows) and fields(got) == fields(expected) and got == expected
    assert unit_starts(got) == unit_starts(expected) and list(got.numbers()) == [r.number for r in expected]
    unread = [i for i in indices if articles[i].number not in read_numbers]
    only = [row for row in threaded if row.number is not None and row.number not in read_numbers]
    assert fields(flat_view(columns, unread, view)) == fields(arrange(only, view))
