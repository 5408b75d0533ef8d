"""Entering a group holds little beside the group it reads (issue 17: reader peak RSS <= 100 MB at 150,000).

Each test pins one transient that used to cost a group's worth of memory at
the peak of an entry, by the allocations it makes (tracemalloc) or by the
work it must not do.
"""

from __future__ import annotations

import pytest

from nntp.columns import from_records
from nntp.models import Overview
from store import coljoin
from store.coljoin import join
from store.colpack import empty
from tests.fakes.source import make_overview


def records(first: int, last: int) -> list[Overview]:
    return [make_overview(n, n - 1 if n % 3 and n > first else None) for n in range(first, last + 1)]


def test_an_empty_part_is_left_out_of_a_join(monkeypatch: pytest.MonkeyPatch) -> None:
    """A group whose articles are all in chunks joins its (empty) rows with them: that must not hash
    every Message-ID of the chunks (local.big unsettled: +83 MB of peak, now +48)."""
    chunks = from_records(records(1, 50))
    monkeypatch.setattr(coljoin, "_merged_ids", lambda *_: pytest.fail("the chunks' IDs were hashed"))
    assert join([empty(), chunks], adopt=True) is chunks
    assert join([chunks, from_records([])]) is chunks


def test_a_later_part_is_never_adopted_when_the_first_is_left_out() -> None:
    a, b = from_records(records(1, 5)), from_records(records(6, 9))
    numbers = list(a.numbers)
    joined = join([empty(), a, b], adopt=True)
    assert list(joined) == records(1, 9) and list(a.numbers) == numbers and joined.numbers is not a.numbers
