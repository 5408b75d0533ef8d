"""The OVER encoding of an overview pack: a server's answer kept as it came, and the thread that writes it.

Entering a group for the first time used to parse every line, insert every row,
maintain the Message-ID index, read all rows back and pack them before the list
could show: 5-6 s for 150,000 articles against a 0.7-1.0 s wire. Now each answer
is stored as one pack in this encoding (store/packs.py ``insert_over``), in one
transaction with the high-water mark, by a helper thread (``BackgroundWriter``),
while the reader's articles are parsed from the bytes in hand. ``pith sync``
stores its answers the same way and only counts their records.

Such a pack is decoded like any other (store/packread.py), by the compiled OVER
reader (nntp/overcols.py) when it is built, else by the block parser; compaction
later writes a group's packs back as one in the binary encoding (store/colpack.py).
Nothing here turns a pack into another form.
"""

from __future__ import annotations

import importlib
import queue
import threading
from collections.abc import Callable, Iterable
from functools import cache
from typing import Generic, TypeVar

from nntp.columns import Columns, from_records
from nntp.overblock import parse_over_block
from store.coljoin import join

OVER = "over/"
"""The ``fmt`` of a pack in the OVER encoding starts so; the OVERVIEW.FMT fields follow, one a line."""

T = TypeVar("T")


def over_format(fields: tuple[str, ...]) -> str:
    """The ``fmt`` recorded beside an answer kept as it came."""
    return OVER + "\n".join(fields)


def is_over(fmt: str) -> bool:
    return fmt.startswith(OVER)


def fields_of(fmt: str) -> tuple[str, ...]:
    """The OVERVIEW.FMT fields of an OVER-encoded pack's ``fmt``."""
    return tuple(fmt[len(OVER):].split("\n"))


def over_columns(data: bytes, fields: tuple[str, ...]) -> tuple[Columns, int]:
    """OVER lines -> (Columns as a pack keeps them, malformed lines): see ``over_columns_many``."""
    return over_columns_many((data,), fields)


def over_columns_many(blocks: Iterable[bytes], fields: tuple[str, ...]) -> tuple[Columns, int]:
    """Several answers' OVER lines -> one Columns as a pack keeps them, and the malformed lines: the
    compiled kernel when it is there (nntp/overcols.py), else the block parser's records made columns
    (the same articles)."""
    kernel = _kernel()
    if kernel is not None:
        columns, skipped = kernel(blocks, fields)
        return stored(columns), skipped
    parts, skipped = [], 0
    for data in blocks:
        records, bad = parse_over_block(data, fields)
        parts.append(stored(from_records(records)))
        skipped += bad
    return join(parts, adopt=True), skipped


@cache
def _kernel() -> Callable[[Iterable[bytes], tuple[str, ...]], tuple[Columns, int]] | None:
    try:
        return importlib.import_module("nntp.overcols").over_columns_many
    except (ImportError, AttributeError):
        return None


def stored(c: Columns) -> Columns:
    """The articles as every pack keeps them: without extra OVERVIEW.FMT fields (so a group reads the
    same whichever encoding its packs are in; the extra fields were never stored)."""
    if not c.extras:
        return c
    return Columns(c.numbers, c.stamps, c.sizes, c.lines, c.subject_codes, c.subjects, c.author_codes, c.authors,
                   c.id_codes, c.ids, c.ref_starts, c.ref_codes, c.xrefs)


class BackgroundWriter(Generic[T]):
    """Commits answers on a helper thread while the caller parses the next one.

    SQLite lets go of the GIL while it writes, so storing 40 MB of answers costs
    the reader's list almost nothing. At most ``depth`` items wait (memory stays
    bounded); leaving the ``with`` block waits for every commit and raises the
    first error. The store's connection is only used by this thread meanwhile.
    """

    def __init__(self, write: Callable[[T], None], depth: int = 2) -> None:
        self._write = write
        self._queue: queue.Queue[tuple[T] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pith-chunk-writer", daemon=True)

    def __enter__(self) -> BackgroundWriter[T]:
        self._thread.start()
        return self

    def put(self, item: T) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((item,))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._write(item[0])
                except BaseException as exc:  # handed to the fetching thread
                    self._error = exc

    def __exit__(self, *exc_info: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise self._error
