"""The thread list's orders (the digest is built from scores, in app.scoring) and its folding, as pure functions
over display rows.

A *fold unit* is a run of rows from a depth-0 row to the next one: a thread in
the threaded view, one author's articles in the author view (the first at depth
0, the rest at depth 1), a single article in the flat view. Folding keeps the
unit's first row and hides the rest. Everything here is O(n) or O(n log n) and
runs in a worker for big groups. Pure Python: no textual, no rich.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from enum import StrEnum

from app.rows import LazyRows, ThreadRow, date_key, display_name, row_author


class View(StrEnum):
    """The thread list's orders, in the order ``o`` cycles through them (a StrEnum: "date" names one)."""

    THREADED = "threaded"
    DATE = "date"
    AUTHOR = "author"
    DIGEST = "digest"


VIEWS = tuple(View)
FLAT = (View.DATE, View.AUTHOR)
VIEW_TITLES = {View.THREADED: "threaded", View.DATE: "flat by date", View.AUTHOR: "grouped by author",
               View.DIGEST: "digest: the threads worth reading, and why"}


def next_view(view: View | str) -> View:
    return VIEWS[(VIEWS.index(View(view)) + 1) % len(VIEWS)]


def arrange(threaded: Sequence[ThreadRow], view: View) -> Sequence[ThreadRow]:
    """The rows of ``view``, built from the threaded rows (missing parents drop out of the flat views; rows of
    a big group's Columns are sorted from the columns instead: ``app.flatrows``)."""
    if view == View.DATE:
        return by_date(threaded)
    if view == View.AUTHOR:
        return by_author(threaded)
    return threaded


def by_date(threaded: Iterable[ThreadRow]) -> list[ThreadRow]:
    """Every article once, oldest first (undated ones last), no tree."""
    articles = sorted((row for row in threaded if row.number is not None), key=date_key)
    return [_flat(row, 0) for row in articles]


def _flat(row: ThreadRow, depth: int) -> ThreadRow:
    """The row's article on a line of its own (the same article: no record built)."""
    return row._replace(tree="", show_subject=True, depth=depth, title="")


def by_author(threaded: Iterable[ThreadRow]) -> list[ThreadRow]:
    """Articles grouped by the poster's name (case-blind), groups A-Z, each oldest first."""
    names: dict[str, str] = {}
    keyed = []
    for row in threaded:
        if row.number is None:
            continue
        author = row_author(row)
        name = names.get(author)
        if name is None:
            name = names[author] = display_name(author).casefold()
        keyed.append((name, date_key(row), row))
    keyed.sort(key=lambda item: (item[0], item[1]))
    rows: list[ThreadRow] = []
    previous = None
    for name, _key, row in keyed:
        depth = 0 if name != previous else 1
        rows.append(_flat(row, depth))
        previous = name
    return rows


def unit_starts(rows: Sequence[ThreadRow]) -> list[int]:
    """Indices of the depth-0 rows (each starts a fold unit), ascending (from the slots: no row made)."""
    if isinstance(rows, LazyRows):
        return rows.unit_starts()
    return [index for index, row in enumerate(rows) if row.depth == 0]


def unit_of(starts: list[int], total: int, index: int) -> tuple[int, int]:
    """(first, end) of the fold unit holding row ``index`` (end exclusive)."""
    position = bisect_right(starts, index) - 1
    first = starts[position] if position >= 0 else 0
    end = starts[position + 1] if position + 1 < len(starts) else total
    return first, end


def visible_rows(starts: list[int], total: int, folded: Iterable[int]) -> list[int]:
    """Indices of the rows shown when the units starting at ``folded`` are folded (ascending)."""
    shown: list[int] = []
    position = 0
    for first in sorted(folded):
        _, end = unit_of(starts, total, first)
        shown.extend(range(position, first + 1))
        position = end
    shown.extend(range(position, total))
    return shown


def position_of(visible: list[int], index: int) -> int:
    """Where row ``index`` (or the nearest shown row before it) sits among the visible rows."""
    position = bisect_left(visible, index)
    if position < len(visible) and visible[position] == index:
        return position
    return max(0, position - 1)
