"""What the CLI reads of a whole group, taken from its columns when it has them (nntp/columns.py).

A group's overviews come as ``Columns``: iterating them makes one ``Overview``
record per article, which is what the columnar model exists to avoid. The
commands that only need every article's number or date (catch-up, the hidden
set, score verdicts) read the arrays here instead; a plain list of records (an
archive, a test) still works, record by record.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import islice
from operator import lt
from nntp.columns import NO_DATE, Columns
from nntp.models import Overview
from store.ranges import RangeSet


def numbers_of(articles: Sequence[Overview]) -> Sequence[int]:
    """Every article's number, in order: the ``numbers`` array itself when ``articles`` are Columns."""
    if isinstance(articles, Columns):
        return articles.numbers
    return [a.number for a in articles]


def message_ids_of(articles: Sequence[Overview]) -> Iterable[str]:
    """Every article's own Message-ID, in order (decoded from the ID table in one pass for Columns)."""
    if isinstance(articles, Columns):
        return articles.message_id_column()
    return (a.message_id for a in articles)


def subjects_of(articles: Sequence[Overview]) -> Iterable[str]:
    """Every article's Subject, in order (from the table of distinct Subjects for Columns)."""
    if isinstance(articles, Columns):
        return articles.subject_column()
    return (a.subject for a in articles)


def numbers_dated_before(articles: Sequence[Overview], cutoff: datetime) -> list[int]:
    """Numbers of the articles with a Date before ``cutoff`` (an article without one is never old)."""
    if isinstance(articles, Columns):
        limit = cutoff.timestamp()
        return [n for n, stamp in zip(articles.numbers, articles.stamps) if stamp != NO_DATE and stamp < limit]
    return [a.number for a in articles if a.date is not None and a.date < cutoff]


def read_flags(numbers: Sequence[int], read: RangeSet) -> bytearray:
    """``flags[i]`` is 1 when ``numbers[i]`` is read: one bisection per read range when the numbers ascend."""
    flags = bytearray(len(numbers))
    if not all(map(lt, numbers, islice(numbers, 1, None))):
        for i, number in enumerate(numbers):
            flags[i] = number in read
        return flags
    for start, end in read.ranges():
        lo, hi = bisect_left(numbers, start), bisect_right(numbers, end)
        flags[lo:hi] = b"\x01" * (hi - lo)
    return flags
