"""Group statistics ("top posters"): pure functions over overviews and a ScoreTable.

Per calendar month (UTC): top posters by article count and by bytes, posts per
day, the distribution of thread sizes (articles of the month per thread), and
how many articles each rule or cap hid. Undated articles are left out of the
months. No textual, no rich: the statistics screen computes these in a worker.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

from killfile.result import ScoreTable
from killfile.states import ScoreState
from nntp.columns import NO_DATE, Columns
from nntp.models import Overview
from app.rootindex import RootIndex
from app.rows import display_name

TOP = 10
SIZE_BUCKETS = ((1, 1), (2, 3), (4, 7), (8, 15), (16, 31), (32, None))


@dataclass(frozen=True)
class MonthStats:
    month: str
    """YYYY-MM."""
    articles: int
    by_count: list[tuple[str, int]]
    by_bytes: list[tuple[str, int]]
    per_day: list[int]
    """Articles posted on day 1, 2, ... of the month."""
    thread_sizes: list[tuple[str, int]]
    """("1", n), ("2-3", n) ... : how many threads had that many articles this month."""


class _Post(NamedTuple):
    """What the statistics read of one dated article."""

    date: datetime
    author: str
    bytes: int
    thread: Hashable
    """Its thread (a root Message-ID, or a RootIndex position: only counted)."""


def month_stats(overviews: Sequence[Overview], root_of: Mapping[str, str], top: int = TOP) -> list[MonthStats]:
    """One MonthStats per month with dated articles, oldest month first."""
    months: dict[str, list[_Post]] = {}
    for post in _posts(overviews, root_of):
        months.setdefault(f"{post.date:%Y-%m}", []).append(post)
    return [_one_month(month, months[month], top) for month in sorted(months)]


def _posts(overviews: Sequence[Overview], root_of: Mapping[str, str]) -> Iterator[_Post]:
    """The dated articles, read from the columns (no record each) when ``overviews`` is Columns."""
    if not isinstance(overviews, Columns):
        for o in overviews:
            if o.date is not None:
                yield _Post(o.date, o.author, o.bytes, root_of.get(o.message_id, o.message_id))
        return
    by_index = isinstance(root_of, RootIndex) and root_of.indexes(overviews)
    for i, stamp in enumerate(overviews.stamps):
        if stamp != NO_DATE:
            date = datetime.fromtimestamp(stamp, timezone.utc)
            yield _Post(date, overviews.author(i), overviews.sizes[i], _thread_at(overviews, root_of, i, by_index))


def _thread_at(overviews: Columns, root_of: Mapping[str, str], i: int, by_index: bool) -> Hashable:
    if by_index:
        assert isinstance(root_of, RootIndex)
        position = root_of.position_of_index(i)
        if position is not None:
            return position
    message_id = overviews.message_id(i)
    return root_of.get(message_id, message_id)


def _one_month(month: str, posts: list[_Post], top: int) -> MonthStats:
    names: dict[str, str] = {}
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    threads: Counter[Hashable] = Counter()
    year, number = int(month[:4]), int(month[5:])
    per_day = [0] * calendar.monthrange(year, number)[1]
    for post in posts:
        name = names.get(post.author)
        if name is None:
            name = names[post.author] = display_name(post.author)
        counts[name] += 1
        sizes[name] += post.bytes
        per_day[post.date.day - 1] += 1
        threads[post.thread] += 1
    return MonthStats(month, len(posts), _top(counts, top), _top(sizes, top), per_day,
                      size_distribution(threads.values()))


def _top(counter: Counter[str], top: int) -> list[tuple[str, int]]:
    """The ``top`` largest, ties by name, so the page is the same every time."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]


def size_distribution(sizes: Iterable[int]) -> list[tuple[str, int]]:
    """Thread sizes counted into buckets 1, 2-3, 4-7, 8-15, 16-31, 32+."""
    out = []
    values = list(sizes)
    for low, high in SIZE_BUCKETS:
        label = str(low) if low == high else (f"{low}-{high}" if high else f"{low}+")
        out.append((label, sum(1 for v in values if v >= low and (high is None or v <= high))))
    return out


def hidden_by_rule(table: ScoreTable, month: str | None = None) -> list[tuple[str, int]]:
    """Rule / cap -> how many killed or hidden articles it pushed down (``month``: only those dated then).

    An article counts once for every entry that lowered its score or forced its state.
    """
    counts: Counter[str] = Counter()
    articles = table.articles
    for i in range(len(articles)):
        if table.state(i).visible:
            continue
        date = articles.date(i) if isinstance(articles, Columns) else articles[i].date
        if month is not None and (date is None or f"{date:%Y-%m}" != month):
            continue
        for applied in table.entries(i):
            if applied.delta < 0 or applied.force in (ScoreState.KILLED, ScoreState.HIDDEN):
                counts[applied.rule] += 1
    return _top(counts, len(counts))


def bar(value: int, largest: int, width: int) -> str:
    """A bar of ``width`` cells at most, in eighths; a non-zero value always shows something."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value * width * 8 / largest))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if not rest else " ▏▎▍▌▋▊▉"[rest])
