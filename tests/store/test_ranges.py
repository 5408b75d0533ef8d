"""RangeSet against a plain set of numbers, and at the size of a busy group."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.ranges import RangeError, RangeSet

ops = st.lists(st.tuples(st.sampled_from(["add", "range", "remove"]), st.integers(1, 60), st.integers(0, 8)),
               max_size=60)


@settings(max_examples=300, deadline=None)
@given(ops)
def test_matches_a_plain_set(operations: list[tuple[str, int, int]]) -> None:
    ranges, plain = RangeSet(), set()
    for op, n, width in operations:
        if op == "add":
            ranges.add(n)
            plain.add(n)
        elif op == "range":
            ranges.add_range(n, n + width)
            plain.update(range(n, n + width + 1))
        else:
            ranges.remove(n)
            plain.discard(n)
    assert list(ranges) == sorted(plain)
    assert all((k in ranges) == (k in plain) for k in range(0, 75))
    pairs = ranges.ranges()
    assert all(a <= b for a, b in pairs)
    assert all(pairs[i][1] + 1 < pairs[i + 1][0] for i in range(len(pairs) - 1))  # disjoint, not touching
    assert RangeSet.parse(ranges.format()) == ranges
    assert ranges.count_between(10, 40) == len([k for k in plain if 10 <= k <= 40])


def test_parse_accepts_unordered_overlapping_items_and_rejects_garbage() -> None:
    assert RangeSet.parse("9-12, 1-5,7,3-4,6").format() == "1-7,9-12"
    assert RangeSet.parse("").format() == ""
    for bad in ("1-", "a", "1-b", "5--6"):
        with pytest.raises(RangeError):
            RangeSet.parse(bad)


def test_a_million_alternating_marks_and_their_export() -> None:
    """bench/newsrc_bench.py prints how long this takes."""
    marks = RangeSet()
    for n in range(1, 1_000_001, 2):
        marks.add(n)
    text = marks.format()
    assert text.startswith("1,3,5,") and len(marks) == 500_000
