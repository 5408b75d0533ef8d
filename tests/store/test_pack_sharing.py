"""Decoded packs share repeated authors and subjects with each other, not only within one pack.

marshal shares equal strings inside one blob; a big group is read back from dozens
of packs, and without sharing across them local.big's 150,000 records held 96,000
author and 64,000 subject objects for 8,700 and 15,000 values (~11 MB).
"""

from __future__ import annotations

from store import packs
from tests.fakes.source import make_overview


def test_two_packs_share_their_authors_and_subjects() -> None:
    first = packs.decode(packs.encode_records([make_overview(1), make_overview(2, 1)]))
    second = packs.decode(packs.encode_records([make_overview(4), make_overview(5, 1)]))
    assert first[0].author == second[0].author and first[0].author is second[0].author  # user1@fake
    assert first[1].subject is second[1].subject  # "Re: topic 1"
    assert first + second == [make_overview(n, p) for n, p in ((1, None), (2, 1), (4, None), (5, 1))]
