"""Hand the heap pages a big phase freed back to the system (glibc's ``malloc_trim``).

Entering a 150,000-article group decodes packs, threads and scores: each phase
frees tens of MB of short-lived objects and C arrays, but glibc keeps the freed
pages mapped, so the process's resident size stays at its high-water mark while
the reader reads (local.big: ~6 MB after scoring, ~5 MB after entering). One
``malloc_trim(0)`` after such a phase costs well under a millisecond and returns
those pages. Elsewhere (musl, macOS, Windows) there is nothing to call and
nothing is done; small groups never pay for loading ctypes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

BIG = 20_000
"""Below this many articles a phase frees too little to be worth a call."""


def give_back(articles: int) -> bool:
    """After a phase over ``articles`` articles: return freed heap pages to the system; -> whether it could."""
    if articles < BIG:
        return False
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        function: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError, TypeError):  # no ctypes, no C library, or not glibc
        return None
    return function


MMAP_THRESHOLD = 256 * 1024
"""Blocks at least this big are mapped on their own and unmapped when freed (glibc's M_MMAP_THRESHOLD)."""
_M_MMAP_THRESHOLD = -3


@cache
def map_big_blocks() -> bool:
    """Keep glibc mapping big blocks (arrays, blobs) on their own, so each is given back when it is freed.

    glibc starts at 128 KB but raises the threshold to the size of any mapped
    block freed (up to 32 MB): after a group's first big temporary array, the
    next ones come from the heap, and the heap keeps its high-water mark until
    a trim. Setting the threshold once fixes it (local.huge's entry: 277 -> 266
    MB of peak, no slower). -> whether it could (glibc only)."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
