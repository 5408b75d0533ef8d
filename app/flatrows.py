"""The flat views (by date, by author) of a big group as article indices, their rows made on demand.

Arranging local.big's 150,000 rows by date made a row per article and a key per
row (~1 s, and 150,000 rows held while the view shows); here the order is sorted
from the columns (dates, numbers, one name per distinct author) and the rows are
made for what is drawn, as ``ThreadRows`` does for the threaded view. The rows
are those ``app.views`` makes: the article alone on its line, no tree.
Pure Python: no textual, no rich.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence

from nntp.columns import NO_DATE, Columns
from nntp.threads import ThreadNode
from app.rows import LazyRows, ThreadRow, display_name, flat_shape
from app.threadrows import ThreadRows
from app.views import View


class FlatRows(LazyRows):
    """Articles of ``source`` in a given order, each on a line of its own at depth 0 or 1 (the first of an
    author's articles at 0 in the author view)."""

    def __init__(self, source: Columns, order: array[int], depths: bytes | bytearray | None = None) -> None:
        self.source = source
        self.order = order
        """The articles' indices in ``source``, in the view's order."""
        self._depths = depths

    def __len__(self) -> int:
        return len(self.order)

    def _row(self, index: int) -> ThreadRow:
        row = ThreadRow.__new__(ThreadRow)
        row._item = ThreadNode.at(self.source, self.order[index])
        row._shape = flat_shape(self._depths[index] if self._depths is not None else 0)
        return row

    def number(self, index: int) -> int:
        return self.source.numbers[self.order[index]]

    def numbers(self) -> Iterator[int]:
        numbers = self.source.numbers
        return (numbers[i] for i in self.order)

    def unit_starts(self) -> list[int]:
        depths = self._depths
        return list(range(len(self))) if depths is None else [k for k, depth in enumerate(depths) if depth == 0]


def by_date(source: Columns, indices: Iterable[int]) -> FlatRows:
    """The articles oldest first, undated ones last, then by number (``app.views.by_date``'s order)."""
    stamps, numbers = source.stamps, source.numbers
    order = sorted(indices, key=lambda i: (stamps[i] == NO_DATE, 0 if stamps[i] == NO_DATE else stamps[i], numbers[i]))
    return FlatRows(source, array("i", order))


def by_author(source: Columns, indices: Iterable[int]) -> FlatRows:
    """The articles grouped by the poster's name (case-blind), groups A-Z, each oldest first; each group's
    first at depth 0 (``app.views.by_author``'s rows). A name is worked out once per distinct From."""
    stamps, numbers, codes = source.stamps, source.numbers, source.author_codes
    names: dict[int, str] = {}

    def name(i: int) -> str:
        code = codes[i]
        found = names.get(code)
        if found is None:
            found = names[code] = display_name(source.authors[code]).casefold()
        return found

    order = sorted(indices, key=lambda i: (name(i), stamps[i] == NO_DATE, 0 if stamps[i] == NO_DATE else stamps[i],
                                           numbers[i]))
    depths = bytearray(len(order))
    for k in range(1, len(order)):
        depths[k] = name(order[k]) == name(order[k - 1])
    return FlatRows(source, array("i", order), depths)


def flat_view(source: Columns, indices: Iterable[int], view: View) -> FlatRows:
    """The flat view ``view`` (by date or by author) of these articles of ``source``."""
    return by_author(source, indices) if view == View.AUTHOR else by_date(source, indices)


def article_indices(rows: Sequence[ThreadRow], source: Columns) -> list[int] | None:
    """The indices in ``source`` of the articles of ``rows``, in order; None if a row's article is not one of
    ``source``'s (rows from records)."""
    if isinstance(rows, ThreadRows):
        return rows.article_indices(source)
    if isinstance(rows, FlatRows):
        return list(rows.order) if rows.source is source else None
    out: list[int] = []
    for row in rows:
        if row.number is None:
            continue
        if row.source is not source:
            return None
        out.append(row.index)
    return out
