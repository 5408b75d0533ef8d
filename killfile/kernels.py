"""The scoring engine's hot per-article passes, one function each, compiled when possible.

Scoring 150,000 articles in well under a second leaves about 15 ms for each pass
over the articles, which is what one C-level ``map`` costs, and the engine needs
dozens. The passes that cost most live here so that they can run as compiled
code: ``killfile/_kernels.pyx`` (Cython, built by ``pip install`` where a C
compiler is present) does each in one tight loop, with no bound-method call per
element and several passes fused into one. Where it could not be built,
``killfile.kernels_pure`` gives the same results more slowly; the tests check
with hypothesis that the two agree, and ``COMPILED`` says which one is in use
(``bench/score_bench.py`` prints it). ``PITH_PURE_KERNELS=1`` in the environment
picks the reference even where the helper is built: to compare the two, or to
rule the helper out when chasing a scoring bug.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

try:
    if os.environ.get("PITH_PURE_KERNELS"):
        raise ImportError("PITH_PURE_KERNELS is set")
    from killfile._kernels import (beyond, code_threads, codes, columns, count_newlines, counts_over, day_ordinals,
                                   decode_coded, find_strings, gather_codes, indices_in, indices_naming, join_coded,
                                   join_lines, join_references, lookup, naming_codes, shared_codes, stamp_days,
                                   thread_codes)
except ImportError:  # no compiler at install time: the reference implementation, same answers
    from killfile.kernels_pure import (beyond, code_threads, codes, columns, count_newlines, counts_over,
                                       day_ordinals, decode_coded, find_strings, gather_codes, indices_in,
                                       indices_naming, join_coded, join_lines, join_references, lookup, naming_codes,
                                       shared_codes, stamp_days, thread_codes)

    COMPILED = False
else:
    COMPILED = True


def as_list(values: Sequence[T]) -> list[T]:
    """The kernels take lists (read in place, no copy); the engine's columns already are."""
    return values if isinstance(values, list) else list(values)


__all__ = ["COMPILED", "as_list", "beyond", "code_threads", "codes", "columns", "count_newlines", "counts_over",
           "day_ordinals", "decode_coded", "find_strings", "gather_codes", "indices_in", "indices_naming", "join_coded",
           "join_lines", "join_references", "lookup", "naming_codes", "shared_codes", "stamp_days", "thread_codes"]
