"""Thread nodes and article sequences in either mode, without building a record in columns mode.

Trees threaded from ``Columns`` hold (source, index) per article (``ThreadNode.at``);
trees threaded from records hold the record. The loops over every node or article
(rows, pruning, scores, read marks) read ``node.source``/``index``/``number`` and
these, so a big group's 150,000 articles never turn into 150,000 records
(``node.article`` and ``columns[i]`` build one on each access).
Pure Python: no textual, no rich.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from nntp.columns import Columns
from nntp.models import Overview
from nntp.threads import ThreadNode


def is_article(node: ThreadNode) -> bool:
    """Whether the node holds an article (not a dummy for a missing one)."""
    return node.number is not None


def with_children(node: ThreadNode, children: tuple[ThreadNode, ...], keep_article: bool = True) -> ThreadNode:
    """A copy of ``node`` with other children, in the same mode; without its article when not ``keep_article``
    (a placeholder that keeps the tree's shape)."""
    source = node.source
    if source is not None and keep_article:
        return ThreadNode.at(source, node.index, children)
    return ThreadNode(node.article if keep_article else None, node.message_id, children)


def numbers_of(articles: Sequence[Overview]) -> Sequence[int]:
    """Every article's number, from the numbers column when ``articles`` is Columns (no records)."""
    if isinstance(articles, Columns):
        return articles.numbers
    return [article.number for article in articles]


def message_ids_of(articles: Sequence[Overview]) -> Iterator[str]:
    """Every article's Message-ID, in order, one at a time (from the columns when it is Columns: no record, and
    no list of 150,000 strings)."""
    if isinstance(articles, Columns):
        return map(articles.message_id, range(len(articles)))
    return (article.message_id for article in articles)
