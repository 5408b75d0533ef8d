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

from killfile.kernels import as_list, indices_in, indices_naming


def closure(articles: Sequence[Overview], roots: Iterable[str], refs: Sequence[tuple[str, ...]] | None = None,
            msgids: Sequence[str] | None = None) -> dict[int, set[str]]:
    """Article index -> the root Message-IDs (from ``roots``) whose thread holds it.

    Each pass is one compiled scan of every article's References (killfile.kernels). The first finds every
    article whose References name a root (all of them, when References are
    complete); later passes look only for articles reaching the thread through
    an article found in the pass before (truncated References).
    """
    roots_of: dict[str, set[str]] = {r: {r} for r in roots}
    if not roots_of:
        return {}
    frontier = set(roots_of)
    refs = as_list(refs) if refs is not None else [a.references for a in articles]
    msgids = as_list(msgids) if msgids is not None else [a.message_id for a in articles]
    found = sorted(set(indices_in(msgids, frontier)) | set(indices_naming(refs, frontier)))
    covered: dict[int, set[str]] = {}
    while found:
        frontier = set()
        for i in found:
            a = articles[i]
            hit: set[str] = set()
            for ref in (*a.references, a.message_id):
                hit |= roots_of.get(ref, set())
            covered[i] = hit
            if a.message_id not in roots_of:
                frontier.add(a.message_id)
        for i in found:
            roots_of.setdefault(articles[i].message_id, set()).update(covered[i])
        if not frontier:
            break
        found = [i for i in indices_naming(refs, frontier) if i not in covered]
    return covered


def live(rules: Iterable, now: datetime) -> list:
    """Rules (thread or author) that have not expired by ``now``."""
    return [r for r in rules if r.expires is None or r.expires > now]


def thread_root(article: Overview) -> str:
    """The Message-ID to kill when the reader kills "this thread": its first reference."""
    return article.references[0] if article.references else article.message_id
