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

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from nntp.models import Overview

from killfile.facts import Facts


def whole_threads(facts: Facts, roots: Iterable[str]) -> dict[int, set[str]]:
    """Article index -> the Message-IDs (from ``roots``) whose thread holds it.

    An ID belongs to the thread of every article that has it or names it in
    References; two passes find those (on ID codes when the facts are columns),
    the rest is the thread's membership.
    """
    names = facts.keys_of(set(roots))
    if not names:
        return {}
    keys = set(names)
    named: dict[int, set[str]] = {}
    threads, own = facts.thread_ids, facts.own_keys
    for i in facts.having(keys):
        named.setdefault(threads[i], set()).add(names[own[i]])
    for i in facts.naming(keys):
        named.setdefault(threads[i], set()).update(names[k] for k in facts.reference_keys(i) if k in keys)
    return {i: named[threads[i]] for i in facts.members(set(named))}


def closure(facts: Facts, roots: Iterable[str]) -> dict[int, set[str]]:
    """Article index -> the root Message-IDs (from ``roots``) whose thread holds it.

    Each pass is one compiled scan of every article's References (killfile.kernels). The first finds every
    article whose References name a root (all of them, when References are
    complete); later passes look only for articles reaching the thread through
    an article found in the pass before (truncated References). Message-IDs are
    the facts' keys: strings for records, integer codes for columns.
    """
    roots_of: dict[Any, set[str]] = {key: {m} for key, m in facts.keys_of(set(roots)).items()}
    if not roots_of:
        return {}
    frontier = set(roots_of)
    found = sorted(set(facts.having(frontier)) | set(facts.naming(frontier)))
    covered: dict[int, set[str]] = {}
    keys = facts.own_keys
    while found:
        frontier = set()
        for i in found:
            own = keys[i]
            hit: set[str] = set()
            for ref in (*facts.reference_keys(i), own):
                hit |= roots_of.get(ref, set())
            covered[i] = hit
            if own not in roots_of:
                frontier.add(own)
        for i in found:
            roots_of.setdefault(keys[i], set()).update(covered[i])
        if not frontier:
            break
        found = [i for i in facts.naming(frontier) if i not in covered]
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
