"""Noise detectors. They only add tags (``pingpong``, ``dominated``); hiding is a rule's decision.

pingpong: two authors answering each other, parent to child, more than N times
in a row — every article of that exchange is tagged.
dominated: one author wrote more than X% of a thread of at least M articles —
every article of the thread is tagged.

A thread is the JWZ thread the reader sees (``Facts.thread_ids``): on 1993
Usenet, where clients trimmed References from the front, judging fragments
tagged none of talk.politics.misc's real exchanges and dominated threads.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from itertools import repeat
from typing import Any

from killfile.facts import Facts
from killfile.model import DetectorConfig


def pingpong(facts: Facts, config: DetectorConfig) -> set[int]:
    """Articles in an alternating two-author chain with more than ``pingpong_replies`` answers.

    A chain of more than N answers holds at least (N + 2) // 2 articles by each of
    its two authors in one thread, so only threads with two such authors (found
    from the shared (thread, author) counts) are walked.
    """
    need = (config.pingpong_replies + 2) // 2
    span = facts.author_count
    busy_pairs = facts.pairs_over(need - 1)  # (thread, author) with ``need`` articles or more
    busy: Counter[int] = Counter(map(operator.floordiv, busy_pairs, repeat(span)))
    threads = {t for t, authors in busy.items() if authors >= 2}
    members = facts.members(threads)
    if not members:
        return set()
    parents = _local_parents(facts, members)
    authors = facts.address_ids
    extends = [i for i, p in parents.items()
               if p >= 0 and (g := parents.get(p, -1)) >= 0 and authors[g] == authors[i] != authors[p]]
    ext = set(extends)
    run: dict[int, int] = {}
    for i in extends:
        _run(i, parents, ext, run)
    tagged: set[int] = set()
    for i in sorted(extends, key=lambda k: (-run[k], k)):
        if run[i] > config.pingpong_replies + 1:
            _tag_chain(i, run[i], parents, tagged)
    return tagged


def _local_parents(facts: Facts, members: list[int]) -> dict[int, int]:
    """Nearest present ancestor of each member, looked up among the members' own Message-IDs
    (the facts' keys: strings for records, integer codes for columns)."""
    own, named = facts.own_keys, facts.reference_keys
    by_id: dict[Any, int] = {}
    for i in members:
        by_id.setdefault(own[i], i)
    out: dict[int, int] = {}
    for i in members:
        mine = own[i]
        out[i] = next((by_id[r] for r in reversed(named(i)) if r in by_id and r != mine), -1)
    return out


def _run(start: int, parents: dict[int, int], ext: set[int], run: dict[int, int]) -> int:
    """Chain length ending at ``start``: 2 at the first answer, +1 per alternating reply."""
    path: list[int] = []
    i = start
    while i in ext and i not in run and len(path) <= len(ext):
        path.append(i)
        i = parents.get(i, -1)
    base = run.get(i, 2) if i in ext else 2  # i is the chain's first answer (its parent opened it)
    for k in reversed(path):
        base = base + 1
        run[k] = base
    return run[start]


def _tag_chain(i: int, length: int, parents: dict[int, int], tagged: set[int]) -> None:
    # Walk the whole chain even through articles another chain already tagged: two
    # exchanges sharing a middle article must tag the same set in any input order.
    for _ in range(length):
        if i < 0:
            return
        tagged.add(i)
        i = parents.get(i, -1)


def dominated(facts: Facts, config: DetectorConfig) -> set[int]:
    """Articles of threads where one author wrote more than the configured share.

    An author can only dominate a thread of at least M articles with more than
    X% of M articles, so only the (thread, author) pairs with that many are
    counted out (``pairs_over``); the share test runs on those few, not on every pair.
    """
    sizes = facts.thread_sizes
    least = max(config.dominated_min, 1)
    if max(sizes.values(), default=0) < least:
        return set()
    floor = least * config.dominated_percent / 100
    span = facts.author_count
    hit = set()
    for key, count in facts.pairs_over(math.floor(floor)).items():  # count > floor, in whole articles
        size = sizes[key // span]
        if size >= least and count * 100 > size * config.dominated_percent:
            hit.add(key // span)
    return set(facts.members(hit))
