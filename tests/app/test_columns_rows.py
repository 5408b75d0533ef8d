"""The reader's rows and arrangement over trees threaded from records and from Columns: the same rows, scores,
hidden folding, views, digest, read-mark pruning, cursor moves and statistics, and no record built on the way
for a big group's every article (issue 17)."""

from __future__ import annotations

import dataclasses
import tracemalloc
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from killfile import session
from killfile.result import ScoreTable
from killfile.states import ScoreState
from nntp import columns as columns_module
from nntp.columns import Columns, from_records
from nntp.models import Overview
from nntp.threads import thread
from store.ranges import RangeSet
from store.visits import Visit
from app.digest import Interests, digest_since
from app.entered import find
from app.groupview import GroupView
from app.readmarks import prune_read
from app.rows import ThreadRow, cursor_after, flatten, next_unread
from app.scoring import Filter, RootIndex, RowScore, Scored, arrange_scored, digest, roots_of, score_map
from app.stats import hidden_by_rule, month_stats
from app.views import View, arrange
from tests.app.test_scoring import RULES  # the same three rules, scored both ways here

MODES = ["records", "columns"]
T0 = datetime(2024, 1, 10, tzinfo=timezone.utc)


def ov(n: int, author: str, subject: str, refs: tuple[str, ...] = (), hours: int | None = 0,
       message_id: str = "") -> Overview:
    date = None if hours is None else T0 + timedelta(hours=hours + n)
    return Overview(n, subject, f"{author.title()} <{author}@x>", date, message_id or f"<{n}@x>", refs, 100 * n, n,
                    f"news.x g:{n}")


ARTICLES = [
    ov(1, "alice", "gizmo talk"),
    ov(2, "bob", "Re: gizmo talk", ("<1@x>",)),
    ov(3, "carol", "Re: gizmo talk", ("<1@x>", "<2@x>")),
    ov(4, "troll", "flame", (), 30),
    ov(5, "dave", "Re: flame", ("<4@x>",), 31),
    ov(6, "dave", "Re: lost root", ("<gone@x>",), -5),          # two replies to a missing article
    ov(7, "erin", "Re: lost root", ("<gone@x>",), -4),
    ov(8, "bob", "bob alone", (), 700),                          # another month
    ov(9, "frank", "no date", (), None),
    ov(10, "alice", "RE:  Gizmo   talk", ("<1@x>", "<3@x>")),  # the same subject, written otherwise
    ov(11, "carol", "duplicate", (), 2, "<1@x>"),                # a Message-ID seen twice
    ov(12, "erin", "Re: deep", ("<7@x>",), 3),
]


def build(mode: str, articles: Sequence[Overview] = ARTICLES) -> Sequence[Overview]:
    return from_records(articles) if mode == "columns" else list(articles)


def table_for(tmp_path: Path, articles: Sequence[Overview]) -> ScoreTable:
    (tmp_path / "score.toml").write_text(RULES)
    return session.load(tmp_path).score(articles, "g", T0 + timedelta(days=60))


def shape(rows: Sequence[ThreadRow]) -> list[tuple[object, ...]]:
    """Rows as plain values, to compare the two modes (and the article each row holds)."""
    return [(row.number, row.message_id, row.tree, row.show_subject, row.depth, row.title, row.article)
            for row in rows]


