"""Pause the cyclic garbage collector while a big structure is built.

Building 150,000 thread nodes (or rows) allocates so many container objects that
CPython's generational GC runs again and again, each pass re-scanning every live
overview record: about a third of the time threading a big group took. Nothing
built under the pause needs the cycle collector at once; reference counting still
frees everything else, and the next ordinary collection finds any cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC inside the block (and restore it only if it was on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
