"""The dominated detector against a plain, obviously-right count, on random threads.

The engine prunes (thread, author) pairs before testing the share; these
properties pin that the pruning never changes the answer, share boundaries included.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from killfile.detectors import dominated
from killfile.facts import Facts
from killfile.model import DetectorConfig
from tests.killfile.helpers import ov


def _threads(shapes: list[list[int]]) -> list:
    """One article per author index; the first of each list is the thread's root."""
    arts = []
    number = 0
    for authors in shapes:
        root = f"<{number + 1}@example.org>"
        for k, who in enumerate(authors):
            number += 1
            arts.append(ov(number, author=f"p{who}@x", refs=() if k == 0 else (root,)))
    return arts


def _oracle(arts: list, percent: float, least: int) -> set[int]:
    threads: dict[str, list[int]] = {}
    for i, a in enumerate(arts):
        threads.setdefault(a.references[0] if a.references else a.message_id, []).append(i)
    tagged: set[int] = set()
    for members in threads.values():
        counts = Counter(arts[i].author for i in members)
        if len(members) >= max(least, 1) and any(c * 100 > len(members) * percent for c in counts.values()):
            tagged.update(members)
    return tagged


@settings(max_examples=150, deadline=None)
@given(shapes=st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=14), max_size=8),
       percent=st.sampled_from([0.0, 10.0, 33.3, 50.0, 75.0, 99.0, 100.0]), least=st.integers(0, 12))
def test_dominated_matches_a_plain_count(shapes: list[list[int]], percent: float, least: int) -> None:
    arts = _threads(shapes)
    config = DetectorConfig(dominated_percent=percent, dominated_min=least)
    assert dominated(Facts(arts), config) == _oracle(arts, percent, least)


def test_exactly_the_share_is_not_dominated() -> None:
    arts = _threads([[0, 0, 0, 0, 0, 1, 1, 1, 1, 1]])  # 5 of 10 = 50%: not *more* than 50%
    assert dominated(Facts(arts), DetectorConfig(dominated_percent=50.0, dominated_min=10)) == set()
    arts = _threads([[0, 0, 0, 0, 0, 0, 1, 1, 1, 1]])
    assert dominated(Facts(arts), DetectorConfig(dominated_percent=50.0, dominated_min=10)) == set(range(10))


@settings(max_examples=100, deadline=None)
@given(shapes=st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=12), max_size=8),
       asked=st.lists(st.integers(0, 12), min_size=1, max_size=3))
def test_pairs_over_counts_every_busy_pair_exactly(shapes: list[list[int]], asked: list[int]) -> None:
    """Whatever was asked before, pairs_over(k) is every (thread, author) pair with more than k articles."""
    arts = _threads(shapes)
    facts = Facts(arts)
    plain = Counter((a.references[0] if a.references else a.message_id, a.author) for a in arts)
    span = facts.author_count
    for limit in asked:
        counts = facts.pairs_over(limit)
        named = {(facts.thread_keys[facts.thread_ids.index(key // span)],
                  arts[facts.address_ids.index(key % span)].author): n for key, n in counts.items()}
        assert named == {pair: n for pair, n in plain.items() if n > limit}
