"""Thread kills and watches by Message-ID closure.

A thread rule names one Message-ID (a root, or a reply for a subthread). It
covers that article and every article whose References name it, whatever the
Subject says and however late the article arrives; an article whose References
were truncated still joins if it references a covered article. Matching is set
intersection, so it is independent of article order and linear in practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from nntp.models import Overview


def closure(articles: Sequence[Overview], roots: Iterable[str]) -> dict[int, set[str]]:
    """Article index -> the root Message-IDs (from ``roots``) whose thread holds it."""
    wanted = set(roots)
    if not wanted:
        return {}
    covered: dict[int, set[str]] = {}
    for i, a in enumerate(articles):
        if a.message_id in wanted or not wanted.isdisjoint(a.references):
            hit = wanted.intersection(a.references)
            if a.message_id in wanted:
                hit.add(a.message_id)
            covered[i] = hit
    _extend(articles, covered)
    return covered


def _extend(articles: Sequence[Overview], covered: dict[int, set[str]]) -> None:
    """Add articles that reach a covered article only through a covered descendant."""
    while True:
        roots_of: dict[str, set[str]] = {}
        for i, hit in covered.items():
            roots_of.setdefault(articles[i].message_id, set()).update(hit)
        keys = set(roots_of)
        grew = False
        for i, a in enumerate(articles):
            if i in covered or not a.references or keys.isdisjoint(a.references):
                continue
            covered[i] = set().union(*(roots_of[r] for r in a.references if r in roots_of))
            grew = True
        if not grew:
            return


def live(rules: Iterable, now: datetime) -> list:
    """Rules (thread or author) that have not expired by ``now``."""
    return [r for r in rules if r.expires is None or r.expires > now]


def thread_root(article: Overview) -> str:
    """The Message-ID to kill when the reader kills "this thread": its first reference."""
    return article.references[0] if article.references else article.message_id
