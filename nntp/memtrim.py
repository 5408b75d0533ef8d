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
