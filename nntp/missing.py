"""A title for a missing article (expired, never arrived) that replies still refer to.

slrn and tin show such a thread root with its replies' subject rather than a bare
"missing" line, so the thread can still be recognised; the thread view and
``pith threads`` both use this. Pure: no textual, no rich. Works on trees of
either mode of ``ThreadNode``; in columns mode it reads dates and subjects from
the columns, building no record.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from nntp.threads import ThreadNode

_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?)(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def missing_title(node: ThreadNode) -> str:
    """The subject a missing article most likely had: its earliest reply's, without "Re:"; "" with none."""
    return missing_titles(node).get(id(node), "")


def missing_titles(root: ThreadNode) -> dict[int, str]:
    """``id(node)`` -> missing_title(node) for every article-less node of the thread, in one pass
    (bottom-up), so a deep chain of placeholders costs O(n), not a walk per node."""
    earliest: dict[int, tuple[tuple[bool, datetime, int], ThreadNode]] = {}
    titles: dict[int, str] = {}
    for _depth, node in reversed(list(root.walk())):  # children before their parents
        candidates = [earliest[id(child)] for child in node.children if id(child) in earliest]
        if node.number is not None:
            candidates.append((_date_key(node), node))
        else:
            first = min(candidates, key=_first, default=None)
            titles[id(node)] = " ".join(_REPLY_PREFIX.sub("", _subject(first[1])).split()) if first else ""
        if candidates:
            earliest[id(node)] = min(candidates, key=_first)
    return titles


def _first(candidate: tuple[tuple[bool, datetime, int], ThreadNode]) -> tuple[bool, datetime, int]:
    return candidate[0]


def _date_key(node: ThreadNode) -> tuple[bool, datetime, int]:
    """(no date, date, number) of an article node: undated articles come last."""
    source = node.source
    if source is not None:
        date = source.date(node.index)
        return (date is None, date or _EPOCH, source.numbers[node.index])
    article = node.article
    assert article is not None
    return (article.date is None, article.date or _EPOCH, article.number)


def _subject(node: ThreadNode) -> str:
    source = node.source
    if source is not None:
        return source.subject(node.index)
    article = node.article
    return article.subject if article is not None else ""
