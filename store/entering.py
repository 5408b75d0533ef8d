"""Fetching a group's overviews from a source into the store: what entering a group and a sync share.

Everything above the store's high-water mark is fetched, a batch at a time, each
batch committed with its mark, so an interrupted fetch resumes right after the
last record stored. Entering a group stores a server's OVER answers as packs as
they came (store/rawchunks.py) and hands the reader the articles parsed from the
bytes in hand, as Columns (nntp/columns.py); a source without raw overviews
stores binary packs of its batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from nntp.columns import Columns
from nntp.gcpause import gc_paused
from nntp.models import GroupInfo, Overview, OverviewBatch, RawOverviews
from nntp.prefetch import Prefetch
from nntp.source import Capability, NewsSource, ProgressCallback
from store.cache import Store
from store.rawchunks import BackgroundWriter, over_columns, stored

EarlyRecords = Callable[[list[Overview]], None]
"""Takes a group's first records while the rest is read (Library.enter_group)."""

EARLY_RECORDS = 1500
"""How many records make a first screen: screens of threads, threaded and scored in ~15 ms."""


@dataclass(frozen=True, slots=True)
class GroupLoad:
    """What entering a group produced."""

    group: GroupInfo
    overviews: Sequence[Overview]
    """A ``Columns`` (nntp/columns.py) when read from the store or a server's answers: index it, do not
    iterate it whole where a column will do."""
    fetched: int
    """Overview records fetched from the source this time."""
    skipped: int
    """Malformed overview lines the source sent (counted, not fatal)."""
    offline: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    """One answer fetched: how many articles it held, its last number, the malformed lines left out,
    and its articles, made only when asked (the early first screen asks for one answer's)."""

    count: int
    last: int
    skipped: int
    articles: Callable[[], Sequence[Overview]]


@dataclass(frozen=True, slots=True)
class Fetch:
    """One fetch of a group's new overviews: where they go and who hears of them."""

    store: Store
    source: NewsSource
    progress: ProgressCallback | None = None
    keep: list[Columns] | None = None
    """Entering a group: the articles fetched go here, and a server's answers are stored as they came."""

    def run(self, name: str, early: EarlyRecords | None = None) -> tuple[GroupInfo, int, int]:
        """Fetch what lies above the high-water mark into the store: (group, fetched, skipped)."""
        info, first = span_above_mark(self.source, self.store, name)
        fetched = skipped = 0
        expected = max(0, info.high - first + 1)
        if info.count and first <= info.high:
            for batch in self._batches(name, first, info.high):
                fetched += batch.count
                skipped += batch.skipped
                if early is not None and batch.count:
                    early(list(batch.articles()[:EARLY_RECORDS]))
                    early = None
                if self.progress:
                    self.progress(batch.last - first + 1, expected)
        return info, fetched, skipped

    def _batches(self, name: str, first: int, last: int) -> Iterator[Step]:
        if self.keep is not None and Capability.RAW_OVERVIEWS in self.source.capabilities:
            return self._raw_batches(self.source.iter_raw_overviews(name, first, last), name, self.keep)
        return self._row_batches(self.source.iter_overviews(name, first, last), name)

    def _raw_batches(self, slices: Iterator[RawOverviews], name: str, keep: list[Columns]) -> Iterator[Step]:
        """Store each answer as it came, then parse it into Columns for the reader's list.

        Three threads share the work: one reads the next answers off the socket
        (nntp/prefetch.py), one commits them (SQLite and socket reads let go
        of the GIL), and this one parses (nntp/overcols.py's kernel when built).
        gc_paused: the pure parser's 150,000 records would otherwise trigger dozens
        of pointless full collections.
        """
        from nntp.overcols import ColumnsAccumulator  # late: the compiled reader, only when entering a group

        overviews = self.store.overview_store
        reader: ColumnsAccumulator | None = None
        try:
            with gc_paused(), Prefetch(slices) as ahead, \
                    BackgroundWriter[tuple[RawOverviews, int]](lambda got: overviews.save_raw(name, *got)) as writer:
                for raw in ahead:
                    if reader is None:
                        reader = ColumnsAccumulator(raw.fmt)
                    count, skipped = reader.feed(raw.data)
                    writer.put((raw, count))
                    yield Step(count, raw.last, skipped, partial(_answer_articles, raw))
        finally:  # what was read before a cut is the reader's too
            if reader is not None:
                keep.append(stored(reader.build()))

    def _row_batches(self, batches: Iterator[OverviewBatch], name: str) -> Iterator[Step]:
        for batch in batches:
            self.store.overview_store.save(name, batch.overviews, batch.last)
            yield Step(len(batch.overviews), batch.last, batch.skipped, partial(tuple, batch.overviews))


def _answer_articles(raw: RawOverviews) -> Sequence[Overview]:
    return over_columns(raw.data, raw.fmt)[0]


def span_above_mark(source: NewsSource, store: Store, name: str) -> tuple[GroupInfo, int]:
    """The group as the server has it now (stored), and the first number above the store's
    high-water mark: what entering and ``pith sync`` fetch (nothing when first > high or count is 0)."""
    info = source.select_group(name)
    store.group_table.update(info)
    return info, max(store.group_table.fetched_high(name) + 1, info.low)
