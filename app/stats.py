"""Group statistics ("top posters"): pure functions over overviews and a ScoreTable.

Per calendar month (UTC): top posters by article count and by bytes, posts per
day, the distribution of thread sizes (articles of the month per thread), and
how many articles each rule or cap hid. Undated articles are left out of the
months. No textual, no rich: the statistics screen computes these in a worker.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from killfile.result import ScoreTable
from killfile.states import ScoreState
from nntp.models import Overview
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


def month_stats(overviews: Sequence[Overview], root_of: Mapping[str, str], top: int = TOP) -> list[MonthStats]:
    """One MonthStats per month with dated articles, oldest month first."""
    months: dict[str, list[Overview]] = {}
    for article in overviews:
        if article.date is not None:
            months.setdefault(f"{article.date:%Y-%m}", []).append(article)
    return [_one_month(month, months[month], root_of, top) for month in sorted(months)]


def _one_month(month: str, articles: list[Overview], root_of: Mapping[str, str], top: int) -> MonthStats:
    names: dict[str, str] = {}
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    year, number = int(month[:4]), int(month[5:])
    per_day = [0] * calendar.monthrange(year, number)[1]
    for article in articles:
        name = names.get(article.author)
        if name is None:
            name = names[article.author] = display_name(article.author)
        counts[name] += 1
        sizes[name] += article.bytes
        assert article.date is not None
        per_day[article.date.day - 1] += 1
        threads[root_of.get(article.message_id, article.message_id)] += 1
    return MonthStats(month, len(articles), _top(counts, top), _top(sizes, top), per_day,
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
    for i, article in enumerate(table.articles):
        if month is not None and (article.date is None or f"{article.date:%Y-%m}" != month):
            continue
        if table.state(i).visible:
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
