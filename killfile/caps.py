"""Reader-side post limits: at most N articles per author per day / week / month, or per thread.

Windows are calendar windows (a day runs midnight to midnight) in UTC unless the
cap names a timezone; weeks are ISO weeks (Monday first). Articles without a
Date cannot be placed in a window and are never capped by a time window.
Which articles stay is decided by a total order (date, number, Message-ID, and
the score for ``keep = "best"``), so the result never depends on input order.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from itertools import repeat

from killfile.facts import Facts
from killfile.kernels import as_list, beyond, counts_over, indices_in
from killfile.model import Cap

_UNIX_DAY0 = date(1970, 1, 1).toordinal()


def over_cap(cap: Cap, facts: Facts, scores: Sequence[int]) -> list[int]:
    """Indices of the articles beyond ``cap.max`` in their (author, window) bucket.

    Bucket keys are integers (author * span + window), counted as C integers
    (``counts_over``); only the buckets over the limit are gathered and sorted.
    """
    windows = _windows(cap, facts)
    span = max(windows, default=0) + 2
    # A missing window (-1) lands on author * span - 1: a bucket no real window uses.
    full = {k for k in counts_over(facts.address_ids, span, windows, cap.max) if k % span != span - 1}
    if cap.exempt and full:
        exempt_ids = {facts.address_ids[i] for i in indices_in(facts.addresses, cap.exempt)}
        full = {k for k in full if k // span not in exempt_ids}
    if cap.authors and full:
        capped_ids = {facts.address_ids[i] for i in indices_in(facts.addresses, cap.authors)}
        full = {k for k in full if k // span in capped_ids}
    if not full:
        return []
    return _trim(cap, facts, scores, span, windows, full)


def starters(facts: Facts, candidates: Sequence[int]) -> set[int]:
    """The candidates that start a thread others replied to: no References, and another author in the thread.

    A hiding cap that took such an article would take its whole thread, other
    people's replies included, out of the reader's view. Tens of thousands of
    articles can be over a cap in a big group, so the passes are C-level maps.
    """
    roots = facts.without_references(candidates)
    if not roots:
        return set()
    threads, authors = facts.thread_ids, facts.address_ids
    members = facts.members(set(map(threads.__getitem__, roots)))
    pairs = set(zip(map(threads.__getitem__, members), map(authors.__getitem__, members)))
    crowded = {t for t, n in Counter(map(operator.itemgetter(0), pairs)).items() if n > 1}
    return {i for i in roots if threads[i] in crowded}


def _trim(cap: Cap, facts: Facts, scores: Sequence[int], span: int, windows: list[int], full: set[int]) -> list[int]:
    """What lies beyond ``cap.max`` in each over-full bucket, in the cap's order: earliest first
    (date, number, Message-ID), or for ``keep = "best"`` highest score first, earliest among equals."""
    best = as_list(scores) if cap.keep == "best" else None
    return beyond(facts.address_ids, span, windows, full, cap.max, facts.date_keys, facts.number_keys,
                  facts.tie_ids, best)


def _windows(cap: Cap, facts: Facts) -> list[int]:
    """A non-negative window number per article (-1: no window, i.e. no Date)."""
    if cap.per == "thread":
        return facts.thread_ids
    days = facts.days(cap.timezone)
    if cap.per == "day":
        return days
    if cap.per == "week":
        return [(d - 1) // 7 if d >= 0 else -1 for d in days]  # ordinal 1 (0001-01-01) was a Monday
    months = {d: _month(d) for d in set(days) if d >= 0}
    months[-1] = -1
    return list(map(months.__getitem__, days))


def day_numbers(stamps: Sequence[float | None], timezone_name: str) -> list[int]:
    """Proleptic day ordinal (as date.toordinal) of each timestamp in the zone; -1 for None."""
    base = _UNIX_DAY0
    known = [s for s in stamps if s is not None]
    offset = _offset_function(timezone_name)
    shifted = [s + offset(s) for s in known]
    days = list(map(operator.add, map(int, map(operator.floordiv, shifted, repeat(86400))), repeat(base)))
    if len(known) == len(stamps):
        return days
    it = iter(days)
    return [next(it) if s is not None else -1 for s in stamps]


def _month(day: int) -> int:
    when = date.fromordinal(day)
    return when.year * 12 + when.month


def _offset_function(name: str) -> Callable[[float], float]:
    """timestamp -> seconds east of UTC in that zone, cached per hour (offsets change on the hour)."""
    if name.upper() in ("UTC", "Z", "ETC/UTC", "GMT"):
        return lambda _stamp: 0
    import zoneinfo  # only a cap with a time zone needs it (~2 ms of a launch, issue 17)

    zone = zoneinfo.ZoneInfo(name)
    cache: dict[int, float] = {}

    def offset(stamp: float) -> float:
        hour = int(stamp // 900)  # quarter hours: some zones shift by 30 or 45 minutes
        found = cache.get(hour)
        if found is None:
            moment = datetime.fromtimestamp(hour * 900, timezone.utc)
            found = cache[hour] = (moment.astimezone(zone).utcoffset() or timedelta()).total_seconds()
        return found

    return offset
