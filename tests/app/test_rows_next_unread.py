"""n / p / N's search for the next unread article, as a pure function over the rows."""

from __future__ import annotations

from nntp.threads import thread
from app.rows import flatten, next_unread
from tests.fakes.source import make_overview

ROWS = flatten(thread([make_overview(1), make_overview(2, parent=1), make_overview(3, parent=9),
                       make_overview(4, parent=9)]))


def test_the_first_unread_article_in_the_order_asked() -> None:
    assert [row.article.number if row.article else None for row in ROWS] == [1, 2, None, 3, 4]
    assert next_unread(ROWS, range(1, 5), {3}) == 3  # the missing parent is skipped
    assert next_unread(ROWS, range(3, -1, -1), {1, 2}) == 1
    assert next_unread(ROWS, range(0, 5), set()) is None
    assert next_unread(ROWS, range(2, 4), None) == 3  # no marks yet: any article
