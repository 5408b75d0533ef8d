"""Raw OVER bytes straight into ``Columns``, without a record per article on the way.

``parse_over_block`` (nntp/overblock.py) makes an ``Overview`` per line and
``from_records`` then takes each apart again into arrays: for 150,000 articles
that is 150,000 tuples, datetimes and References tuples made only to be
dropped. Here the compiled kernel (nntp/_overcols.pyx, built by setup.py where
a C compiler is present) reads the bytes once and fills the arrays and string
tables directly; a line it does not fully understand goes through the per-line
parser, so the answer is, by definition and by the tests
(tests/nntp/test_overcols.py), exactly ``from_records(parse_over_block(data,
fmt)[0])``: the same arrays, codes and tables, not only the same records. Where
the kernel is not built, or ``PITH_PURE_KERNELS=1`` is set (as for the scoring
kernels), that definition is what runs: same answers, slower.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from nntp.columns import Columns, ColumnsBuilder, StringTable
from nntp.models import Overview
from nntp.overblock import _placeholder, parse_over_block
from nntp.parse import STANDARD_FORMAT, OverParser, _clean, _fast_date, _int, over_parser, utf8_or_latin1

if TYPE_CHECKING:
    from nntp._overcols import Filler, Parts


def _kernel() -> type[Filler] | None:
    """The compiled kernel's class, unless it is not built (no compiler at install time) or turned off."""
    if os.environ.get("PITH_PURE_KERNELS"):
        return None
    try:
        from nntp._overcols import Filler
    except ImportError:
        return None
    return Filler


KERNEL = _kernel()
COMPILED = KERNEL is not None
"""Whether the compiled kernel is in use (bench/overcols_bench.py prints it)."""


def over_columns(data: bytes, fmt: tuple[str, ...]) -> tuple[Columns, int]:
    """One OVER answer's raw bytes -> (its articles as Columns, malformed lines skipped); never raises."""
    return over_columns_many((data,), fmt)


def over_columns_many(blocks: Iterable[bytes], fmt: tuple[str, ...]) -> tuple[Columns, int]:
    """Several answers (a group's stored chunks, in order) -> one Columns and the lines skipped in all."""
    if KERNEL is None or fast_width(fmt) is None:
        return pure_columns_many(blocks, fmt)
    return kernel_columns(KERNEL, blocks, fmt)


def kernel_columns(kernel: type[Filler], blocks: Iterable[bytes], fmt: tuple[str, ...]) -> tuple[Columns, int]:
    """The compiled path (a format ``fast_width`` takes); the tests call it with the kernel whatever the switch says."""
    width = fast_width(fmt)
    assert width is not None, "a format the kernel does not read"
    filler = new_filler(kernel, width, fmt)
    for block in blocks:
        filler.feed(bytes(block))
    return assemble(filler.build()), filler.skipped


def new_filler(kernel: type[Filler], width: int, fmt: tuple[str, ...]) -> Filler:
    """A kernel filler for lines of ``width`` fields, handing the lines it does not read to the parser of ``fmt``."""
    return kernel(width, partial(line_record, over_parser(fmt)), _clean, _fast_date, _int)


def fast_width(fmt: tuple[str, ...]) -> int | None:
    """Fields a line has in the formats the kernel reads (the standard seven, then at most Xref), else None."""
    if len(fmt) < len(STANDARD_FORMAT):  # as over_parser reads a list this short
        fmt = STANDARD_FORMAT
    extra = [name.rstrip(":").lower() for name in fmt[len(STANDARD_FORMAT):]]
    if extra in ([], ["xref"]):
        return len(fmt) + 1
    return None


def line_record(parse: OverParser, raw: bytes) -> Overview | None:
    """One line the kernel handed back (already unstuffed), exactly as ``parse_over_block`` reads it alone."""
    line = utf8_or_latin1(raw)
    try:
        return parse(line)
    except Exception:  # a parser bug: the article still lists, as _guarded_lines shows it
        return _placeholder(line)


def assemble(parts: Parts) -> Columns:
    """The kernel's arrays, tables and blobs as a Columns (the string tables already frozen)."""
    (numbers, stamps, sizes, lines, subject_codes, subjects, author_codes, authors, id_codes, id_blob, id_ends,
     ref_starts, ref_codes, xref_blob, xref_ends, extras) = parts
    return Columns(numbers, stamps, sizes, lines, subject_codes, subjects, author_codes, authors, id_codes,
                   StringTable(id_blob, id_ends), ref_starts, ref_codes, StringTable(xref_blob, xref_ends), extras)


def pure_columns(data: bytes, fmt: tuple[str, ...]) -> tuple[Columns, int]:
    """The definition: the block parser's records, as Columns."""
    return pure_columns_many((data,), fmt)


def pure_columns_many(blocks: Iterable[bytes], fmt: tuple[str, ...],
                      parse: Callable[[bytes, tuple[str, ...]], tuple[list[Overview], int]] = parse_over_block,
                      ) -> tuple[Columns, int]:
    """Each block through ``parse`` (the block parser), its records into one builder."""
    builder, skipped = ColumnsBuilder(), 0
    for block in blocks:
        records, dropped = parse(bytes(block), fmt)
        skipped += dropped
        for record in records:
            builder.add(record)
    return builder.build(), skipped


class ColumnsAccumulator:
    """Answers read one at a time into one Columns: what ``over_columns_many`` gives for them all at once.

    Entering a group reads each OVER answer as it arrives. One Columns per answer,
    joined at the end, held every answer's tables and then a Message-ID bytes
    object per article for the join (local.huge, 1,000,000 articles: 644 MB of
    peak); one filler for the whole fetch codes each ID once, as it comes.
    """

    def __init__(self, fmt: tuple[str, ...]) -> None:
        width = fast_width(fmt)
        self._fmt = fmt
        self._filler: Filler | None = None
        self._builder: ColumnsBuilder | None = None
        if KERNEL is not None and width is not None:
            self._filler = new_filler(KERNEL, width, fmt)
        else:
            self._builder = ColumnsBuilder()

    def feed(self, data: bytes) -> tuple[int, int]:
        """Add one answer's articles: -> (articles added, malformed lines skipped)."""
        if self._filler is not None:
            count, skipped = self._filler.filled, self._filler.skipped
            self._filler.feed(bytes(data))
            return self._filler.filled - count, self._filler.skipped - skipped
        assert self._builder is not None
        records, skipped = parse_over_block(bytes(data), self._fmt)
        for record in records:
            self._builder.add(record)
        return len(records), skipped

    def build(self) -> Columns:
        """Every article fed so far (call once)."""
        if self._filler is not None:
            return assemble(self._filler.build())
        assert self._builder is not None
        return self._builder.build()
