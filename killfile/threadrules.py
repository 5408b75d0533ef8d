"""Thread kills and watches: whole threads by the engine's thread identity, subthreads by Message-ID closure.

A thread rule names one Message-ID. A whole-thread rule covers every article of
the JWZ thread that ID belongs to (``Facts.thread_ids``: trimmed References
joined through any shared ID), so a thread whose 1993 replies cut References
from the front is still killed whole. A subthread rule (made from a reply)
covers that article and every article whose References name it, whatever the
Subject says and however late the article arrives; an article whose References
were truncated still joins if it references a covered article. Matching is set
intersection, so it is independent of article order and linear in practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from nntp.models import Overview

from killfile.facts import Facts
from killfile.kernels import as_list, indices_in, indices_naming


def whole_threads(facts: Facts, roots: Iterable[str]) -> dict[int, set[str]]:
    """Article index -> the Message-IDs (from ``roots``) whose thread holds it.

    An ID belongs to the thread of every article that has it or names it in
    References; two passes find those, the rest is the thread's membership.
    """
    wanted = set(roots)
    if not wanted:
        return {}
    named: dict[int, set[str]] = {}
    ids, refs, threads = facts.message_ids, facts.references, facts.thread_ids
    for i in indices_in(ids, wanted):
        named.setdefault(threads[i], set()).add(ids[i])
    for i in indices_naming(refs, wanted):
        named.setdefault(threads[i], set()).update(wanted.intersection(refs[i]))
    return {i: named[threads[i]] for i in facts.members(set(named))}


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


class _Expiring(Protocol):
    """A thread or author rule: anything that may expire."""

    @property
    def expires(self) -> datetime | None: ...


_R = TypeVar("_R", bound=_Expiring)


def live(rules: Iterable[_R], now: datetime) -> list[_R]:
    """Rules (thread or author) that have not expired by ``now``."""
    return [r for r in rules if r.expires is None or r.expires > now]


def thread_root(article: Overview) -> str:
    """A Message-ID of the article's thread (its first reference): a whole-thread rule on it covers the thread."""
    return article.references[0] if article.references else article.message_id
