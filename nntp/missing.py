"""A title for a missing article (expired, never arrived) that replies still refer to.

slrn and tin show such a thread root with its replies' subject rather than a bare
"missing" line, so the thread can still be recognised; the thread view and
``pith threads`` both use this. Pure: no textual, no rich.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from nntp.models import Overview
from nntp.threads import ThreadNode

_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?)(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def missing_title(node: ThreadNode) -> str:
    """The subject a missing article most likely had: its earliest reply's, without "Re:"; "" with none."""
    return missing_titles(node).get(id(node), "")


def missing_titles(root: ThreadNode) -> dict[int, str]:
    """``id(node)`` -> missing_title(node) for every article-less node of the thread, in one pass
    (bottom-up), so a deep chain of placeholders costs O(n), not a walk per node."""
    earliest: dict[int, Overview] = {}
    titles: dict[int, str] = {}
    for _depth, node in reversed(list(root.walk())):  # children before their parents
        candidates = [earliest[id(child)] for child in node.children if id(child) in earliest]
        if node.article is not None:
            candidates.append(node.article)
        else:
            first = min(candidates, key=_date_key, default=None)
            titles[id(node)] = " ".join(_REPLY_PREFIX.sub("", first.subject).split()) if first else ""
        if candidates:
            earliest[id(node)] = min(candidates, key=_date_key)
    return titles


def _date_key(article: Overview) -> tuple[bool, datetime, int]:
    return (article.date is None, article.date or _EPOCH, article.number)
