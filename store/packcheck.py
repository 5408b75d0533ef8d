"""Checks of a stored pack's offsets, codes and text, with no Python object per item (store/colpack.py).

Every entry into a big group checks its pack before using it. Checking
``ends.tolist() == sorted(ends)`` made two lists of Python ints per table
(~12 MB for local.big's Message-IDs) and decoding a whole blob to validate it
made a str as big as the blob: together more than half the group again at the
peak of an entry. The compiled checks (nntp/_overcols.pyx) walk the arrays in
place; where they are not built (or ``PITH_PURE_KERNELS=1``) the same checks
run in Python over windows of ``WINDOW`` items, so the extra memory stays
bounded either way. Same answers on both paths (tests/store/test_entry_peaks.py).
"""

from __future__ import annotations

import codecs
import os
from array import array
from collections.abc import Iterator
from functools import cache
from types import ModuleType

WINDOW = 1 << 12
"""Items checked at a time on the Python path: what it holds beside the pack (a few hundred KB)."""
TEXT_PIECE = 1 << 20
"""Bytes of a blob decoded at a time to check it is UTF-8."""
_NOT_CONTINUATION = bytes(b for b in range(256) if b & 0xC0 != 0x80)


@cache
def compiled() -> ModuleType | None:
    """The compiled checks, imported on first use (a launch that enters no group never loads them)."""
    if os.environ.get("PITH_PURE_KERNELS"):
        return None
    try:
        from nntp import _overcols
    except ImportError:
        return None
    return _overcols


def offsets_rise(ends: array[int], low: int, high: int) -> bool:
    """Whether ``ends`` never falls and lies within ``low..high`` (string ends, References run starts)."""
    kernel = compiled()
    if kernel is not None:
        return bool(kernel.offsets_rise(ends, low, high))
    if not ends:
        return low <= high
    if ends[0] < low or ends[-1] > high:
        return False
    return all(window.tolist() == sorted(window) for window in _windows(ends, overlap=1))


def codes_within(codes: array[int], bound: int) -> bool:
    """Whether every code is in ``0..bound-1``."""
    kernel = compiled()
    if kernel is not None:
        return bool(kernel.codes_within(codes, bound))
    return not codes or (min(codes) >= 0 and max(codes) < bound)


def cuts_whole(blob: bytes, ends: array[int]) -> bool:
    """Whether no end inside ``blob`` falls on a UTF-8 continuation byte (the ends already lie within it)."""
    kernel = compiled()
    if kernel is not None:
        return bool(kernel.cuts_whole(blob, ends))
    size, at = len(blob), blob.__getitem__
    return not any(bytes(map(at, [e for e in window.tolist() if e < size])).translate(None, _NOT_CONTINUATION)
                   for window in _windows(ends))


def utf8(blob: bytes) -> bool:
    """Whether ``blob`` is UTF-8 (lone surrogates allowed, as ``surrogatepass`` writes them), decoded a piece
    at a time rather than into one str as big as the blob; ASCII (nearly every Message-ID) decodes nothing."""
    if blob.isascii():
        return True
    decoder, view, step = codecs.getincrementaldecoder("utf-8")("surrogatepass"), memoryview(blob), TEXT_PIECE
    try:
        for start in range(0, len(view), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        view.release()
    return True


def _windows(items: array[int], overlap: int = 0) -> Iterator[array[int]]:
    """``items`` in slices of ``WINDOW``, each reaching ``overlap`` items into the next."""
    for start in range(0, len(items), WINDOW):
        yield items[start : start + WINDOW + overlap]
