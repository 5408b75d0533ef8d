"""Thread-list orders and folding as pure functions (how fast: bench/structures_bench.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from nntp.models import Overview
from nntp.threads import thread
from app.rows import flatten
from app.views import by_author, by_date, next_view, position_of, unit_of, unit_starts, visible_rows

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def ov(number: int, author: str, hours: int | None, refs: tuple[str, ...] = ()) -> Overview:
    date = T0 + timedelta(hours=hours) if hours is not None else None
    return Overview(number, f"s{number}", author, date, f"<{number}@t>", refs)


ARTICLES = [
    ov(1, "Zed <z@x>", 5), ov(2, "amy <a@x>", 1, ("<1@t>",)), ov(3, "Zed <z@x>", 3, ("<1@t>", "<2@t>")),
    ov(4, "Bob <b@x>", None), ov(5, "Amy <a2@x>", 2, ("<gone@t>",)), ov(6, "Amy <a2@x>", 0, ("<gone@t>",)),
]


def test_views_cycle() -> None:
    assert [next_view(v) for v in ("threaded", "date", "author", "digest")] == ["date", "author", "digest", "threaded"]


def test_by_date_is_flat_oldest_first_undated_last_and_drops_missing_parents() -> None:
    threaded = flatten(thread(ARTICLES))
    assert any(row.article is None for row in threaded)
    rows = by_date(threaded)
    assert [row.article.number for row in rows] == [6, 2, 5, 3, 1, 4]
    assert all(row.depth == 0 and row.tree == "" and row.show_subject for row in rows)


def test_by_author_groups_names_case_blind_each_oldest_first() -> None:
    rows = by_author(flatten(thread(ARTICLES)))
    assert [(row.article.number, row.depth) for row in rows] == [(6, 0), (2, 1), (5, 1), (4, 0), (3, 0), (1, 1)]


def test_units_and_visible_rows() -> None:
    depths = [0, 1, 2, 1, 0, 0, 1]
    starts = [i for i, d in enumerate(depths) if d == 0]
    assert starts == [0, 4, 5]
    assert [unit_of(starts, 7, i) for i in (0, 3, 4, 6)] == [(0, 4), (0, 4), (4, 5), (5, 7)]
    assert visible_rows(starts, 7, {0}) == [0, 4, 5, 6]
    assert visible_rows(starts, 7, {0, 5}) == [0, 4, 5]
    assert visible_rows(starts, 7, set()) == list(range(7))
    assert position_of([0, 4, 5], 5) == 2 and position_of([0, 4, 5], 2) == 0


@given(st.lists(st.integers(0, 3), min_size=1, max_size=60), st.data())
def test_folding_hides_exactly_the_folded_units_tails(depths: list[int], data: st.DataObject) -> None:
    depths[0] = 0
    starts = [i for i, d in enumerate(depths) if d == 0]
    folded = set(data.draw(st.lists(st.sampled_from(starts), max_size=len(starts))))
    shown = visible_rows(starts, len(depths), folded)
    hidden = {i for s in folded for i in range(s + 1, unit_of(starts, len(depths), s)[1])}
    assert shown == [i for i in range(len(depths)) if i not in hidden]


def test_folding_150k_rows_shows_each_threads_root() -> None:
    """bench/structures_bench.py prints how long this takes."""
    rows = flatten(thread([ov(n, "a", n, (f"<{n - 1}@t>",) if n % 3 else ()) for n in range(150_000)]))
    starts = unit_starts(rows)
    shown = visible_rows(starts, len(rows), starts)
    assert len(shown) == 50_000
