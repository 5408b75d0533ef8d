"""Noise detectors. They only add tags (``pingpong``, ``dominated``); hiding is a rule's decision.

pingpong: two authors answering each other, parent to child, more than N times
in a row — every article of that exchange is tagged.
dominated: one author wrote more than X% of a thread of at least M articles —
every article of the thread is tagged.
"""

from __future__ import annotations

from collections import Counter

from killfile.facts import Facts
from killfile.model import DetectorConfig


def pingpong(facts: Facts, config: DetectorConfig) -> set[int]:
    """Articles in an alternating two-author chain with more than ``pingpong_replies`` answers."""
    parents = facts.parents
    authors = facts.addresses
    run = _runs(parents, authors)
    need = config.pingpong_replies + 1
    tagged: set[int] = set()
    for i, length in enumerate(run):
        if length > need:
            _tag_chain(i, length, parents, tagged)
    return tagged


def _runs(parents: list[int], authors: list[str]) -> list[int]:
    """Length of the alternating chain ending at each article, without recursion."""
    run = [0] * len(parents)
    for start in range(len(parents)):
        if run[start]:
            continue
        path = []
        i = start
        seen: set[int] = set()
        while i >= 0 and not run[i] and i not in seen:
            seen.add(i)
            path.append(i)
            i = parents[i]
        for i in reversed(path):
            run[i] = _step(i, parents, authors, run)
    return run


def _step(i: int, parents: list[int], authors: list[str], run: list[int]) -> int:
    p = parents[i]
    if p < 0 or not run[p] or authors[p] == authors[i]:
        return 1
    gp = parents[p]
    if run[p] >= 2 and gp >= 0 and authors[gp] == authors[i]:
        return run[p] + 1
    return 2


def _tag_chain(i: int, length: int, parents: list[int], tagged: set[int]) -> None:
    for _ in range(length):
        if i < 0 or i in tagged:
            return
        tagged.add(i)
        i = parents[i]


def dominated(facts: Facts, config: DetectorConfig) -> set[int]:
    """Articles of threads where one author wrote more than the configured share."""
    keys = facts.thread_keys
    sizes = Counter(keys)
    big = {k for k, n in sizes.items() if n >= max(config.dominated_min, 1)}
    if not big:
        return set()
    authors = facts.addresses
    per_thread: dict[str, Counter[str]] = {}
    members: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key in big:
            per_thread.setdefault(key, Counter())[authors[i]] += 1
            members.setdefault(key, []).append(i)
    tagged: set[int] = set()
    for key, counts in per_thread.items():
        top = max(counts.values())
        if top * 100 > config.dominated_percent * sizes[key]:
            tagged.update(members[key])
    return tagged