@pytest.fixture
def no_records(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Inside: building an Overview from Columns fails the test (the loops over every article must not)."""
    def refuse(self: Columns, i: int) -> Overview:
        raise AssertionError(f"a record was built for article {i}")
    monkeypatch.setattr(columns_module.Columns, "record", refuse)
    yield
    monkeypatch.undo()


def arranged(mode: str, tmp_path: Path, view: Filter) -> tuple[Scored, Sequence[Overview]]:
    articles = build(mode)
    roots = thread(articles)
    table = table_for(tmp_path, articles)
    index = RootIndex(roots)
    scored = arrange_scored(roots, score_map(table), view, index)
    index.build()
    return scored, articles


VIEWS = [Filter(), Filter(show_hidden=True), Filter(expanded=frozenset({"<1@x>"})),
         Filter(include=frozenset({"gizmo"})), Filter(exclude=frozenset({"gizmo"}))]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.describe() or "plain")
def test_both_modes_arrange_the_same_rows_hidden_and_best(tmp_path: Path, view: Filter) -> None:
    expected, _ = arranged("records", tmp_path, view)
    assert any(row.message_id.startswith("\x00hidden:") for row in expected.rows) or view.show_hidden or \
        view.include or view.expanded
    got, _ = arranged("columns", tmp_path, view)
    assert shape(got.rows) == shape(expected.rows)
    assert got.rows == expected.rows and got.hidden == expected.hidden and got.best == expected.best
    assert got.scores == expected.scores


@pytest.mark.parametrize("mode", MODES)
def test_rows_views_and_digest_read_no_record(mode: str, tmp_path: Path, no_records: None) -> None:
    """Flattening, pruning, the flat views, the digest and the root index: none builds a record per article."""
    articles = build(mode)
    roots = thread(articles)
    table = table_for(tmp_path, list(ARTICLES))  # scored from records: the scoring is not what is tested here
    index = RootIndex(roots)
    scored = arrange_scored(roots, score_map(table), Filter(), index)
    index.build()
    rows = flatten(roots)
    assert [row.number for row in rows if row.number is not None] != []
    for view in (View.DATE, View.AUTHOR):
        assert len(arrange(scored.rows, view)) == sum(row.number is not None for row in scored.rows)
    digest(scored)
    digest_since(scored, Visit(0, 5), Interests(lambda n: n in {1, 3}, frozenset({"gizmo"})))
    digest_since(scored, Visit(0, 99), Interests())
    prune_read(roots, RangeSet([(1, 3)]))
    assert index["<3@x>"] == "<1@x>" and index.get("<nowhere@x>") is None


@pytest.mark.parametrize("mode", MODES)
def test_views_digest_and_pruning_agree_with_the_records(mode: str, tmp_path: Path) -> None:
    records, _ = arranged("records", tmp_path, Filter())
    scored, _ = arranged(mode, tmp_path, Filter())
    for view in (View.THREADED, View.DATE, View.AUTHOR):
        assert shape(arrange(scored.rows, view)) == shape(arrange(records.rows, view))
    assert shape(digest(scored)) == shape(digest(records))
    for visit in (None, Visit(0, 5), Visit(0, 99)):
        interests = Interests(lambda n: n in {1, 3, 10}, frozenset({"gizmo"}))
        got, note = digest_since(scored, visit, interests)
        assert (shape(got), note) == (shape(digest_since(records, visit, interests)[0]), note)
    read = RangeSet([(1, 3), (6, 6)])
    assert shape(flatten(prune_read(scored.roots, read))) == shape(flatten(prune_read(records.roots, read)))
    for wanted in VIEWS:  # only unread: pruned trees arranged with the index of the whole ones (GroupView.only_unread)
        pruned = arrange_scored(prune_read(scored.roots, read), scored.scores, wanted, scored.root_of)
        old = arrange_scored(prune_read(records.roots, read), records.scores, wanted, records.root_of)
        assert shape(pruned.rows) == shape(old.rows) and (pruned.hidden, pruned.best) == (old.hidden, old.best)


@pytest.mark.parametrize("mode", MODES)
def test_the_root_index_answers_as_the_whole_map(mode: str) -> None:
    roots = thread(build(mode))
    index = RootIndex(roots)
    whole = roots_of(thread(ARTICLES))
    assert {m: index.get(m) for m in whole} == whole and dict(index) == whole and len(index) == len(whole)
    assert index.threads_holding({"<3@x>", "<7@x>", "<nowhere@x>"}) == {"<1@x>", "<gone@x>"}
    assert {index.root_id(p) for p in index.positions_holding({"<12@x>", "<5@x>"})} == {"<gone@x>", "<4@x>"}
    assert index.covers(roots) and not index.covers(list(roots))
    rows = flatten(roots)
    assert [index.root_id(p) if (p := index.position_of_row(row)) is not None else None for row in rows] == \
        [whole.get(row.message_id) for row in rows]


@pytest.mark.parametrize("mode", MODES)
def test_cursor_moves_find_and_next_unread(mode: str, tmp_path: Path) -> None:
    records, _ = arranged("records", tmp_path, Filter(show_hidden=True))
    scored, _ = arranged(mode, tmp_path, Filter(show_hidden=True))
    rows, old = scored.rows, records.rows
    unread = {3, 7, 9}
    for start in range(len(rows)):
        ahead = range(start + 1, len(rows))
        assert next_unread(rows, ahead, unread) == next_unread(old, ahead, unread)
        assert next_unread(rows, ahead, None) == next_unread(old, ahead, None)
        assert cursor_after(rows, start, rows[::-1]) == cursor_after(old, start, old[::-1])
    for key in (1, 7, 12, 99, "<7@x>", "<gone@x>", "<nowhere@x>"):
        assert find(rows, key) == find(old, key)


@pytest.mark.parametrize("mode", MODES)
def test_group_view_unread_rows_and_thread_numbers(mode: str, tmp_path: Path) -> None:
    scored, articles = arranged(mode, tmp_path, Filter(show_hidden=True))
    model = GroupView("g")
    model.overviews, model.scored, model.roots = articles, scored, scored.roots
    model.views = {View.THREADED: scored.rows}
    # 11 shares 1's Message-ID: looked up by Message-ID (records) it joins 1's thread, by index (Columns) not
    assert model.thread_numbers(3) == [1, 2, 3, 10] + ([11] if mode == "records" else [])
    assert model.thread_numbers(7) == [6, 7, 12] and model.thread_numbers(4) == [4, 5]
    assert [row.number for row in model.unread_rows(scored.rows)] == \
        [row.number for row in scored.rows if row.number is not None]
    assert model.find(12) == find(scored.rows, "<12@x>")


@pytest.mark.parametrize("mode", MODES)
def test_statistics_agree_with_the_records(mode: str, tmp_path: Path) -> None:
    records, _ = arranged("records", tmp_path, Filter())
    scored, articles = arranged(mode, tmp_path, Filter())
    got, expected = month_stats(articles, scored.root_of), month_stats(ARTICLES, records.root_of)
    if mode == "columns":  # 11 shares 1's Message-ID: its own thread by index, 1's by Message-ID
        assert got[0].thread_sizes[:3] == [("1", 1), ("2-3", 2), ("4-7", 1)] != expected[0].thread_sizes[:3]
        got[0] = dataclasses.replace(got[0], thread_sizes=expected[0].thread_sizes)
    assert got == expected
    table = table_for(tmp_path, list(ARTICLES))
    same = dataclasses.replace(table, articles=articles)
    for month in (None, "2024-01", "2024-02"):
        assert hidden_by_rule(same, month) == hidden_by_rule(table, month)


@pytest.mark.parametrize("mode", MODES)
def test_a_row_costs_no_more_than_a_row_of_records(mode: str) -> None:
    """A row is 48 bytes and holds its node or record: flattening 20,000 articles traces ~56 bytes a row."""
    many = [ov(n, "a", "t" if n % 4 == 0 else "Re: t", () if n % 4 == 0 else (f"<{n - n % 4}@x>",))
            for n in range(4, 20_004)]
    roots = list(thread(build(mode, many)))  # a Forest's nodes are made as its threads are read: made here
    tracemalloc.start()
    try:
        rows = flatten(roots)
        traced, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rows) == len(many) and traced / len(rows) < 64
    assert all(row.source is None for row in rows) == (mode == "records")


def test_hashed_ids_check_every_hash_hit_against_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every string hashing alike (forced): each is still found as itself, and only the wanted ones."""
    from array import array

    from app import rootindex

    table = from_records(ARTICLES).ids
    wanted = array("i", [1 if code % 2 == 0 else -1 for code in range(len(table))])
    monkeypatch.setattr(rootindex, "hash", lambda value: 7, raising=False)
    hashed = rootindex.HashedIds(table, wanted)
    assert [hashed.find(table[code]) for code in range(len(table))] == \
        [code if code % 2 == 0 else None for code in range(len(table))]
    assert hashed.find("<nowhere@x>") is None


@pytest.mark.parametrize("mode", MODES)
def test_the_cursor_stays_on_an_article_turned_placeholder_and_back(mode: str) -> None:
    """A plonk makes the root a placeholder (no article, the same Message-ID): the cursor stays on it (the
    TUI's K, A, B run on); taken back, the article shows again where the placeholder was."""
    roots = thread(build(mode))
    index = RootIndex(roots)
    shown = arrange_scored(roots, {}, Filter(), index).rows
    killed = arrange_scored(roots, {"<4@x>": RowScore(-9999, ScoreState.KILLED, ())}, Filter(), index).rows
    on_root = next(i for i, row in enumerate(shown) if row.number == 4)
    placeholder = next(i for i, row in enumerate(killed) if row.message_id == "<4@x>")
    assert killed[placeholder].number is None
    assert cursor_after(shown, on_root, killed) == placeholder
    assert cursor_after(killed, placeholder, shown) == on_root
    assert cursor_after(shown, len(shown), killed[::-1], fallback="<4@x>") == len(killed) - 1 - placeholder
