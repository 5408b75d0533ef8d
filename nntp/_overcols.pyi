# The compiled OVER reader (nntp/_overcols.pyx, built by setup.py); nntp/overcols.py uses it when it imports.
from array import array
from collections.abc import Callable
from datetime import datetime

from nntp.models import Overview

Parts = tuple[array[int], array[int], array[int], array[int], array[int], list[str], array[int], list[str],
              array[int], bytes, array[int], array[int], array[int], bytes, array[int],
              dict[int, tuple[tuple[str, str], ...]]]
"""numbers, stamps, sizes, lines, subject codes, subjects, author codes, authors, id codes, id blob, id ends,
ref starts, ref codes, xref blob, xref ends, extras: what ``Columns`` is made of."""

class Filler:
    skipped: int
    @property
    def filled(self) -> int: ...
    def __init__(self, want: int, line_record: Callable[[bytes], Overview | None], clean: Callable[[str], str],
                 fast_date: Callable[[str], datetime | None], to_int: Callable[[str], int]) -> None: ...
    def feed(self, data: bytes) -> None: ...
    def build(self) -> Parts: ...

def offsets_rise(ends: array[int], low: int, high: int) -> bool: ...
def codes_within(codes: array[int], bound: int) -> bool: ...
def cuts_whole(blob: bytes, ends: array[int]) -> bool: ...
